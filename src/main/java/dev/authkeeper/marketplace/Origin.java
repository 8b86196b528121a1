package dev.authkeeper.marketplace;

import java.net.URI;

/**
 * Where a seller grants consent: a marketplace's seller portal in one region, such as Seller
 * Central Europe. {@code uri} is scheme, host and port only.
 */
public record Origin(URI uri, String region, String portal) {

    public String host() {
        return uri.getHost();
    }
}
