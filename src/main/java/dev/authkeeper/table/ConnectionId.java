package dev.authkeeper.table;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A connection is one marketplace account, in one region where the marketplace has regions:
 * {@code amazon:EU:A1B2C3D4E5F6G7}, {@code shopify:acme-store.myshopify.com}. The account id is
 * stored as its marketplace makes it canonical (the marketplace's account rule), so one account
 * is one connection however a browser spelled it; this record only checks the characters every
 * marketplace's ids are made of, so that an id is safe in keys, paths and log lines.
 */
public record ConnectionId(String marketplace, Optional<String> region, String accountId) {

    private static final Pattern MARKETPLACE = Pattern.compile("[a-z][a-z0-9-]{0,19}");
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9]{1,40}");
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public ConnectionId {
        if (marketplace == null || !MARKETPLACE.matcher(marketplace).matches()) {
            throw new IllegalArgumentException("a connection id's marketplace is a-z, 0-9 and -, at most 20");
        }
        if (region.isPresent() && !REGION.matcher(region.get()).matches()) {
            throw new IllegalArgumentException("a connection id's region is 1-40 letters or digits");
        }
        if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("a connection id's account is 1-128 letters, digits, dots, hyphens or underscores");
        }
    }

    public ConnectionId(String marketplace, String region, String accountId) {
        this(marketplace, Optional.of(region), accountId);
    }

    /** A connection of a marketplace without regions. */
    public static ConnectionId of(String marketplace, String accountId) {
        return new ConnectionId(marketplace, Optional.empty(), accountId);
    }

    /** Reads an id as {@link #value()} writes it: two parts, or three with a region. */
    public static ConnectionId parse(String value) {
        String[] parts = value.split(":", -1);
        return switch (parts.length) {
            case 2 -> of(parts[0], parts[1]);
            case 3 -> new ConnectionId(parts[0], parts[1], parts[2]);
            default -> throw new IllegalArgumentException("a connection id has two or three parts");
        };
    }

    public String value() {
        return marketplace + ":" + region.map(r -> r + ":").orElse("") + accountId;
    }

    @Override
    public String toString() {
        return value();
    }
}
