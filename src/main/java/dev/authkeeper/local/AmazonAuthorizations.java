package dev.authkeeper.local;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The simulated Amazon's sellers' side: Seller Central launches, authorization codes and the
 * authorizations (refresh tokens) they become, per app and selling partner.
 */
final class AmazonAuthorizations {

    private static final Duration LAUNCH_TTL = Duration.ofMinutes(10);
    private static final Duration CODE_TTL = Duration.ofMinutes(5);

    record Launch(String app, String sellingPartnerId, Instant expiresAt) {}

    private record Code(String app, String sellingPartnerId, URI redirectUri, Instant expiresAt) {}

    record Authorization(String app, String sellingPartnerId, String refreshToken, Instant issuedAt, boolean revoked) {
        Authorization revoked(boolean revoked) {
            return new Authorization(app, sellingPartnerId, refreshToken, issuedAt, revoked);
        }
    }

    private final IntFunction<String> randomToken;
    // Launches, codes and authorizations change together (a code becomes an authorization that
    // supersedes another), so one lock guards all three; no I/O or sleep happens while holding it.
    private final Object lock = new Object();
    private final Map<String, Launch> launches = new HashMap<>();
    private final Map<String, Code> codes = new HashMap<>();
    /** By app and selling partner ({@link #key}). */
    private final Map<String, Authorization> authorizations = new LinkedHashMap<>();
    /** Refresh token → authorization key, so a refresh costs one look-up even with 100,000 sellers. */
    private final Map<String, String> authorizationByRefreshToken = new HashMap<>();
    private volatile boolean rotateRefreshTokens;
    private final Map<String, AtomicInteger> refreshGrantsBySeller = new ConcurrentHashMap<>();
    private final AtomicInteger codesExchanged = new AtomicInteger();

    AmazonAuthorizations(IntFunction<String> randomToken) {
        this.randomToken = randomToken;
    }

    private static String key(String app, String sellingPartnerId) {
        return app + "|" + sellingPartnerId;
    }

    /** A code as if the seller had approved {@code app}, bound to the app's redirect URI. */
    String code(String app, URI redirectUri, String sellingPartnerId) {
        String code = "ANsim" + randomToken.apply(24);
        Instant now = Instant.now();
        synchronized (lock) {
            codes.values().removeIf(c -> c.expiresAt().isBefore(now));
            codes.put(code, new Code(app, sellingPartnerId, redirectUri, now.plus(CODE_TTL)));
        }
        return code;
    }

    String authorize(String app, String sellingPartnerId) {
        synchronized (lock) {
            return authorizeLocked(app, sellingPartnerId, Instant.now());
        }
    }

    /** A new authorization that supersedes the seller's previous one of the app; call with the lock held. */
    private String authorizeLocked(String app, String sellingPartnerId, Instant now) {
        String refreshToken = "Atzr|" + randomToken.apply(48);
        String key = key(app, sellingPartnerId);
        // Remove first so the table lists authorizations in the order they were last issued.
        Authorization previous = authorizations.remove(key);
        if (previous != null) {
            authorizationByRefreshToken.remove(previous.refreshToken());
        }
        authorizations.put(key, new Authorization(app, sellingPartnerId, refreshToken, now, false));
        authorizationByRefreshToken.put(refreshToken, key);
        return refreshToken;
    }

    void revoked(String app, String sellingPartnerId, boolean revoked) {
        synchronized (lock) {
            authorizations.computeIfPresent(key(app, sellingPartnerId), (key, a) -> a.revoked(revoked));
        }
    }

    /** The seller's refresh token of the app that works right now, if any. */
    Optional<String> refreshTokenOf(String app, String sellingPartnerId) {
        synchronized (lock) {
            return Optional.ofNullable(authorizations.get(key(app, sellingPartnerId)))
                    .filter(a -> !a.revoked())
                    .map(Authorization::refreshToken);
        }
    }

    /** Every authorization, in the order they were last issued. */
    List<Authorization> issued() {
        synchronized (lock) {
            return new ArrayList<>(authorizations.values());
        }
    }

    String launch(String app, String sellingPartnerId) {
        String amazonState = randomToken.apply(24);
        Instant now = Instant.now();
        synchronized (lock) {
            launches.values().removeIf(l -> l.expiresAt().isBefore(now));
            launches.put(amazonState, new Launch(app, sellingPartnerId, now.plus(LAUNCH_TTL)));
        }
        return amazonState;
    }

    Optional<Launch> launchOf(String amazonState) {
        Instant now = Instant.now();
        synchronized (lock) {
            return Optional.ofNullable(amazonState == null ? null : launches.get(amazonState))
                    .filter(l -> l.expiresAt().isAfter(now));
        }
    }

    Optional<Launch> consumeLaunch(String amazonState) {
        Instant now = Instant.now();
        synchronized (lock) {
            return Optional.ofNullable(amazonState == null ? null : launches.remove(amazonState))
                    .filter(l -> l.expiresAt().isAfter(now));
        }
    }

    /** The new refresh token, which supersedes the seller's previous authorization of the app; only the app's own codes. */
    Optional<String> redeem(String app, String code, String redirectUri) {
        Instant now = Instant.now();
        synchronized (lock) {
            Code issued = codes.get(code);
            if (issued == null || !issued.expiresAt().isAfter(now) || !issued.app().equals(app)
                    || !issued.redirectUri().toString().equals(redirectUri)) {
                return Optional.empty();
            }
            codes.remove(code);
            codesExchanged.incrementAndGet();
            return Optional.of(authorizeLocked(app, issued.sellingPartnerId(), now));
        }
    }

    /** The refresh token to answer: the same one, or its replacement while rotation is on; only the app's own tokens. */
    Optional<String> refresh(String app, String refreshToken) {
        synchronized (lock) {
            String key = authorizationByRefreshToken.get(refreshToken);
            Authorization a = key == null ? null : authorizations.get(key);
            if (a != null) {
                refreshGrantsBySeller.computeIfAbsent(a.sellingPartnerId(), s -> new AtomicInteger()).incrementAndGet();
            }
            if (a == null || a.revoked() || !a.app().equals(app) || !a.refreshToken().equals(refreshToken)) {
                return Optional.empty();
            }
            if (!rotateRefreshTokens) {
                return Optional.of(refreshToken);
            }
            String next = "Atzr|" + randomToken.apply(48);
            authorizationByRefreshToken.remove(refreshToken);
            authorizationByRefreshToken.put(next, key);
            authorizations.put(key, new Authorization(a.app(), a.sellingPartnerId(), next, a.issuedAt(), false));
            return Optional.of(next);
        }
    }

    void rotateRefreshTokens(boolean on) {
        rotateRefreshTokens = on;
    }

    int refreshGrants(String sellingPartnerId) {
        AtomicInteger count = refreshGrantsBySeller.get(sellingPartnerId);
        return count == null ? 0 : count.get();
    }

    Map<String, AtomicInteger> refreshGrantsBySeller() {
        return refreshGrantsBySeller;
    }

    int codesExchanged() {
        return codesExchanged.get();
    }

    void reset() {
        synchronized (lock) {
            launches.clear();
            codes.clear();
            authorizations.clear();
            authorizationByRefreshToken.clear();
        }
        rotateRefreshTokens = false;
        refreshGrantsBySeller.clear();
        codesExchanged.set(0);
    }
}
