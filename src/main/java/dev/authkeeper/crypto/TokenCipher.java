package dev.authkeeper.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Seals tokens under the key hierarchy (format 2: a branch key from {@link BranchKeys}, a key of
 * its own per token derived with HKDF, AES-256-GCM binding kind and connection) and opens both
 * formats, including format 1 (a KMS data key per token) for tokens sealed before. A warm
 * instance seals and opens without calling KMS; see docs/key-hierarchy.md.
 */
@ApplicationScoped
public class TokenCipher {

    /** A sealed token that does not open here. The message never holds key material or token text. */
    public static final class CannotOpen extends RuntimeException {
        public CannotOpen(String message) {
            super(message);
        }

        public CannotOpen(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final String LEGACY_CONTEXT_KEY = "authkeeper:connection";

    private final KmsClient kms;
    private final String keyId;
    private final BranchKeys branchKeys;
    private final HierarchicalFormat format;

    TokenCipher(KmsClient kms, AuthKeeperConfig config, BranchKeys branchKeys) {
        this.kms = kms;
        this.keyId = config.kms().keyId();
        this.branchKeys = branchKeys;
        this.format = new HierarchicalFormat(new SecureRandom()::nextBytes);
    }

    /** Seals a refresh token. */
    public SealedToken seal(String connectionId, Secret token) {
        return seal(TokenKind.REFRESH, connectionId, token);
    }

    public SealedToken seal(TokenKind kind, String connectionId, Secret token) {
        byte[] plaintext = token.value().getBytes(StandardCharsets.UTF_8);
        try (BranchKey key = branchKeys.active()) {
            return new SealedToken.Hierarchical(format.seal(key, kind, connectionId, plaintext));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Opens a refresh token. */
    public Secret open(String connectionId, SealedToken sealed) {
        return open(TokenKind.REFRESH, connectionId, sealed);
    }

    /** The token, or {@link CannotOpen} when it was sealed for another connection or kind, tampered with, or its key is unknown. */
    public Secret open(TokenKind kind, String connectionId, SealedToken sealed) {
        byte[] plaintext = switch (sealed) {
            case SealedToken.Hierarchical hierarchical -> {
                try (BranchKey key = branchKeys.key(HierarchicalFormat.branchKeyId(hierarchical.bytes()))) {
                    yield format.open(key, kind, connectionId, hierarchical.bytes());
                }
            }
            case SealedToken.Legacy legacy -> openLegacy(kind, connectionId, legacy);
        };
        try {
            return new Secret(new String(plaintext, StandardCharsets.UTF_8));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** True for tokens in format 1: the next write of such a token should seal it again. */
    public boolean needsResealing(SealedToken sealed) {
        return sealed instanceof SealedToken.Legacy;
    }

    private byte[] openLegacy(TokenKind kind, String connectionId, SealedToken.Legacy legacy) {
        if (kind != TokenKind.REFRESH) {
            throw new CannotOpen("a format 1 sealed token is always a refresh token, not " + kind);
        }
        byte[] key;
        try {
            key = kms.decrypt(r -> r.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(legacy.wrappedKey()))
                    .encryptionContext(Map.of(LEGACY_CONTEXT_KEY, connectionId))).plaintext().asByteArray();
        } catch (InvalidCiphertextException e) {
            throw new CannotOpen("the data key of a format 1 sealed token does not unwrap for connection " + connectionId, e);
        }
        try {
            return AesGcm.decrypt(key, legacy.nonce(), connectionId.getBytes(StandardCharsets.UTF_8), legacy.ciphertext(),
                    "a format 1 sealed token does not open for connection " + connectionId);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
