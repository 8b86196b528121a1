package dev.authkeeper.local;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The local run: which stand-ins start, and on which loopback ports. */
@ConfigMapping(prefix = "authkeeper.local")
public interface LocalConfig {

    /** Serve the functions on {@link #gatewayPort()} the way API Gateway does. */
    @WithDefault("false")
    boolean enabled();

    /** Also start DynamoDB Local, MiniStack and the simulated Amazon (tests start their own). */
    @WithDefault("true")
    boolean embeddedServices();

    @WithDefault("8080")
    int gatewayPort();

    @WithDefault("8091")
    int amazonPort();

    @WithDefault("8092")
    int shopifyPort();

    @WithDefault("8093")
    int etsyPort();

    @WithDefault("8094")
    int ebayPort();

    @WithDefault("8095")
    int tiktokPort();

    @WithDefault("8000")
    int dynamodbPort();

    @WithDefault("4566")
    int ministackPort();

    @WithDefault(".venv/bin/ministack")
    Path ministackCommand();

    /** How often the local run sweeps (a duration such as {@code 30s}, or {@code off}). */
    @WithDefault("off")
    String sweepEvery();

    /** The name of the local sweep queue; {@code authkeeper.sweep.queue-url} points at it. */
    @WithDefault("authkeeper-sweep-units")
    String sweepQueue();

    /** The local queue the simulated Amazon sends client-secret notifications to. */
    @WithDefault("authkeeper-app-notifications")
    String notificationsQueue();

    /** How often the local run checks the apps' client secrets (a duration such as {@code 60s}, or {@code off}). */
    @WithDefault("off")
    String credentialsCheckEvery();

    /** The alias the local KMS key gets; {@code authkeeper.kms.key-id} names it. */
    @WithDefault("alias/authkeeper-tokens")
    String keyAlias();
}
