package dev.authkeeper.session;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.marketplace.Uris;

/**
 * Signed, expiring links to the {@code authorize} route. A link names the merchant, the consent
 * origin, the connection to repair (absent for a new connection) and the app to authorize (absent:
 * the connection's own app, or for a new connection the default app).
 */
@ApplicationScoped
public class ReauthorizeLinks {

    static final String PURPOSE = "link";

    private final SignedPayloads signer;
    private final AuthKeeperConfig config;
    private final Clock clock;

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Link(String merchant, String origin, String connection, String app, long exp) {
    }

    public ReauthorizeLinks(AuthKeeperConfig config, ObjectMapper json, Clock clock) {
        this.signer = new SignedPayloads(config.link().secret(), json);
        this.config = config;
        this.clock = clock;
    }

    /** A link and the second it stops working. */
    public record Minted(URI url, Instant expiresAt) {
    }

    /** A link that works for {@code authkeeper.link.lifetime}, as alerts carry. */
    public URI mint(String merchant, URI origin, Optional<String> connection) {
        return mint(merchant, origin, connection, Optional.empty());
    }

    /** A link that authorizes {@code app} (by its configured name) and works for {@code authkeeper.link.lifetime}. */
    public URI mint(String merchant, URI origin, Optional<String> connection, Optional<String> app) {
        return mint(merchant, origin, connection, app, config.link().lifetime()).url();
    }

    public Minted mint(String merchant, URI origin, Optional<String> connection, Optional<String> app, Duration lifetime) {
        Instant expiresAt = Instant.ofEpochSecond(clock.instant().plus(lifetime).getEpochSecond());
        var link = new Link(merchant, origin.toString(), connection.orElse(null), app.orElse(null), expiresAt.getEpochSecond());
        String token = signer.sealJson(PURPOSE, link);
        return new Minted(Uris.withQuery(URI.create(config.publicBaseUrl() + "/authorize"), Map.of("link", token)), expiresAt);
    }

    /** The link a token carries, if the signature holds and it has not expired. */
    public Optional<Link> open(String token, Instant now) {
        return signer.openJson(PURPOSE, token, Link.class)
                .filter(l -> l.merchant() != null && MerchantSessions.MERCHANT_ID.matcher(l.merchant()).matches())
                .filter(l -> l.origin() != null)
                .filter(l -> Instant.ofEpochSecond(l.exp()).isAfter(now));
    }
}
