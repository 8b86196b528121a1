package dev.authkeeper.local.shopify;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.authkeeper.local.shopify.SimulatedShopify.TokenPair;

/**
 * What Shopify holds per app and shop: authorization codes, the expiring offline token chain
 * (access token, refresh token, and the previous refresh token in its grace period), legacy
 * non-expiring tokens and their migrations. One lock guards it all; no I/O happens while holding it.
 */
final class ShopifyGrants {

    static final Duration CODE_TTL = Duration.ofMinutes(5);
    static final Duration ACCESS_TTL = Duration.ofHours(1);
    static final Duration REFRESH_TTL = Duration.ofDays(90);
    /** A used refresh token works until its replacement is used, at most this long after its first use. */
    static final Duration GRACE = Duration.ofDays(30);
    /** A migration repeated with the same non-expiring token within this time returns the same pair. */
    static final Duration MIGRATION_REPLAY = Duration.ofDays(7);

    /** An answer of the token endpoint, before it becomes JSON. */
    sealed interface Outcome {
        record Expiring(Pair pair) implements Outcome {}

        record Legacy(String accessToken, String scope) implements Outcome {}

        record Refused(int status, String error, String description) implements Outcome {}
    }

    /** What an Admin API call's access token is worth. */
    enum Access { VALID, LEGACY, INVALID }

    record Pair(String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt, String scope) {
        TokenPair tokens() {
            return new TokenPair(accessToken, refreshToken);
        }
    }

    private record Code(String app, String shop, String scope, URI redirectUri, Instant expiresAt) {}

    private record Previous(String refreshToken, Instant expiresAt, Instant firstUsedAt) {
        boolean works(Instant now) {
            return now.isBefore(expiresAt) && now.isBefore(firstUsedAt.plus(GRACE));
        }
    }

    private record Chain(String app, String shop, Pair current, Optional<Previous> previous) {
        Stream<String> tokens() {
            return Stream.concat(Stream.of(current.accessToken(), current.refreshToken()), previous.map(Previous::refreshToken).stream());
        }
    }

    private record Migration(Pair pair, Instant at) {}

    private record LegacyToken(String app, String shop, String scope, Optional<Migration> migration) {}

    private static final Outcome INVALID_CODE = new Outcome.Refused(400, "invalid_request",
            "The authorization code was not found or was already used");
    private static final Outcome INVALID_SUBJECT = new Outcome.Refused(400, "invalid_subject_token",
            "The subject token is invalid or can no longer be exchanged");

    private final Supplier<Instant> now;
    private final IntFunction<String> randomHex;
    private final Map<String, Code> codes = new HashMap<>();
    /** By {@link #key}. */
    private final Map<String, Chain> chains = new HashMap<>();
    /** Every token of a chain → the chain's key. */
    private final Map<String, String> chainKeys = new HashMap<>();
    private final Map<String, LegacyToken> legacyTokens = new HashMap<>();

    ShopifyGrants(Supplier<Instant> now, IntFunction<String> randomHex) {
        this.now = now;
        this.randomHex = randomHex;
    }

    private static String key(String app, String shop) {
        return app + "|" + shop;
    }

    synchronized String code(String app, String shop, String scope, URI redirectUri) {
        Instant at = now.get();
        codes.values().removeIf(c -> !c.expiresAt().isAfter(at));
        String code = randomHex.apply(16);
        codes.put(code, new Code(app, shop, scope, redirectUri, at.plus(CODE_TTL)));
        return code;
    }

    /** Redeems a single-use code of this app and shop for an expiring pair or a legacy token. */
    synchronized Outcome exchange(String app, String shop, String code, boolean expiring) {
        Code issued = codes.get(code);
        if (issued == null || !issued.app().equals(app) || !issued.shop().equals(shop) || !issued.expiresAt().isAfter(now.get())) {
            return INVALID_CODE;
        }
        codes.remove(code);
        return expiring ? new Outcome.Expiring(issueExpiring(app, shop, issued.scope()))
                : new Outcome.Legacy(issueLegacy(app, shop, issued.scope()), issued.scope());
    }

    /**
     * Rotates: a new pair for the current refresh token, or for the previous one while its grace
     * lasts (the replacement was never used, e.g. its answer was lost). Using the current one
     * retires the previous one.
     */
    synchronized Outcome refresh(String app, String shop, String refreshToken) {
        Instant at = now.get();
        Chain chain = Optional.ofNullable(chainKeys.get(refreshToken)).map(chains::get)
                .filter(c -> c.app().equals(app) && c.shop().equals(shop)).orElse(null);
        if (chain != null && chain.current().refreshToken().equals(refreshToken) && at.isBefore(chain.current().refreshExpiresAt())) {
            Pair used = chain.current();
            put(new Chain(app, shop, newPair(used.scope()), Optional.of(new Previous(refreshToken, used.refreshExpiresAt(), at))));
            return new Outcome.Expiring(chains.get(key(app, shop)).current());
        }
        Optional<Previous> previous = chain == null ? Optional.empty() : chain.previous().filter(p -> p.refreshToken().equals(refreshToken));
        if (previous.isPresent() && previous.get().works(at)) {
            put(new Chain(app, shop, newPair(chain.current().scope()), previous));
            return new Outcome.Expiring(chains.get(key(app, shop)).current());
        }
        return new Outcome.Refused(400, "invalid_grant", "The refresh token is invalid, expired, revoked or already replaced");
    }

    /** Token exchange of a non-expiring token for an expiring pair; repeated within seven days, the same pair. */
    synchronized Outcome migrate(String app, String shop, String subjectToken) {
        LegacyToken legacy = legacyTokens.get(subjectToken);
        if (legacy == null || !legacy.app().equals(app) || !legacy.shop().equals(shop)) {
            return INVALID_SUBJECT;
        }
        if (legacy.migration().isPresent()) {
            Migration done = legacy.migration().get();
            return now.get().isBefore(done.at().plus(MIGRATION_REPLAY)) ? new Outcome.Expiring(done.pair()) : INVALID_SUBJECT;
        }
        Pair pair = issueExpiring(app, shop, legacy.scope());
        legacyTokens.put(subjectToken, new LegacyToken(app, shop, legacy.scope(), Optional.of(new Migration(pair, now.get()))));
        return new Outcome.Expiring(pair);
    }

    /** What the access token is worth for an Admin API call on this shop. */
    synchronized Access access(String shop, String accessToken) {
        Chain chain = Optional.ofNullable(chainKeys.get(accessToken)).map(chains::get).orElse(null);
        if (chain != null) {
            Pair current = chain.current();
            return chain.shop().equals(shop) && current.accessToken().equals(accessToken) && now.get().isBefore(current.accessExpiresAt())
                    ? Access.VALID : Access.INVALID;
        }
        LegacyToken legacy = legacyTokens.get(accessToken);
        return legacy != null && legacy.shop().equals(shop) && legacy.migration().isEmpty() ? Access.LEGACY : Access.INVALID;
    }

    /**
     * A new expiring pair; the only one of this app and shop from now on: the previous chain and any
     * non-expiring token die (a migrated token stays on record for the repeat).
     */
    synchronized Pair issueExpiring(String app, String shop, String scope) {
        legacyTokens.values().removeIf(t -> t.app().equals(app) && t.shop().equals(shop) && t.migration().isEmpty());
        put(new Chain(app, shop, newPair(scope), Optional.empty()));
        return chains.get(key(app, shop)).current();
    }

    /** A non-expiring token; it replaces the app's previous non-expiring token for the shop. */
    synchronized String issueLegacy(String app, String shop, String scope) {
        legacyTokens.values().removeIf(t -> t.app().equals(app) && t.shop().equals(shop) && t.migration().isEmpty());
        String token = "shpat_" + randomHex.apply(16);
        legacyTokens.put(token, new LegacyToken(app, shop, scope, Optional.empty()));
        return token;
    }

    /** Every token of the app for the shop stops working at once (uninstall, revocation). */
    synchronized void revokeAll(String app, String shop) {
        Chain old = chains.remove(key(app, shop));
        if (old != null) {
            old.tokens().forEach(chainKeys::remove);
        }
        legacyTokens.values().removeIf(t -> t.app().equals(app) && t.shop().equals(shop));
    }

    /** Refresh tokens of the app and shop that a refresh would accept now: the current one and a previous one in grace. */
    synchronized int liveRefreshTokens(String app, String shop) {
        Chain chain = chains.get(key(app, shop));
        if (chain == null) {
            return 0;
        }
        Instant at = now.get();
        return (at.isBefore(chain.current().refreshExpiresAt()) ? 1 : 0) + (chain.previous().filter(p -> p.works(at)).isPresent() ? 1 : 0);
    }

    synchronized Optional<TokenPair> current(String app, String shop) {
        return Optional.ofNullable(chains.get(key(app, shop))).map(c -> c.current().tokens());
    }

    synchronized void reset() {
        codes.clear();
        chains.clear();
        chainKeys.clear();
        legacyTokens.clear();
    }

    private Pair newPair(String scope) {
        Instant at = now.get();
        return new Pair("shpat_" + randomHex.apply(16), at.plus(ACCESS_TTL), "shprt_" + randomHex.apply(16), at.plus(REFRESH_TTL), scope);
    }

    /** Replaces the app and shop's chain, and with it every token of the old one. */
    private void put(Chain chain) {
        String key = key(chain.app(), chain.shop());
        Chain old = chains.put(key, chain);
        if (old != null) {
            old.tokens().forEach(chainKeys::remove);
        }
        chain.tokens().forEach(token -> chainKeys.put(token, key));
    }
}
