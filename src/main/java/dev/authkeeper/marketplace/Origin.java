package dev.authkeeper.marketplace;

import java.net.URI;
import java.util.Optional;

/**
 * Where a seller grants consent: a marketplace's seller portal in one region, such as Seller
 * Central Europe, or an account's own admin, such as a Shopify shop's. {@code uri} is scheme,
 * host and port only; {@code region} is empty for a marketplace without regions.
 */
public record Origin(URI uri, Optional<String> region, String portal) {

    public String host() {
        return uri.getHost();
    }
}
