package dev.authkeeper.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;

import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;

/** Tokens as format 1 sealed them, for tests of what was stored before the key hierarchy. */
public final class LegacyTokens {

    private LegacyTokens() {
    }

    /** A KMS data key of its own, AES-GCM with the connection id as associated data and as the encryption context. */
    public static SealedToken.Legacy seal(KmsClient kms, String keyId, String connectionId, String token) {
        var dataKey = kms.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)
                .encryptionContext(Map.of("authkeeper:connection", connectionId)));
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        new SecureRandom().nextBytes(nonce);
        byte[] ciphertext = AesGcm.encrypt(dataKey.plaintext().asByteArray(), nonce, connectionId.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
        return new SealedToken.Legacy(dataKey.ciphertextBlob().asByteArray(), nonce, ciphertext);
    }
}
