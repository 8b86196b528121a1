package dev.authkeeper.shopify;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.authkeeper.crypto.Secret;

/**
 * Shopify's two signatures, both HMAC-SHA256 keyed with the app's client secret and compared in
 * constant time.
 *
 * <ul>
 * <li>The query of the app launch and of the OAuth callback: lower-case hex in {@code hmac}, over
 * every other parameter but {@code signature}, sorted by name (code point order, which for the
 * lower-case names Shopify sends is the library's order too), each {@code name=value} encoded as
 * a URL query ({@code URLSearchParams}, spaces as {@code %20}) and joined by {@code &}, as
 * Shopify's own library ({@code shopify-api} {@code hmac-validator.ts}) checks it; the
 * {@code timestamp} must lie within a tolerance of now, either way.</li>
 * <li>A webhook: base64 in {@code X-Shopify-Hmac-Sha256}, over the raw body bytes exactly as
 * received (a body parsed and written again would not match).</li>
 * </ul>
 *
 * Several candidate secrets may be given: after a client-secret rotation Shopify may sign with the
 * previous secret for up to an hour, so a signature by any candidate is accepted.
 * The parameters are decoded and each appears once: the query parser refuses repetitions, which
 * Shopify never sends on these requests and which its libraries do not agree how to sign.
 */
public final class ShopifyHmac {

    /** Shopify's library's tolerance. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(90);
    public static final String WEBHOOK_HEADER = "X-Shopify-Hmac-Sha256";
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern EPOCH_SECONDS = Pattern.compile("\\d{1,12}");
    private static final int SHA256_BYTES = 32;

    private final Clock clock;
    private final Duration tolerance;

    public ShopifyHmac(Clock clock) {
        this(clock, DEFAULT_TOLERANCE);
    }

    public ShopifyHmac(Clock clock, Duration tolerance) {
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("a timestamp tolerance is not negative");
        }
        this.clock = clock;
        this.tolerance = tolerance;
    }

    /** Checks a launch or callback query, given as its decoded parameters. */
    public HmacCheck checkQuery(Map<String, String> parameters, List<Secret> candidates) {
        requireCandidates(candidates);
        String hmac = parameters.get("hmac");
        if (hmac == null || hmac.isEmpty()) {
            return new HmacCheck.Malformed("hmac is missing.");
        }
        if (!HEX_SHA256.matcher(hmac).matches()) {
            return new HmacCheck.Malformed("hmac is not in the format Shopify uses.");
        }
        String timestamp = parameters.get("timestamp");
        if (timestamp == null || timestamp.isEmpty()) {
            return new HmacCheck.Malformed("timestamp is missing.");
        }
        if (!EPOCH_SECONDS.matcher(timestamp).matches()) {
            return new HmacCheck.Malformed("timestamp is not in the format Shopify uses.");
        }
        byte[] message = signableQuery(parameters).getBytes(StandardCharsets.UTF_8);
        Optional<Secret> signer = signer(HexFormat.of().parseHex(hmac), message, candidates);
        if (signer.isEmpty()) {
            return new HmacCheck.BadSignature();
        }
        // Judged only once the request is known to be Shopify's: a stale verdict then speaks of a replay or a clock.
        Duration skew = Duration.ofSeconds(clock.instant().getEpochSecond() - Long.parseLong(timestamp));
        if (skew.abs().compareTo(tolerance) > 0) {
            return new HmacCheck.Stale(skew);
        }
        return new HmacCheck.Verified(signer.get());
    }

    /** Checks a webhook delivery: its raw body and its {@value #WEBHOOK_HEADER} header, if it had one. */
    public HmacCheck checkWebhook(byte[] rawBody, Optional<String> header, List<Secret> candidates) {
        requireCandidates(candidates);
        if (header.isEmpty() || header.get().isEmpty()) {
            return new HmacCheck.Malformed(WEBHOOK_HEADER + " is missing.");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(header.get());
        } catch (IllegalArgumentException e) {
            return new HmacCheck.Malformed(WEBHOOK_HEADER + " is not base64.");
        }
        if (signature.length != SHA256_BYTES) {
            return new HmacCheck.Malformed(WEBHOOK_HEADER + " is not a SHA-256 signature.");
        }
        return signer(signature, rawBody, candidates).<HmacCheck>map(HmacCheck.Verified::new).orElseGet(HmacCheck.BadSignature::new);
    }

    /** The {@code hmac} Shopify puts on a query of these parameters: for the simulated Shopify. */
    public static String signQuery(Map<String, String> parameters, Secret secret) {
        return HexFormat.of().formatHex(hmac(secret, signableQuery(parameters).getBytes(StandardCharsets.UTF_8)));
    }

    /** The {@value #WEBHOOK_HEADER} Shopify puts on a delivery of this body: for the simulated Shopify. */
    public static String signWebhook(byte[] rawBody, Secret secret) {
        return Base64.getEncoder().encodeToString(hmac(secret, rawBody));
    }

    /** Every parameter but the signatures, sorted by name, encoded as Shopify's library encodes them. */
    static String signableQuery(Map<String, String> parameters) {
        return new TreeMap<>(parameters).entrySet().stream()
                .filter(e -> !e.getKey().equals("hmac") && !e.getKey().equals("signature"))
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** {@code URLSearchParams} leaves the same characters as {@link URLEncoder} unescaped; Shopify signs spaces as %20. */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Every candidate is tried, whichever matches, so the time taken says nothing about which one did. */
    private static Optional<Secret> signer(byte[] signature, byte[] message, List<Secret> candidates) {
        Optional<Secret> signer = Optional.empty();
        for (Secret candidate : candidates) {
            if (MessageDigest.isEqual(hmac(candidate, message), signature) && signer.isEmpty()) {
                signer = Optional.of(candidate);
            }
        }
        return signer;
    }

    private static byte[] hmac(Secret secret, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.value().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static void requireCandidates(List<Secret> candidates) {
        if (candidates.isEmpty() || candidates.stream().anyMatch(secret -> secret.value().isEmpty())) {
            throw new IllegalArgumentException("at least one client secret, none empty, is needed to check a signature");
        }
    }
}
