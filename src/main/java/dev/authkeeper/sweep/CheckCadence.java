package dev.authkeeper.sweep;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;

/**
 * Which connections a round of checks proves. A marketplace's facts say how often its connections
 * are checked ({@code sweep.checkEvery}): one checked less often than every round is checked on one
 * round in so many, picked by the hash of its id, so the checks spread evenly over the rounds
 * between. A check of a marketplace whose refresh tokens rotate writes the connection, so this is
 * what keeps a large deployment's DynamoDB writes down. A connection whose authorization ends
 * before its next turn is checked every round, so its expiry warnings go out on time.
 */
@ApplicationScoped
public class CheckCadence {

    private final Marketplaces marketplaces;
    private final SweepConfig config;

    public CheckCadence(Marketplaces marketplaces, SweepConfig config) {
        this.marketplaces = marketplaces;
        this.config = config;
        config.checkEvery().forEach(this::requireKeepsAlive);
    }

    /** Whether round {@code round} (of {@code authkeeper.sweep.interval}) proves {@code id}, whose authorization ends at {@code expiresAt}. */
    public boolean checksIn(long round, ConnectionId id, Instant expiresAt, Instant now) {
        return lastTurn(round, id) == round
                || expiresAt.isBefore(now.plus(config.interval().multipliedBy(roundsBetween(id.marketplace()) + 1)));
    }

    /** The latest round up to {@code round} that is {@code id}'s turn. */
    long lastTurn(long round, ConnectionId id) {
        return lastTurn(round, TableLayout.checkHash(id), roundsBetween(id.marketplace()));
    }

    private long roundsBetween(String marketplace) {
        return rounds(checkEvery(marketplace), config.interval());
    }

    /** The deployment's {@code authkeeper.sweep.check-every.<marketplace>}, else the marketplace's facts. */
    Duration checkEvery(String marketplace) {
        return config.checkEvery().getOrDefault(marketplace, marketplaces.of(marketplace).facts().sweep().checkEvery());
    }

    private void requireKeepsAlive(String marketplace, Duration every) {
        var refresh = marketplaces.find(marketplace)
                .orElseThrow(() -> new IllegalStateException("authkeeper.sweep.check-every." + marketplace + ": no such marketplace"))
                .facts().token().refreshToken();
        if (every.toDays() < 1 || every.toDays() > 30 || !every.equals(Duration.ofDays(every.toDays())) || !refresh.keptAliveBy(every)) {
            throw new IllegalStateException("authkeeper.sweep.check-every." + marketplace + "=" + every.toDays()
                    + " days: give whole days from 1 to 30, at most a third of the refresh token's sliding window");
        }
    }

    /**
     * How many rounds apart two checks are: {@code checkEvery} in rounds, rounded up, at least one. A
     * round shorter than a day (a test or demo deployment) counts as a day: a daily marketplace is
     * checked every round, a weekly one every seventh.
     */
    static long rounds(Duration checkEvery, Duration interval) {
        long round = Math.max(interval.toMillis(), Duration.ofDays(1).toMillis());
        return Math.max(1, (checkEvery.toMillis() + round - 1) / round);
    }

    /** The latest round up to {@code round} that is a turn: one round in {@code every}, the one the connection's hash picks. */
    static long lastTurn(long round, long hash, long every) {
        return round - Math.floorMod(round - hash, every);
    }
}
