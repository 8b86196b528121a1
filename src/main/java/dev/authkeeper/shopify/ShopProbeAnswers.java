package dev.authkeeper.shopify;

import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.marketplace.JsonAnswer;
import dev.authkeeper.marketplace.RetryAfter;

/**
 * Every answer to {@link ShopifyRequests#shopQuery}, sorted into a {@link ProbeResult}. A 200 proves
 * the token only when it names the shop it was sent to. The GraphQL Admin API throttles with a 200
 * whose {@code errors} carry the code {@code THROTTLED}; statuses follow Shopify's "API response
 * status and error codes" page (402 frozen, 423 locked); the 403 for non-expiring tokens is known
 * from reports of its text only (its status is unconfirmed officially), so only that text concludes.
 */
public final class ShopProbeAnswers {

    static final String LEGACY_TOKEN_REFUSED = "Non-expiring access tokens are no longer accepted";
    private static final Pattern SHOP_GID = Pattern.compile("gid://shopify/Shop/\\d{1,20}");

    private final JsonAnswer json;

    public ShopProbeAnswers(ObjectMapper json) {
        this.json = new JsonAnswer(json);
    }

    public ProbeResult classify(ShopDomain shop, int status, String body, Optional<String> retryAfter) {
        if (status == 429 || status >= 500) {
            return new ProbeResult.Transient("Shopify answered HTTP " + status, retryAfter.flatMap(RetryAfter::parse));
        }
        if (status == 401) {
            return new ProbeResult.TokenDead();
        }
        if (status == 403) {
            return body.contains(LEGACY_TOKEN_REFUSED) ? new ProbeResult.LegacyTokenRefused() : new ProbeResult.Unexpected(403, "HTTP 403");
        }
        if (status == 402 || status == 423) {
            return new ProbeResult.ShopUnavailable(status);
        }
        if (status != 200) {
            return new ProbeResult.Unexpected(status, "HTTP " + status);
        }
        Optional<JsonNode> answer = json.object(body);
        if (answer.isEmpty()) {
            return new ProbeResult.Transient("Shopify answered HTTP 200 with a body that is not JSON", Optional.empty());
        }
        return shop(shop, answer.get());
    }

    private static ProbeResult shop(ShopDomain shop, JsonNode answer) {
        JsonNode errors = answer.path("errors");
        if (!errors.isMissingNode()) {
            for (JsonNode error : errors) {
                if ("THROTTLED".equals(error.path("extensions").path("code").asText())) {
                    return new ProbeResult.Transient("Shopify throttled the shop query", Optional.empty());
                }
            }
            return new ProbeResult.Unexpected(200, "HTTP 200 with GraphQL errors");
        }
        JsonNode found = answer.path("data").path("shop");
        Optional<String> id = JsonAnswer.text(found, "id").filter(gid -> SHOP_GID.matcher(gid).matches());
        Optional<ShopDomain> domain = JsonAnswer.text(found, "myshopifyDomain").flatMap(ShopDomain::parse);
        if (id.isEmpty() || domain.isEmpty()) {
            return new ProbeResult.Unexpected(200, "HTTP 200 without the shop's id and domain");
        }
        if (!domain.get().equals(shop)) {
            return new ProbeResult.Unexpected(200, "HTTP 200 naming another shop");
        }
        return new ProbeResult.Alive(id.get());
    }
}
