package dev.authkeeper.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How AuthKeeper keeps the apps' own LWA client secrets: reading them, rotating them, watching their age. */
@ConfigMapping(prefix = "authkeeper.app-credentials")
public interface AppCredentialsConfig {

    /** How long an instance uses a client secret it read before reading it again, so a rotation reaches it. */
    @WithDefault("PT5M")
    Duration cacheTtl();

    /** After LWA refused a secret, the secret is read again at once, but not more often than this. */
    @WithDefault("PT10S")
    Duration rereadAfterRejection();

    /**
     * Amazon asks for a new client secret every 180 days: AuthKeeper calls rotateApplicationClientSecret
     * itself this many days before, when {@link #autoRotate()} is on.
     */
    @WithDefault("30")
    int rotateDaysBefore();

    /** Whether the daily check calls rotateApplicationClientSecret itself (at most once a day per app). */
    @WithDefault("false")
    boolean autoRotate();

    /** A secret this many days old, with no rotation since, is reported to operators (the template's alarm uses the same figure). */
    @WithDefault("160")
    int ageAlarmDays();

    /** The notifications queue's ARN, quoted in operator alerts about notifications for apps this deployment does not serve. */
    Optional<String> notificationsQueueArn();

    /** Receives of one notification before SQS moves it to the dead-letter queue; alerts quote it. */
    @WithDefault("5")
    int maxReceives();
}
