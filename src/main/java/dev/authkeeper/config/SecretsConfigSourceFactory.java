package dev.authkeeper.config;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * In a deployment the default app's LWA client id and the two signing keys live in one Secrets
 * Manager secret, never in an environment variable: {@code {"clientId", "sessionSecret",
 * "linkSecret"}}. When {@code authkeeper.secrets-arn} is set, every function reads it once at
 * start-up. The client secret is not in it: it has a secret of its own
 * ({@code authkeeper.amazon.client-secret-id}) that only the functions calling LWA may read, so the
 * internet-facing functions never hold one. A secret from before that split may still carry a
 * {@code clientSecret}: it never becomes a setting here, and only the functions calling LWA read
 * it, while the default app's own secret still holds its placeholder (an upgrade keeps working;
 * the operator is told to move it).
 */
public class SecretsConfigSourceFactory implements ConfigSourceFactory {

    static final String ARN = "authkeeper.secrets-arn";
    static final String ENDPOINT = "authkeeper.secrets-endpoint";
    static final String CALL_TIMEOUT = "authkeeper.aws.call-timeout";
    static final String ATTEMPT_TIMEOUT = "authkeeper.aws.attempt-timeout";
    /** Above application.properties (250), below environment variables (300). */
    static final int ORDINAL = 275;
    private static final String PLACEHOLDER = "REPLACE_ME";
    private static final Map<String, String> KEYS = Map.of(
            "clientId", "authkeeper.amazon.client-id",
            "sessionSecret", "authkeeper.session.secret",
            "linkSecret", "authkeeper.link.secret");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        var arn = context.getValue(ARN);
        if (arn == null || arn.getValue() == null || arn.getValue().isBlank()) {
            return List.of();
        }
        var endpoint = context.getValue(ENDPOINT);
        var builder = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.apiCallTimeout(duration(context, CALL_TIMEOUT)).apiCallAttemptTimeout(duration(context, ATTEMPT_TIMEOUT)));
        if (endpoint != null && endpoint.getValue() != null) {
            builder.endpointOverride(URI.create(endpoint.getValue()));
        }
        try (var client = builder.build()) {
            String json = client.getSecretValue(r -> r.secretId(arn.getValue())).secretString();
            return List.of(new MapBackedConfigSource("AuthKeeper secret", settings(json), ORDINAL) { });
        }
    }

    /** A deadline of {@code dev.authkeeper.config.AwsConfig}, which is not mapped yet while config sources are built. */
    private static Duration duration(ConfigSourceContext context, String key) {
        return Duration.parse(context.getValue(key).getValue());
    }

    /** The settings a secret's JSON supplies; refuses a secret still holding the template's placeholders. */
    static Map<String, String> settings(String json) {
        Map<String, String> values;
        try {
            values = new ObjectMapper().readValue(json, new TypeReference<>() { });
        } catch (IOException e) {
            throw new IllegalStateException("The AuthKeeper secret is not a JSON object of strings");
        }
        var settings = new HashMap<String, String>();
        var missing = new TreeSet<String>();
        KEYS.forEach((field, key) -> {
            if (realValue(values.get(field))) {
                settings.put(key, values.get(field));
            } else {
                missing.add(field);
            }
        });
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The AuthKeeper secret has no real value for " + missing
                    + ": put the default app's client id and the signing keys in it (docs/operating/deploying.md)");
        }
        return settings;
    }

    private static boolean realValue(String value) {
        return value != null && !value.isBlank() && !value.contains(PLACEHOLDER);
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
