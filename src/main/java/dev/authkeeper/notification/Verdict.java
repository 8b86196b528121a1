package dev.authkeeper.notification;

/** Whether a delivery is its marketplace's own, decided before anything in it is read. */
public sealed interface Verdict {

    /** Signed by the marketplace for this app: {@code body} may be read. */
    record Verified(byte[] body) implements Verdict {
    }

    /** Not the marketplace's (forged, corrupted, unsigned, stale): changes nothing and is counted. */
    record Refused(String why) implements Verdict {
    }

    /** Cannot be decided now (a key or secret out of reach): the marketplace delivers it again. */
    record Unavailable() implements Verdict {
    }
}
