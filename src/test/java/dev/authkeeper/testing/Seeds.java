package dev.authkeeper.testing;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.authkeeper.app.App;
import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;
import dev.authkeeper.table.ConnectionId;

/** Stores connections the way the callback does, with refresh tokens the simulated marketplaces know. */
public final class Seeds {

    public static final URI SELLER_CENTRAL = URI.create("https://sellercentral.amazon.com");

    private final SimulatedAmazon amazon;
    private final TokenCipher cipher;
    private final ConnectionRepository connections;

    public Seeds(SimulatedAmazon amazon, TokenCipher cipher, ConnectionRepository connections) {
        this.amazon = amazon;
        this.cipher = cipher;
        this.connections = connections;
    }

    /** An ACTIVE connection of the default app authorized at {@code authorizedAt}, in the round of checks. */
    public ConnectionId connection(String merchant, String account, Instant authorizedAt) {
        return connection(App.DEFAULT, merchant, account, authorizedAt);
    }

    /** An ACTIVE connection of {@code app} authorized at {@code authorizedAt}, in the round of checks. */
    public ConnectionId connection(String app, String merchant, String account, Instant authorizedAt) {
        return connection(cipher, connections, app, merchant, account, new Secret(amazon.issueRefreshToken(app, account)), authorizedAt);
    }

    /** The same with a refresh token issued elsewhere (a simulator in another process). */
    public static ConnectionId connection(TokenCipher cipher, ConnectionRepository connections, String app, String merchant,
            String account, Secret token, Instant authorizedAt) {
        return stored(cipher, connections, new ConnectionId("amazon", "NA", account), app, merchant, SELLER_CENTRAL, Flow.MARKETPLACE, token,
                authorizedAt, authorizedAt.plus(Duration.ofDays(365)));
    }

    /** An ACTIVE connection {@code id} of any marketplace, its refresh token sealed as the callback seals it, in the round of checks. */
    public static ConnectionId stored(TokenCipher cipher, ConnectionRepository connections, ConnectionId id, String app, String merchant,
            URI origin, Flow flow, Secret token, Instant authorizedAt, Instant expiresAt) {
        connections.recordAuthorization(new Authorization(id, merchant, app, origin, flow, cipher.seal(id.value(), token), authorizedAt, expiresAt),
                prior -> List.of());
        return id;
    }

    /**
     * An ACTIVE connection of the Shopify app {@code app} for {@code shop}, with a refresh token the
     * simulated Shopify issued, authorized at {@code authorizedAt} for its 90 days.
     */
    public static ConnectionId shop(TokenCipher cipher, ConnectionRepository connections, SimulatedShopify shopify, String app,
            String merchant, String shop, Instant authorizedAt) {
        var token = new Secret(shopify.issueExpiringPair(app, shop).refreshToken());
        return stored(cipher, connections, ConnectionId.of("shopify", shop), app, merchant, URI.create("https://" + shop), Flow.MARKETPLACE, token,
                authorizedAt, authorizedAt.plus(Duration.ofDays(90)));
    }

    /**
     * An ACTIVE connection of the TikTok Shop app {@code app} for the seller {@code openId} outside
     * the United States, with a refresh token the simulated TikTok Shop issued for an authorization
     * given at {@code authorizedAt} that ends {@code period} later.
     */
    public static ConnectionId tiktokSeller(TokenCipher cipher, ConnectionRepository connections, SimulatedTikTokShop tiktok, String app,
            String merchant, String openId, Instant authorizedAt, Duration period) {
        Instant until = authorizedAt.plus(period);
        var token = new Secret(tiktok.issuePair(app, openId, Duration.between(Instant.now(), until)).refreshToken());
        return stored(cipher, connections, new ConnectionId("tiktok", "WW", openId), app, merchant, tiktok.baseUri(), Flow.WEBSITE, token,
                authorizedAt, until);
    }

    /**
     * An ACTIVE connection of the Etsy app {@code app} for the Etsy user {@code user}, with a refresh
     * token the simulated Etsy issued, authorized at {@code authorizedAt} for its 90 days.
     */
    public static ConnectionId etsyShop(TokenCipher cipher, ConnectionRepository connections, SimulatedEtsy etsy, String app,
            String merchant, String user, Instant authorizedAt) {
        var token = new Secret(etsy.issuePair(app, user).refreshToken());
        return stored(cipher, connections, ConnectionId.of("etsy", user), app, merchant, URI.create("https://www.etsy.com"), Flow.WEBSITE, token,
                authorizedAt, authorizedAt.plus(Duration.ofDays(90)));
    }
}
