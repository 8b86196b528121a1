package dev.authkeeper.local.shopify;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Shopify's two signatures, both HMAC-SHA256 keyed with the app's client secret. */
final class ShopifyHmac {

    private ShopifyHmac() {
    }

    /**
     * The {@code hmac} of a query Shopify sends to the app (launch, OAuth callback): lower-case hex
     * over the parameters other than {@code hmac} and {@code signature}, sorted by name, as
     * {@code name=value} joined with {@code &}. Names and values are form-encoded as shopify-app-js's
     * hmac-validator does (URLSearchParams); for the values Shopify sends (domains, digits, hex,
     * unpadded base64) encoding changes nothing.
     */
    static String query(String secret, Map<String, String> parameters) {
        String message = new TreeMap<>(parameters).entrySet().stream()
                .filter(e -> !e.getKey().equals("hmac") && !e.getKey().equals("signature"))
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return HexFormat.of().formatHex(mac(secret, message.getBytes(StandardCharsets.UTF_8)));
    }

    /** The parameters with their {@code hmac} added, all in name order as Shopify lists them. */
    static Map<String, String> signed(String secret, Map<String, String> parameters) {
        Map<String, String> signed = new TreeMap<>(parameters);
        signed.put("hmac", query(secret, parameters));
        return signed;
    }

    /** {@code X-Shopify-Hmac-Sha256} of a webhook: base64 over the raw body. */
    static String body(String secret, byte[] body) {
        return Base64.getEncoder().encodeToString(mac(secret, body));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] mac(String secret, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }
}
