package dev.authkeeper.shopify;

import java.net.URI;
import java.util.Optional;

/**
 * Where a shop's admin is reached. In production that is the shop's own host,
 * {@code https://{shop}}; with a simulated base configured, every shop lives under it as
 * {@code {base}/{shop}}, so one local server can play every shop. Nothing else decides a
 * Shopify URL's host.
 */
public final class ShopHosts {

    private final Optional<URI> simulatedBase;

    private ShopHosts(Optional<URI> simulatedBase) {
        this.simulatedBase = simulatedBase;
    }

    public static ShopHosts production() {
        return new ShopHosts(Optional.empty());
    }

    /** Every shop under {@code base} (scheme, host, port and perhaps a path; a trailing slash is ignored). */
    public static ShopHosts simulated(URI base) {
        if (!base.isAbsolute() || base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException("a simulated Shopify base is an absolute URI without query or fragment: " + base);
        }
        String text = base.toString();
        return new ShopHosts(Optional.of(URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text)));
    }

    /** {@code production()} unless a simulated base is given. */
    public static ShopHosts of(Optional<URI> simulatedBase) {
        return simulatedBase.map(ShopHosts::simulated).orElseGet(ShopHosts::production);
    }

    /** The shop's base URI, without a trailing slash. */
    public URI base(ShopDomain shop) {
        return URI.create(simulatedBase.map(base -> base + "/" + shop.value()).orElse("https://" + shop.value()));
    }

    /** {@code path} (starting with {@code /admin/}) on the shop's base. */
    public URI resolve(ShopDomain shop, String path) {
        if (!path.startsWith("/admin/")) {
            throw new IllegalArgumentException("a shop path starts with /admin/: " + path);
        }
        return URI.create(base(shop) + path);
    }
}
