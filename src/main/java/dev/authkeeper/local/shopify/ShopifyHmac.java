package dev.authkeeper.local.shopify;

import java.util.Map;
import java.util.TreeMap;

import dev.authkeeper.crypto.Secret;

/**
 * Shopify's two signatures as the simulated Shopify puts them on what it sends, made by the same
 * signer AuthKeeper verifies with ({@link dev.authkeeper.shopify.ShopifyHmac}), whose tests pin it
 * to vectors computed independently.
 */
final class ShopifyHmac {

    private ShopifyHmac() {
    }

    /** The parameters with their {@code hmac} added, all in name order as Shopify lists them. */
    static Map<String, String> signed(String secret, Map<String, String> parameters) {
        Map<String, String> signed = new TreeMap<>(parameters);
        signed.put("hmac", dev.authkeeper.shopify.ShopifyHmac.signQuery(parameters, new Secret(secret)));
        return signed;
    }

    /** {@code X-Shopify-Hmac-Sha256} of a webhook: base64 over the raw body. */
    static String body(String secret, byte[] body) {
        return dev.authkeeper.shopify.ShopifyHmac.signWebhook(body, new Secret(secret));
    }
}
