package dev.authkeeper.http;

import java.util.List;
import java.util.Optional;

/** Reads a cookie from the {@code cookies} list of a payload 2.0 event. */
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
}
