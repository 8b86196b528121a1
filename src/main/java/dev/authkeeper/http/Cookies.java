package dev.authkeeper.http;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads a cookie from the {@code cookies} list of a payload 2.0 event, and writes {@code Set-Cookie} values. */
public final class Cookies {

    private Cookies() {
    }

    public static Optional<String> find(List<String> cookies, String name) {
        String prefix = name + "=";
        return cookies.stream()
                .flatMap(header -> java.util.Arrays.stream(header.split(";")))
                .map(String::trim)
                .filter(c -> c.startsWith(prefix))
                .map(c -> c.substring(prefix.length()))
                .findFirst();
    }

    /**
     * A cookie for this host only, over https only, out of scripts' reach, sent on top-level
     * navigations from other sites (the marketplace's redirect back) but not on their
     * sub-requests or form posts: {@code Secure; HttpOnly; SameSite=Lax; Path=/}, no Domain.
     */
    public static String hostOnly(String name, String value, Duration maxAge) {
        return name + "=" + value + "; Max-Age=" + maxAge.toSeconds() + "; Path=/; Secure; HttpOnly; SameSite=Lax";
    }
}
