package dev.authkeeper.local.tiktok;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The simulated TikTok Shop's authorizations: one per app and seller, with one live token pair.
 * A code lives 30 minutes and works once; a refresh rotates the pair (the refresh token used dies
 * at once: whether TikTok keeps it alive is undocumented, so the strict reading is simulated);
 * the refresh token ends with the authorization, at the end of the period the seller chose.
 */
final class TikTokGrants {

    static final Duration CODE_LIFETIME = Duration.ofMinutes(30);
    static final Duration ACCESS_LIFETIME = Duration.ofDays(7);

    record Pair(String accessToken, String refreshToken, Instant accessExpiresAt, Instant refreshExpiresAt, String openId) {}

    sealed interface Outcome {
        record Granted(Pair pair) implements Outcome {}

        record Refused(long code, String message) implements Outcome {}
    }

    private record Code(String app, String openId, Duration period, Instant expiresAt) {}

    private record Grant(String app, String openId, Instant until, Pair pair) {}

    private final Supplier<Instant> now;
    private final IntFunction<String> random;
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    /** By app and open id. */
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();

    TikTokGrants(Supplier<Instant> now, IntFunction<String> random) {
        this.now = now;
        this.random = random;
    }

    String code(String app, String openId, Duration period) {
        String code = random.apply(24);
        codes.put(code, new Code(app, openId, period, now.get().plus(CODE_LIFETIME)));
        return code;
    }

    synchronized Outcome exchange(String app, String code) {
        Code issued = codes.remove(code);
        if (issued == null || !issued.app().equals(app) || !now.get().isBefore(issued.expiresAt())) {
            return new Outcome.Refused(36004004, "invalid auth code");
        }
        return new Outcome.Granted(issue(app, issued.openId(), now.get().plus(issued.period())));
    }

    synchronized Outcome refresh(String app, String refreshToken) {
        Optional<Grant> grant = grants.values().stream()
                .filter(g -> g.app().equals(app) && g.pair().refreshToken().equals(refreshToken)).findFirst();
        if (grant.isEmpty() || !now.get().isBefore(grant.get().until())) {
            return new Outcome.Refused(36004005, "can not find related auth record");
        }
        return new Outcome.Granted(issue(app, grant.get().openId(), grant.get().until()));
    }

    /** A fresh pair of the app for the seller, replacing any other, its authorization ending at {@code until}. */
    synchronized Pair issue(String app, String openId, Instant until) {
        Instant at = now.get();
        Pair pair = new Pair("TTP_" + random.apply(24), "TTP_" + random.apply(24), at.plus(ACCESS_LIFETIME), until, openId);
        grants.put(app + "|" + openId, new Grant(app, openId, until, pair));
        return pair;
    }

    /** The seller removed the app: every token of the app for the seller dies. */
    void revoke(String app, String openId) {
        grants.remove(app + "|" + openId);
    }

    /** The live pair of the app whose access token this is, while the token lasts. */
    Optional<Pair> byAccessToken(String app, String accessToken) {
        Instant at = now.get();
        return grants.values().stream().filter(g -> g.app().equals(app) && g.pair().accessToken().equals(accessToken)
                && at.isBefore(g.pair().accessExpiresAt())).map(Grant::pair).findFirst();
    }

    Optional<Instant> authorizedUntil(String app, String openId) {
        return Optional.ofNullable(grants.get(app + "|" + openId)).map(Grant::until);
    }

    Optional<Pair> current(String app, String openId) {
        return Optional.ofNullable(grants.get(app + "|" + openId)).map(Grant::pair);
    }

    void reset() {
        codes.clear();
        grants.clear();
    }
}
