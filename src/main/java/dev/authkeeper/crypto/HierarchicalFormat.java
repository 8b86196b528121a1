package dev.authkeeper.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Sealed-token format 2: {@code 0x02 | branch key id (16) | salt (32) | nonce (12) | AES-256-GCM
 * ciphertext with its 16-byte tag}. The record key is HKDF-SHA256(branch key, salt,
 * "authkeeper/v2/" + kind + "/" + connection id), so every token has a key of its own; the
 * associated data is the header followed by kind, NUL and connection id, so version, branch key,
 * salt, nonce, kind and connection are all bound.
 */
final class HierarchicalFormat {

    static final byte VERSION = 0x02;
    static final int BRANCH_KEY_ID_BYTES = 16;
    static final int SALT_BYTES = 32;
    static final int HEADER_BYTES = 1 + BRANCH_KEY_ID_BYTES + SALT_BYTES + AesGcm.NONCE_BYTES;
    private static final int RECORD_KEY_BYTES = 32;

    private final Consumer<byte[]> random;

    /** @param random fills salts and nonces: a {@code SecureRandom}, or fixed bytes in a known-answer test */
    HierarchicalFormat(Consumer<byte[]> random) {
        this.random = random;
    }

    byte[] seal(BranchKey branchKey, TokenKind kind, String connectionId, byte[] plaintext) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        random.accept(salt);
        random.accept(nonce);
        byte[] header = ByteBuffer.allocate(HEADER_BYTES).put(VERSION)
                .putLong(branchKey.id().getMostSignificantBits()).putLong(branchKey.id().getLeastSignificantBits())
                .put(salt).put(nonce).array();
        byte[] recordKey = recordKey(branchKey, salt, kind, connectionId);
        try {
            byte[] ciphertext = AesGcm.encrypt(recordKey, nonce, associatedData(header, kind, connectionId), plaintext);
            return ByteBuffer.allocate(header.length + ciphertext.length).put(header).put(ciphertext).array();
        } finally {
            Arrays.fill(recordKey, (byte) 0);
        }
    }

    /** The branch key a token was sealed under; {@link TokenCipher.CannotOpen} if it is not format 2. */
    static UUID branchKeyId(byte[] sealed) {
        if (sealed.length < HEADER_BYTES + AesGcm.TAG_BYTES || sealed[0] != VERSION) {
            throw new TokenCipher.CannotOpen("a sealed token is not in format 2 (wrong version byte or too short)");
        }
        var buffer = ByteBuffer.wrap(sealed, 1, BRANCH_KEY_ID_BYTES);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    byte[] open(BranchKey branchKey, TokenKind kind, String connectionId, byte[] sealed) {
        if (!branchKeyId(sealed).equals(branchKey.id())) {
            throw new IllegalArgumentException("a token sealed under branch key " + branchKeyId(sealed)
                    + " cannot be opened with branch key " + branchKey.id());
        }
        byte[] header = Arrays.copyOf(sealed, HEADER_BYTES);
        byte[] salt = Arrays.copyOfRange(sealed, 1 + BRANCH_KEY_ID_BYTES, 1 + BRANCH_KEY_ID_BYTES + SALT_BYTES);
        byte[] nonce = Arrays.copyOfRange(sealed, HEADER_BYTES - AesGcm.NONCE_BYTES, HEADER_BYTES);
        byte[] recordKey = recordKey(branchKey, salt, kind, connectionId);
        try {
            return AesGcm.decrypt(recordKey, nonce, associatedData(header, kind, connectionId),
                    Arrays.copyOfRange(sealed, HEADER_BYTES, sealed.length),
                    "a sealed " + kind + " token does not open for connection " + connectionId
                            + " (tampered, copied from another connection, or sealed as another kind)");
        } finally {
            Arrays.fill(recordKey, (byte) 0);
        }
    }

    private static byte[] recordKey(BranchKey branchKey, byte[] salt, TokenKind kind, String connectionId) {
        byte[] info = ("authkeeper/v2/" + kind.name() + "/" + connectionId).getBytes(StandardCharsets.UTF_8);
        return Hkdf.derive(branchKey.material(), salt, info, RECORD_KEY_BYTES);
    }

    private static byte[] associatedData(byte[] header, TokenKind kind, String connectionId) {
        byte[] binding = (kind.name() + "\u0000" + connectionId).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(header.length + binding.length).put(header).put(binding).array();
    }
}
