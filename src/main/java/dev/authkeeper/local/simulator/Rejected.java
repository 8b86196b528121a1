package dev.authkeeper.local.simulator;

/** A request the marketplace would refuse with an error page; the message never echoes a value. */
public final class Rejected extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    public Rejected(String message) {
        super(message, null, false, false);
    }
}
