package dev.authkeeper.shopify;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A shop's {@code <name>.myshopify.com} domain: the account identity of a Shopify connection and
 * the only host AuthKeeper ever sends a seller or a token request to for that shop.
 *
 * <p>The rule is stricter than Shopify's own library, which also takes other Shopify hosts and
 * {@code admin.shopify.com/store/<name>}: those forms would make the identity depend on how a
 * request spelled it, and a value that is not itself the host would have to be rewritten before
 * it is redirected to, which is where open redirects come from. Shopify sends the myshopify
 * domain in its launch, callback and webhook headers, so nothing real is lost.
 *
 * <p>The name is one DNS label (RFC 1123: at most 63 characters, a letter or digit at both ends,
 * hyphens inside) of ASCII letters and digits only: no underscore, no punycode ({@code xn--}) or
 * other reserved {@code ??--} label, no unicode. The raw text is matched before anything is
 * lower-cased, so characters such as the Kelvin sign, which lower-case to ASCII letters, never
 * slip through.
 */
public record ShopDomain(String value) {

    public static final String SUFFIX = ".myshopify.com";
    /** Matched on the raw text: ASCII only (no UNICODE_CASE), anchored by {@link java.util.regex.Matcher#matches()}. */
    private static final Pattern RAW = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.myshopify\\.com", Pattern.CASE_INSENSITIVE);
    private static final Pattern CANONICAL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.myshopify\\.com");

    /** For values already known to be canonical, such as ones read back from storage; {@link #parse} is for input. */
    public ShopDomain {
        if (value == null || !acceptable(value)) {
            throw new IllegalArgumentException("not a canonical myshopify.com shop domain");
        }
    }

    /** The shop domain {@code raw} names, lower-cased; empty for anything else. Never throws. */
    public static Optional<ShopDomain> parse(String raw) {
        if (raw == null || !RAW.matcher(raw).matches()) {
            return Optional.empty();
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        return acceptable(lower) ? Optional.of(new ShopDomain(lower)) : Optional.empty();
    }

    /** The shop's handle, the part before {@code .myshopify.com}. */
    public String name() {
        return value.substring(0, value.length() - SUFFIX.length());
    }

    private static boolean acceptable(String value) {
        // Labels with "--" in the third and fourth places are reserved for IDNA (RFC 5891 §4.2.3.1).
        return CANONICAL.matcher(value).matches() && !value.startsWith("--", 2);
    }

    @Override
    public String toString() {
        return value;
    }
}
