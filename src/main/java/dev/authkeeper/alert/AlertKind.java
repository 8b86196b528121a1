package dev.authkeeper.alert;

import java.util.Optional;

/**
 * What an outbox entry is about, who reads it and how urgent it is: a merchant alert, an operator
 * alert (both to SNS) or a status-change event for the integrator's own app (to EventBridge).
 */
public enum AlertKind {
    NEEDS_REAUTHORIZATION(Audience.MERCHANT, Severity.HIGH),
    REMINDER(Audience.MERCHANT, Severity.HIGH),
    EXPIRY_WARNING(Audience.MERCHANT, Severity.MEDIUM),
    RECONNECTED(Audience.MERCHANT, Severity.INFO),
    /** The marketplace ended the authorization for good (the app was uninstalled there): tokens destroyed, nothing to repair. */
    DISCONNECTED(Audience.MERCHANT, Severity.MEDIUM),
    APP_CREDENTIALS_REJECTED(Audience.OPERATOR, Severity.CRITICAL),
    LWA_OUTAGE(Audience.OPERATOR, Severity.HIGH),
    MASS_REJECTION(Audience.OPERATOR, Severity.CRITICAL),
    /** Checks failed on an AWS service (unreachable, refusing, timing out): one alert for all of them. */
    AWS_DEPENDENCY_FAILING(Audience.OPERATOR, Severity.CRITICAL),
    /** A seller connected to one merchant was authorized by another: support decides who holds it. */
    SELLER_CONFLICT(Audience.OPERATOR, Severity.HIGH),
    /** Amazon announced that an app's client secret expires soon. */
    APP_SECRET_EXPIRING(Audience.OPERATOR, Severity.HIGH),
    /** An app's client secret is old and no rotation has happened: it expires at 180 days. */
    APP_SECRET_AGING(Audience.OPERATOR, Severity.HIGH),
    /** Amazon issued an app a new client secret and AuthKeeper stored it. */
    APP_SECRET_ROTATED(Audience.OPERATOR, Severity.INFO),
    /** AuthKeeper asked Amazon for a new client secret and was refused. */
    APP_SECRET_ROTATION_FAILED(Audience.OPERATOR, Severity.HIGH),
    /** A notification from Amazon could not be used (malformed, for an app not served here, not storable): it waits in its queue. */
    APP_NOTIFICATION_REFUSED(Audience.OPERATOR, Severity.HIGH),
    EVENT_AUTHORIZED(Audience.INTEGRATOR, Severity.INFO, "Connection Authorized"),
    EVENT_REAUTHORIZED(Audience.INTEGRATOR, Severity.INFO, "Connection Reauthorized"),
    EVENT_NEEDS_REAUTHORIZATION(Audience.INTEGRATOR, Severity.HIGH, "Connection Needs Reauthorization"),
    EVENT_RECONNECTED(Audience.INTEGRATOR, Severity.INFO, "Connection Reconnected"),
    EVENT_AUTHORIZATION_EXPIRING(Audience.INTEGRATOR, Severity.MEDIUM, "Connection Authorization Expiring"),
    EVENT_DISCONNECTED(Audience.INTEGRATOR, Severity.INFO, "Connection Disconnected"),
    /** Support moved the connection to another merchant (a seller conflict settled): {@code detail} names the merchant it left. */
    EVENT_TRANSFERRED(Audience.INTEGRATOR, Severity.INFO, "Connection Transferred"),
    EVENT_APP_CREDENTIALS_REJECTED(Audience.INTEGRATOR, Severity.CRITICAL, "App Credentials Rejected"),
    EVENT_APP_CREDENTIALS_RESTORED(Audience.INTEGRATOR, Severity.INFO, "App Credentials Restored"),
    EVENT_APP_SECRET_EXPIRING(Audience.INTEGRATOR, Severity.HIGH, "App Client Secret Expiring");

    public enum Audience { MERCHANT, OPERATOR, INTEGRATOR }

    public enum Severity { INFO, MEDIUM, HIGH, CRITICAL }

    private final Audience audience;
    private final Severity severity;
    private final String detailType;

    AlertKind(Audience audience, Severity severity) {
        this(audience, severity, null);
    }

    AlertKind(Audience audience, Severity severity, String detailType) {
        this.audience = audience;
        this.severity = severity;
        this.detailType = detailType;
    }

    public Audience audience() {
        return audience;
    }

    public Severity severity() {
        return severity;
    }

    /** The EventBridge {@code detail-type} of an integrator event. */
    public Optional<String> detailType() {
        return Optional.ofNullable(detailType);
    }

    /** Merchant alerts that wait for their siblings and reach a merchant together as one digest. */
    public boolean grouped() {
        return this == NEEDS_REAUTHORIZATION || this == REMINDER;
    }

    /** What a merchant alert or event says about a connection that is held while a mass rejection is investigated. */
    public boolean heldDuringMassRejection() {
        return this == NEEDS_REAUTHORIZATION || this == EVENT_NEEDS_REAUTHORIZATION;
    }
}
