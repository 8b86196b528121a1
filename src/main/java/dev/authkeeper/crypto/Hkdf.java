package dev.authkeeper.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869). Written out because the project targets Java 21, and the
 * JDK's own {@code javax.crypto.KDF} arrived only in Java 25.
 */
public final class Hkdf {

    private static final String HMAC = "HmacSHA256";
    private static final int HASH_BYTES = 32;

    private Hkdf() {
    }

    /** Extract then expand: {@code length} bytes of key material, the intermediate key zeroed. */
    public static byte[] derive(byte[] inputKey, byte[] salt, byte[] info, int length) {
        byte[] pseudoRandomKey = extract(salt, inputKey);
        try {
            return expand(pseudoRandomKey, info, length);
        } finally {
            Arrays.fill(pseudoRandomKey, (byte) 0);
        }
    }

    /** HKDF-Extract: HMAC(salt, input key); an empty salt stands for 32 zero bytes, as the RFC says. */
    public static byte[] extract(byte[] salt, byte[] inputKey) {
        byte[] key = salt.length == 0 ? new byte[HASH_BYTES] : salt;
        return hmac(key).doFinal(inputKey);
    }

    /** HKDF-Expand: T(1) | T(2) | …, T(i) = HMAC(prk, T(i-1) | info | i), cut to {@code length}. */
    public static byte[] expand(byte[] pseudoRandomKey, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_BYTES) {
            throw new IllegalArgumentException("HKDF-SHA256 yields 1 to " + 255 * HASH_BYTES + " bytes, not " + length);
        }
        Mac mac = hmac(pseudoRandomKey);
        byte[] output = new byte[length];
        byte[] block = new byte[0];
        for (int i = 1, done = 0; done < length; i++) {
            mac.update(block);
            mac.update(info);
            mac.update((byte) i);
            Arrays.fill(block, (byte) 0);
            block = mac.doFinal();
            int n = Math.min(block.length, length - done);
            System.arraycopy(block, 0, output, done, n);
            done += n;
        }
        Arrays.fill(block, (byte) 0);
        return output;
    }

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
