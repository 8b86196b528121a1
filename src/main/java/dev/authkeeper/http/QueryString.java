package dev.authkeeper.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.authkeeper.marketplace.Parameters;

/**
 * A strictly parsed query string. API Gateway joins repeated parameters with commas in
 * {@code queryStringParameters}, which would hide a smuggled second value, so the raw string is
 * parsed here and any repetition, bad escape or invalid UTF-8 is refused.
 */
public final class QueryString implements Parameters {

    /** Far above what Amazon sends (its longest parameter is a URI of about 120 characters). */
    public static final int MAX_LENGTH = 4096;

    private final Map<String, String> values;

    private QueryString(Map<String, String> values) {
        this.values = values;
    }

    public static QueryString parse(String raw) {
        if (raw.length() > MAX_LENGTH) {
            throw new InvalidRequest(414, "The address is too long (over " + MAX_LENGTH + " characters in the query).");
        }
        var values = new LinkedHashMap<String, String>();
        if (raw.isEmpty()) {
            return new QueryString(values);
        }
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (values.putIfAbsent(name, value) != null) {
                throw new InvalidRequest("The parameter " + printable(name) + " appears more than once.");
            }
        }
        return new QueryString(values);
    }

    @Override
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isEmpty());
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> new InvalidRequest("The parameter " + name + " is missing."));
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * Every parameter, decoded, in the order given: to put into another address, encode them
     * again, never the raw query (which may hold characters an address must not).
     */
    public Map<String, String> all() {
        return Collections.unmodifiableMap(values);
    }

    private static String decode(String part) {
        var bytes = new java.io.ByteArrayOutputStream(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= part.length()) {
                    throw new InvalidRequest("The address has a broken %-escape.");
                }
                int hi = Character.digit(part.charAt(i + 1), 16);
                int lo = Character.digit(part.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new InvalidRequest("The address has a broken %-escape.");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x21 || c > 0x7e) {
                throw new InvalidRequest("The address contains characters that must be escaped.");
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequest("The address is not valid UTF-8.");
        }
    }

    /** Parameter names are echoed in error pages; only plain ones are. */
    private static String printable(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,40}") ? name : "(unnamed)";
    }
}
