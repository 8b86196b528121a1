package dev.authkeeper.connection;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A connection is one marketplace account in one region: {@code amazon:EU:A1B2C3D4E5F6G7}. The
 * account id is canonical, upper-case ASCII, so one seller is one connection however a browser
 * spelled its id.
 */
public record ConnectionId(String marketplace, String region, String accountId) {

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9]{1,40}");

    public ConnectionId {
        for (String part : new String[] {marketplace, region, accountId}) {
            if (part == null || !PART.matcher(part).matches()) {
                throw new IllegalArgumentException("a connection id part must be 1-40 letters or digits");
            }
        }
        accountId = canonicalAccount(accountId);
    }

    /** An account id as connections store it: ASCII letters upper-cased. */
    public static String canonicalAccount(String accountId) {
        return accountId.toUpperCase(Locale.ROOT);
    }

    public static ConnectionId parse(String value) {
        String[] parts = value.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a connection id has three parts");
        }
        return new ConnectionId(parts[0], parts[1], parts[2]);
    }

    public String value() {
        return marketplace + ":" + region + ":" + accountId;
    }

    @Override
    public String toString() {
        return value();
    }
}
