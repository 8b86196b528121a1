package dev.authkeeper.shopify;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.Uris;

/**
 * The requests AuthKeeper makes of a shop, as Shopify's own library makes them
 * ({@code shopify-app-js}: {@code oauth.ts}, {@code refresh-token.ts},
 * {@code migrate-to-expiring-token.ts}): client credentials in a JSON body, never a Basic header,
 * and always an expiring offline token ({@code expiring: "1"}), which every public app must use
 * from 2027-01-01. Every URL's base comes from {@link ShopHosts}.
 */
public final class ShopifyRequests {

    static final String TOKEN_PATH = "/admin/oauth/access_token";
    static final String OFFLINE_ACCESS_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token";
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    /** About one point of the shop's GraphQL budget: one object, scalars free. */
    static final String SHOP_QUERY = "{ shop { id myshopifyDomain } }";
    /** Shopify's quarterly versions, such as {@code 2026-10}. */
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}");
    private static final Pattern SCOPE = Pattern.compile("[a-z_]{1,80}");

    private final ShopHosts hosts;
    private final ObjectMapper json;

    public ShopifyRequests(ShopHosts hosts, ObjectMapper json) {
        this.hosts = hosts;
        this.json = json;
    }

    /**
     * Where the seller approves the app for {@code shop}. No {@code grant_options[]}: that asks for
     * an offline token, one that does not end with the seller's session.
     */
    public URI authorizeUri(ShopDomain shop, String clientId, List<String> scopes, URI redirectUri, Secret state) {
        if (scopes.isEmpty() || !scopes.stream().allMatch(scope -> SCOPE.matcher(scope).matches())) {
            throw new IllegalArgumentException("access scopes are lower-case words such as read_orders: " + scopes);
        }
        var query = new LinkedHashMap<String, String>();
        query.put("client_id", clientId);
        query.put("scope", String.join(",", scopes));
        query.put("redirect_uri", redirectUri.toString());
        query.put("state", state.value());
        return Uris.withQuery(hosts.resolve(shop, "/admin/oauth/authorize"), query);
    }

    /** Exchanges the callback's {@code code} for an expiring offline token and its refresh token. */
    public ShopifyPost codeExchange(ShopDomain shop, String clientId, Secret clientSecret, Secret code) {
        ObjectNode body = credentials(clientId, clientSecret);
        body.put("code", code.value());
        body.put("expiring", "1");
        return token(shop, body);
    }

    /** Uses the refresh token; Shopify answers with a new pair, the refresh token rotated. */
    public ShopifyPost refresh(ShopDomain shop, String clientId, Secret clientSecret, Secret refreshToken) {
        ObjectNode body = credentials(clientId, clientSecret);
        body.put("grant_type", "refresh_token");
        body.put("refresh_token", refreshToken.value());
        return token(shop, body);
    }

    /**
     * Trades a non-expiring offline token for an expiring pair, without the seller. Irreversible:
     * the old token stops working; repeating it with the same token within 7 days returns the same pair.
     */
    public ShopifyPost migrate(ShopDomain shop, String clientId, Secret clientSecret, Secret nonExpiringToken) {
        ObjectNode body = credentials(clientId, clientSecret);
        body.put("grant_type", TOKEN_EXCHANGE);
        body.put("subject_token", nonExpiringToken.value());
        body.put("subject_token_type", OFFLINE_ACCESS_TOKEN);
        body.put("requested_token_type", OFFLINE_ACCESS_TOKEN);
        body.put("expiring", "1");
        return token(shop, body);
    }

    /** The cheapest proof an access token works: the Admin GraphQL API's shop id and domain. */
    public ShopifyPost shopQuery(ShopDomain shop, String apiVersion, Secret accessToken) {
        if (!API_VERSION.matcher(apiVersion).matches()) {
            throw new IllegalArgumentException("a Shopify API version looks like 2026-10: " + apiVersion);
        }
        ObjectNode body = json.createObjectNode();
        body.put("query", SHOP_QUERY);
        return new ShopifyPost(hosts.resolve(shop, "/admin/api/" + apiVersion + "/graphql.json"), Optional.of(accessToken), body);
    }

    private ObjectNode credentials(String clientId, Secret clientSecret) {
        ObjectNode body = json.createObjectNode();
        body.put("client_id", clientId);
        body.put("client_secret", clientSecret.value());
        return body;
    }

    private ShopifyPost token(ShopDomain shop, ObjectNode body) {
        return new ShopifyPost(hosts.resolve(shop, TOKEN_PATH), Optional.empty(), body);
    }
}
