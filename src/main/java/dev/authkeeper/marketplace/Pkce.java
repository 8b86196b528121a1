package dev.authkeeper.marketplace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

import dev.authkeeper.crypto.Secret;

/**
 * A PKCE pair (RFC 7636) for one authorization of a marketplace whose facts say {@code pkce}: the
 * verifier stays with the state on our side and goes only to the token endpoint; the consent page
 * gets its S256 challenge. {@code toString} never shows the verifier.
 */
public record Pkce(Secret verifier) {

    public static final String METHOD = "S256";
    private static final int VERIFIER_BYTES = 32;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** A fresh verifier: 32 random bytes, 43 base64url characters (RFC 7636 §4.1 asks for 43 to 128). */
    public static Pkce create(SecureRandom random) {
        byte[] bytes = new byte[VERIFIER_BYTES];
        random.nextBytes(bytes);
        return new Pkce(new Secret(BASE64URL.encodeToString(bytes)));
    }

    /** {@code BASE64URL(SHA256(ASCII(verifier)))}, what the consent page receives as {@code code_challenge}. */
    public String challenge() {
        return challengeOf(verifier.value());
    }

    /** The S256 challenge of a verifier, as a token endpoint checks it. */
    public static String challengeOf(String verifier) {
        try {
            return BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
