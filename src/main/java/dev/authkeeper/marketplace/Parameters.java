package dev.authkeeper.marketplace;

import java.util.Map;
import java.util.Optional;

/** Decoded request parameters, as a marketplace reads them. */
public interface Parameters {

    /** The value, or empty when the parameter is absent or empty. */
    Optional<String> get(String name);

    /** Every parameter, each once: what a signature over the whole request (Shopify's HMAC) covers. */
    Map<String, String> all();
}
