package dev.authkeeper.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The active pointer's proof: HMAC-SHA256 of what it says (key id, creation time, generation)
 * under a key derived from the very branch key it names. Writing a pointer that passes takes that
 * key's plaintext, which only the roles allowed to unwrap branch keys can have; a principal that
 * can merely write the table cannot point sealing at another key or date a key younger than it is.
 */
final class PointerTag {

    private static final byte[] INFO = "authkeeper/v2/branch-key-pointer".getBytes(StandardCharsets.UTF_8);

    private PointerTag() {
    }

    static byte[] of(BranchKey key, Instant createdAt, long generation) {
        byte[] macKey = Hkdf.derive(key.material(), new byte[0], INFO, 32);
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return mac.doFinal(message(key.id(), createdAt, generation));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        } finally {
            Arrays.fill(macKey, (byte) 0);
        }
    }

    static boolean matches(BranchKey key, Instant createdAt, long generation, byte[] tag) {
        return MessageDigest.isEqual(of(key, createdAt, generation), tag);
    }

    private static byte[] message(UUID id, Instant createdAt, long generation) {
        return (id + "|" + createdAt + "|" + generation).getBytes(StandardCharsets.UTF_8);
    }
}
