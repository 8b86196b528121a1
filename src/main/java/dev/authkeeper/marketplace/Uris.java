package dev.authkeeper.marketplace;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

public final class Uris {

    private Uris() {
    }

    /** {@code base} (which has no query) with the given parameters, each form-encoded; none, no query. */
    public static URI withQuery(URI base, Map<String, String> query) {
        if (query.isEmpty()) {
            return base;
        }
        String encoded = query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return URI.create(base + "?" + encoded);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
