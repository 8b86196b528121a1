package dev.authkeeper.local.shopify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.local.shopify.ShopifyGrants.Outcome;
import dev.authkeeper.local.shopify.SimulatedShopify.App;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Reply;

/** The token endpoint, {@code POST /{shop}/admin/oauth/access_token}: client authentication, the three grants, Shopify's bodies. */
final class ShopifyTokens {

    static final String CODE_GRANT = "authorization_code";
    static final String REFRESH_GRANT = "refresh_token";
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";

    private final Supplier<SimulatedShopify.Settings> settings;
    private final ShopifyGrants grants;
    private final Supplier<Instant> now;
    private final ObjectMapper json = new ObjectMapper();

    ShopifyTokens(Supplier<SimulatedShopify.Settings> settings, ShopifyGrants grants, Supplier<Instant> now) {
        this.settings = settings;
        this.grants = grants;
        this.now = now;
    }

    /** The grant a token call is counted under: a code exchange carries no grant_type. */
    static String grantOf(Map<String, String> p) {
        if (p == null) {
            return null;
        }
        String grantType = Http.nonBlank(p.get("grant_type"));
        return grantType == null && Http.nonBlank(p.get("code")) != null ? CODE_GRANT : grantType;
    }

    /** The answer to a token call on {@code shop} whose body held these parameters (null: neither JSON nor a form). */
    Reply answer(String shop, Map<String, String> p) {
        if (p == null) {
            return error(400, "invalid_request", "The request body is neither a JSON object nor a form");
        }
        Optional<App> client = settings.get().apps().stream()
                .filter(a -> a.clientId().equals(p.get("client_id")) && a.clientSecret().equals(p.get("client_secret")))
                .findFirst();
        if (client.isEmpty()) {
            // Status and body for bad client credentials are unconfirmed; OAuth's invalid_client is the likely answer.
            return error(401, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret");
        }
        String app = client.get().name();
        String grant = grantOf(p);
        if (grant == null) {
            return error(400, "invalid_request", "The request is missing code or grant_type");
        }
        return switch (grant) {
            case CODE_GRANT -> Optional.ofNullable(Http.nonBlank(p.get("code")))
                    .map(code -> outcome(grants.exchange(app, shop, code, "1".equals(p.get("expiring")))))
                    .orElseGet(() -> error(400, "invalid_request", "The request is missing code"));
            case REFRESH_GRANT -> Optional.ofNullable(Http.nonBlank(p.get("refresh_token")))
                    .map(token -> outcome(grants.refresh(app, shop, token)))
                    .orElseGet(() -> error(400, "invalid_request", "The request is missing refresh_token"));
            case TOKEN_EXCHANGE -> migrate(app, shop, p);
            default -> error(400, "unsupported_grant_type", "The grant type is not supported");
        };
    }

    /** Shopify's answer to an injected status: Cloudflare's bare text for 5xx (as the 520s seen in the field), JSON otherwise. */
    Reply injected(int status) {
        if (status >= 500) {
            return new Reply(status, "text/plain;charset=UTF-8", ("error code: " + status).getBytes(StandardCharsets.UTF_8), Optional.empty());
        }
        return error(status, status == 429 ? "too_many_requests" : "invalid_request", "Simulated failure");
    }

    private Reply migrate(String app, String shop, Map<String, String> p) {
        if (!OFFLINE_TOKEN_TYPE.equals(p.get("subject_token_type")) || !OFFLINE_TOKEN_TYPE.equals(p.get("requested_token_type"))
                || !"1".equals(p.get("expiring"))) {
            return error(400, "invalid_request", "Only offline access tokens can be exchanged, for expiring ones");
        }
        String subject = Http.nonBlank(p.get("subject_token"));
        return subject == null ? error(400, "invalid_request", "The request is missing subject_token")
                : outcome(grants.migrate(app, shop, subject));
    }

    private Reply outcome(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Expiring expiring -> {
                ShopifyGrants.Pair pair = expiring.pair();
                Instant at = now.get();
                yield Reply.json(200, json.createObjectNode()
                        .put("access_token", pair.accessToken())
                        .put("scope", pair.scope())
                        .put("expires_in", secondsUntil(at, pair.accessExpiresAt()))
                        .put("refresh_token", pair.refreshToken())
                        .put("refresh_token_expires_in", secondsUntil(at, pair.refreshExpiresAt())));
            }
            case Outcome.Legacy legacy -> Reply.json(200, json.createObjectNode()
                    .put("access_token", legacy.accessToken()).put("scope", legacy.scope()));
            case Outcome.Refused refused -> error(refused.status(), refused.error(), refused.description());
        };
    }

    /** Whole seconds, rounded up, so a pair issued a moment ago answers its full lifetime. */
    private static long secondsUntil(Instant now, Instant at) {
        return Math.max(0, Duration.between(now, at).plusMillis(999).toSeconds());
    }

    private Reply error(int status, String error, String description) {
        ObjectNode body = json.createObjectNode().put("error", error).put("error_description", description);
        return Reply.json(status, body);
    }
}
