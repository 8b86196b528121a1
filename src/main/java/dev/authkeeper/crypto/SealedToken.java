package dev.authkeeper.crypto;

/** A token as it is stored: the bytes only {@link TokenCipher} can open. */
public sealed interface SealedToken {

    /**
     * Format 1, sealed before the key hierarchy: a KMS data key of its own (encryption context
     * {@code authkeeper:connection}), the AES-GCM nonce and the ciphertext with its tag. Still
     * opened; never written any more.
     */
    record Legacy(byte[] wrappedKey, byte[] nonce, byte[] ciphertext) implements SealedToken {
        @Override
        public String toString() {
            return "SealedToken.Legacy[" + ciphertext.length + " bytes]";
        }
    }

    /**
     * Format 2, under a branch key: {@code 0x02 | branch key id (16) | salt (32) | nonce (12) |
     * ciphertext and tag}; docs/key-hierarchy.md.
     */
    record Hierarchical(byte[] bytes) implements SealedToken {
        @Override
        public String toString() {
            return "SealedToken.Hierarchical[" + bytes.length + " bytes]";
        }
    }
}
