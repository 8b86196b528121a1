package dev.authkeeper.crypto;

/**
 * A token under envelope encryption: the data key as KMS wrapped it, the AES-GCM nonce, and the
 * ciphertext with its tag.
 */
public record SealedToken(byte[] wrappedKey, byte[] nonce, byte[] ciphertext) {

    @Override
    public String toString() {
        return "SealedToken[" + ciphertext.length + " bytes]";
    }
}
