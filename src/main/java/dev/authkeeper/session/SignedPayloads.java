package dev.authkeeper.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code base64url(payload) "." base64url(HMAC-SHA256(key, purpose "." base64url(payload)))}.
 * The purpose separates the uses of one key, so a token minted for one use never passes for
 * another.
 */
public final class SignedPayloads {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MIN_KEY_BYTES = 32;
    private static final int MAX_TOKEN_LENGTH = 2048;

    private final SecretKeySpec key;
    private final ObjectMapper json;

    public SignedPayloads(String secret, ObjectMapper json) {
        this.json = json;
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a signing secret needs at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** {@code claims} as JSON, sealed. */
    public String sealJson(String purpose, Object claims) {
        try {
            return seal(purpose, json.writeValueAsBytes(claims));
        } catch (IOException e) {
            throw new IllegalStateException("claims are plain records", e);
        }
    }

    /** The claims of a token whose signature holds, read as {@code type}. */
    public <T> Optional<T> openJson(String purpose, String token, Class<T> type) {
        return open(purpose, token).flatMap(payload -> {
            try {
                return Optional.of(json.readValue(payload, type));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    public String seal(String purpose, byte[] payload) {
        String body = ENCODER.encodeToString(payload);
        return body + "." + signature(purpose, body);
    }

    public Optional<byte[]> open(String purpose, String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        String body = token.substring(0, dot);
        byte[] expected = signature(purpose, body).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Optional.empty();
        }
        try {
            return Optional.of(DECODER.decode(body));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String signature(String purpose, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((purpose + "." + text).getBytes(StandardCharsets.UTF_8));
            return ENCODER.encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    public boolean verify(String purpose, String text, String signature) {
        if (signature == null) {
            return false;
        }
        return MessageDigest.isEqual(
                signature(purpose, text).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
