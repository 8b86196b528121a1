package dev.authkeeper.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/**
 * Deadlines of every AWS call, on every client (the Quarkus extensions' through application.properties,
 * {@link AwsClients}' here): a hung dependency ends a call as an error well inside the shortest
 * Lambda timeout, instead of holding the function until Lambda kills it.
 */
@ConfigMapping(prefix = "authkeeper.aws")
public interface AwsConfig {

    /** The whole call, retries included. */
    Duration callTimeout();

    /** One attempt: a stalled connection is given up and tried again while the call's time lasts. */
    Duration attemptTimeout();
}
