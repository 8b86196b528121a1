package dev.authkeeper.alert;

/** What an alert is about, who reads it, and how urgent it is. */
public enum AlertKind {
    NEEDS_REAUTHORIZATION(Audience.MERCHANT, Severity.HIGH),
    REMINDER(Audience.MERCHANT, Severity.HIGH),
    EXPIRY_WARNING(Audience.MERCHANT, Severity.MEDIUM),
    RECONNECTED(Audience.MERCHANT, Severity.INFO),
    APP_CREDENTIALS_REJECTED(Audience.OPERATOR, Severity.CRITICAL),
    LWA_OUTAGE(Audience.OPERATOR, Severity.HIGH),
    /** A seller connected to one merchant was authorized by another: support decides who holds it. */
    SELLER_CONFLICT(Audience.OPERATOR, Severity.HIGH);

    public enum Audience { MERCHANT, OPERATOR }

    public enum Severity { INFO, MEDIUM, HIGH, CRITICAL }

    private final Audience audience;
    private final Severity severity;

    AlertKind(Audience audience, Severity severity) {
        this.audience = audience;
        this.severity = severity;
    }

    public Audience audience() {
        return audience;
    }

    public Severity severity() {
        return severity;
    }
}
