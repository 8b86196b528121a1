package dev.authkeeper.ebay;

import java.net.URI;
import java.util.Optional;

/**
 * Where eBay's endpoints are: its production hosts, or all of them under the simulated eBay's base
 * ({@code {base}/{host}/...}) in the local run and the tests.
 */
record EbayHosts(Optional<URI> simulatedBase) {

    static final String SIGN_IN = "auth.ebay.com";
    static final String API = "api.ebay.com";
    /** The Identity API's own host. */
    static final String APIZ = "apiz.ebay.com";

    /** {@code https://{host}{path}}, or its stand-in under the simulated base. */
    URI resolve(String host, String path) {
        return simulatedBase.map(base -> URI.create(base + "/" + host + path)).orElse(URI.create("https://" + host + path));
    }

    /** Where sellers sign in and consent: scheme, host and port only for production, the base with the host's folder when simulated. */
    URI signInOrigin() {
        return simulatedBase.map(base -> URI.create(base + "/" + SIGN_IN)).orElse(URI.create("https://" + SIGN_IN));
    }
}
