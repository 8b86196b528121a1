package dev.authkeeper.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.authkeeper.config.AuthKeeperConfig;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;

/**
 * Envelope encryption of refresh tokens: a fresh AES-256 data key from KMS per token, AES-GCM
 * with the connection id as associated data, and the same id as the KMS encryption context. A
 * sealed token copied onto another connection therefore neither unwraps nor decrypts.
 */
@ApplicationScoped
public class TokenCipher {

    private static final String CONTEXT_KEY = "authkeeper:connection";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final KmsClient kms;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    public TokenCipher(KmsClient kms, AuthKeeperConfig config) {
        this.kms = kms;
        this.keyId = config.kms().keyId();
    }

    public SealedToken seal(String connectionId, Secret token) {
        var dataKey = kms.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)
                .encryptionContext(context(connectionId)));
        byte[] key = dataKey.plaintext().asByteArray();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            byte[] ciphertext = aes(Cipher.ENCRYPT_MODE, key, nonce, connectionId)
                    .doFinal(token.value().getBytes(StandardCharsets.UTF_8));
            return new SealedToken(dataKey.ciphertextBlob().asByteArray(), nonce, ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    public Secret open(String connectionId, SealedToken sealed) {
        byte[] key = kms.decrypt(r -> r.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(sealed.wrappedKey()))
                .encryptionContext(context(connectionId))).plaintext().asByteArray();
        try {
            byte[] plain = aes(Cipher.DECRYPT_MODE, key, sealed.nonce(), connectionId).doFinal(sealed.ciphertext());
            return new Secret(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a sealed token does not belong to connection " + connectionId, e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Whether a token was sealed the old way and should be sealed again the next time it is written. */
    public boolean needsResealing(SealedToken sealed) {
        return false;
    }

    private static Cipher aes(int mode, byte[] key, byte[] nonce, String connectionId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(connectionId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static Map<String, String> context(String connectionId) {
        return Map.of(CONTEXT_KEY, connectionId);
    }
}
