package dev.authkeeper.marketplace;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import dev.authkeeper.table.ConnectionId;
import io.quarkus.runtime.Startup;

/**
 * Every marketplace this build knows, by id: the flows look one up from the connection, the state
 * or the app they handle. Built at start-up, so a facts file that does not satisfy its schema stops
 * the function before it serves anything.
 */
@Startup
@ApplicationScoped
public class Marketplaces {

    private final Map<String, Marketplace> byId;

    public Marketplaces(Instance<Marketplace> marketplaces) {
        var byId = new TreeMap<String, Marketplace>();
        for (Marketplace marketplace : marketplaces) {
            if (byId.putIfAbsent(marketplace.id(), marketplace) != null) {
                throw new IllegalStateException("two marketplaces have the id " + marketplace.id());
            }
        }
        this.byId = Map.copyOf(byId);
    }

    /** The marketplace of a stored id (a connection's, a state's, an app's): it must exist. */
    public Marketplace of(String id) {
        return find(id).orElseThrow(() -> new IllegalStateException("no marketplace " + id + " in this build"));
    }

    public Marketplace of(ConnectionId id) {
        return of(id.marketplace());
    }

    public Optional<Marketplace> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<Marketplace> all() {
        return byId.values();
    }

    /**
     * A connection id as a request spells it, made canonical by its marketplace's account rule;
     * empty when it names no marketplace of this build, a region the marketplace does not have (or
     * none where it has regions), or an account in a form the marketplace never uses.
     */
    public Optional<ConnectionId> parse(String value) {
        ConnectionId raw;
        try {
            raw = ConnectionId.parse(value);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return find(raw.marketplace()).flatMap(marketplace -> {
            var facts = marketplace.facts();
            boolean regionFits = raw.region().map(facts.regions()::containsKey).orElse(!facts.hasRegions());
            return regionFits ? marketplace.canonicalAccount(raw.accountId()).map(a -> new ConnectionId(raw.marketplace(), raw.region(), a))
                    : Optional.empty();
        });
    }
}
