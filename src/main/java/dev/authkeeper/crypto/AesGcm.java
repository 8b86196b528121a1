package dev.authkeeper.crypto;

import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a 16-byte tag, as both sealed-token formats use it. */
final class AesGcm {

    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;

    private AesGcm() {
    }

    static byte[] encrypt(byte[] key, byte[] nonce, byte[] associatedData, byte[] plaintext) {
        try {
            return cipher(Cipher.ENCRYPT_MODE, key, nonce, associatedData).doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** The plaintext, or {@link TokenCipher.CannotOpen} with {@code why} when the tag does not verify. */
    static byte[] decrypt(byte[] key, byte[] nonce, byte[] associatedData, byte[] ciphertext, String why) {
        try {
            return cipher(Cipher.DECRYPT_MODE, key, nonce, associatedData).doFinal(ciphertext);
        } catch (GeneralSecurityException e) {
            throw new TokenCipher.CannotOpen(why, e);
        }
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] associatedData) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
        cipher.updateAAD(associatedData);
        return cipher;
    }
}
