package dev.authkeeper.crypto;

import java.util.Arrays;
import java.util.UUID;

/**
 * A copy of a branch key's plaintext, handed out for one seal or open; closing it zeroes the
 * copy. The cache keeps its own copy, so closing never disturbs another thread.
 */
record BranchKey(UUID id, byte[] material) implements AutoCloseable {

    @Override
    public void close() {
        Arrays.fill(material, (byte) 0);
    }

    @Override
    public String toString() {
        return "BranchKey[" + id + "]";
    }
}
