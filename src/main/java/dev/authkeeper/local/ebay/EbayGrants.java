package dev.authkeeper.local.ebay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the simulated eBay has granted: single-use codes (299 s), refresh tokens that never rotate
 * and end 47,304,000 s (about 18 months) after consent, user access tokens (2 h) and application
 * tokens (client credentials, 2 h).
 */
final class EbayGrants {

    static final Duration CODE_LIFE = Duration.ofSeconds(299);
    static final Duration ACCESS_LIFE = Duration.ofHours(2);
    static final Duration REFRESH_LIFE = Duration.ofSeconds(47_304_000);

    record Grant(String app, String userId, List<String> scopes, Instant expiresAt) {

        boolean live(Instant now) {
            return now.isBefore(expiresAt);
        }
    }

    private final Supplier<Instant> now;
    private final Supplier<String> random;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Grant> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, String> applicationTokens = new ConcurrentHashMap<>();

    EbayGrants(Supplier<Instant> now, Supplier<String> random) {
        this.now = now;
        this.random = random;
    }

    String code(String app, String userId, List<String> scopes) {
        String code = "v^1.1#i^1#f^0#p^3#I^3#r^1#t^" + random.get();
        codes.put(code, new Grant(app, userId, List.copyOf(scopes), now.get().plus(CODE_LIFE)));
        return code;
    }

    /** The code's grant, once: a used or expired code is gone. */
    Optional<Grant> redeem(String app, String code) {
        Grant grant = codes.remove(code);
        return Optional.ofNullable(grant).filter(g -> g.app().equals(app) && g.live(now.get()));
    }

    String refreshToken(Grant consent) {
        String token = "v^1.1#i^1#r^1#p^3#I^3#f^0#t^" + random.get();
        refreshTokens.put(token, new Grant(consent.app(), consent.userId(), consent.scopes(), now.get().plus(REFRESH_LIFE)));
        return token;
    }

    Optional<Grant> refresh(String app, String token) {
        return Optional.ofNullable(refreshTokens.get(token)).filter(g -> g.app().equals(app) && g.live(now.get()));
    }

    String accessToken(String app, String userId, List<String> scopes) {
        String token = "v^1.1#i^1#p^3#r^0#I^3#f^0#t^" + random.get();
        accessTokens.put(token, new Grant(app, userId, List.copyOf(scopes), now.get().plus(ACCESS_LIFE)));
        return token;
    }

    Optional<Grant> access(String token) {
        return Optional.ofNullable(accessTokens.get(token)).filter(g -> g.live(now.get()));
    }

    String applicationToken(String app) {
        String token = "v^1.1#i^1#a^1#t^" + random.get();
        applicationTokens.put(token, app);
        return token;
    }

    boolean applicationToken(String app, String token) {
        return app.equals(applicationTokens.get(token));
    }

    /** The user revoked the app (or changed the password): every token of the user for the app dies. */
    void revoke(String app, String userId) {
        refreshTokens.values().removeIf(g -> g.app().equals(app) && g.userId().equals(userId));
        accessTokens.values().removeIf(g -> g.app().equals(app) && g.userId().equals(userId));
    }

    int liveRefreshTokens(String app, String userId) {
        return (int) refreshTokens.values().stream().filter(g -> g.app().equals(app) && g.userId().equals(userId) && g.live(now.get())).count();
    }

    void reset() {
        codes.clear();
        refreshTokens.clear();
        accessTokens.clear();
        applicationTokens.clear();
    }
}
