package dev.authkeeper.tiktok;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.authkeeper.crypto.Secret;

/**
 * The signature of TikTok Shop's webhooks: the {@code Authorization} header (no scheme) holds the
 * lower-case hex HMAC-SHA256, keyed with the app secret, of the app key followed by the raw body
 * bytes exactly as received. It carries no timestamp, so it proves origin, not freshness: replays
 * are stopped by acting on each notification id once. Compared in constant time; any of several
 * candidate secrets (during a rotation) may have signed.
 */
public final class TikTokSignature {

    public static final String HEADER = "Authorization";
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private TikTokSignature() {
    }

    /** Whether {@code header} is the signature of {@code body} for the app key by one of the secrets. */
    public static boolean verifies(String appKey, byte[] body, Optional<String> header, List<Secret> secrets) {
        if (header.isEmpty() || !HEX_SHA256.matcher(header.get().strip()).matches()) {
            return false;
        }
        byte[] given = HexFormat.of().parseHex(header.get().strip().toLowerCase(Locale.ROOT));
        boolean any = false;
        for (Secret secret : secrets) {
            any |= MessageDigest.isEqual(given, mac(appKey, body, secret));
        }
        return any;
    }

    /** The header value for {@code body}: what TikTok sends, and what the simulated TikTok Shop signs with. */
    public static String sign(String appKey, byte[] body, Secret secret) {
        return HexFormat.of().formatHex(mac(appKey, body, secret));
    }

    /**
     * The {@code sign} of an API call: hex HMAC-SHA256, keyed with the app secret, of the secret, the
     * path, every query parameter but {@code sign} and {@code access_token} as name and value sorted
     * by name (no separators), the body, and the secret again.
     */
    public static String signRequest(String path, Map<String, String> query, String body, Secret secret) {
        var text = new StringBuilder(secret.value()).append(path);
        new TreeMap<>(query).forEach((name, value) -> {
            if (!"sign".equals(name) && !"access_token".equals(name)) {
                text.append(name).append(value);
            }
        });
        text.append(body).append(secret.value());
        return HexFormat.of().formatHex(mac("", text.toString().getBytes(StandardCharsets.UTF_8), secret));
    }

    private static byte[] mac(String appKey, byte[] body, Secret secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.value().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(appKey.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
