package dev.authkeeper.crypto;

import java.util.Objects;

/**
 * A token, code or key that must never reach a log line: its {@code toString} is a mask, so it
 * is safe inside records, exceptions and log parameters.
 */
public record Secret(String value) {

    public Secret {
        Objects.requireNonNull(value);
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
