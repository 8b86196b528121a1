package dev.authkeeper.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AppCredentialsConfig;
import dev.authkeeper.local.LocalProvisioning;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A deployment upgraded from before the default app's client secret had a secret of its own: the
 * stack created that secret with its placeholder, the client secret still sits in the AuthKeeper
 * secret. It keeps working from there, operators are told once per cold start, and the own secret
 * takes over as soon as the operator puts the value into it. Secrets Manager is MiniStack's.
 */
@QuarkusTest
@TestProfile(Profiles.AppCredentialsCheckFunction.class)
@WithTestResource(LocalAwsResource.class)
class LegacyClientSecretTest {

    static final String WARNING = "is still read from the AuthKeeper secret";

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    Apps apps;
    @Inject
    AppStates states;
    @Inject
    AppCredentialsConfig config;
    @Inject
    ObjectMapper json;

    @Test
    void theDefaultAppsSecretIsReadFromTheAuthKeeperSecretWhileItsOwnHoldsThePlaceholderAndOperatorsAreToldOnce() {
        String name = "authkeeper-test-upgraded-" + UUID.randomUUID();
        String own = LocalProvisioning.createClientSecret(aws.ministackEndpoint(), name, "REPLACE_ME");
        String stillThere = amazon.settings().clientSecret();
        String authKeeperSecret;
        try (SecretsManagerClient client = LocalProvisioning.secretsManager(aws.ministackEndpoint())) {
            authKeeperSecret = client.createSecret(r -> r.name(name + "-authkeeper").secretString(
                    "{\"clientId\":\"amzn1.application-oa2-client.test\",\"sessionSecret\":\"s\",\"linkSecret\":\"l\",\"clientSecret\":\""
                            + stillThere + "\"}")).arn();
        }
        App app = upgraded(apps.find(App.DEFAULT).orElseThrow(), own);

        try (var manager = LocalProvisioning.secretsManager(aws.ministackEndpoint()); var logs = CapturedLogs.capture()) {
            var secrets = new ClientSecrets(manager, states, config, Optional.of(authKeeperSecret), json, Clock.systemUTC());
            assertThat(secrets.of(app).current().value()).isEqualTo(stillThere);
            secrets.forget(app);
            assertThat(secrets.of(app).current().value()).isEqualTo(stillThere);
            assertThat(logs.text().split(WARNING, -1)).hasSize(2);
            assertThat(logs.leaked(List.of(stillThere))).isEmpty();

            // The operator moves it: from the next read on, the app's own secret is used, and nothing more is said.
            manager.putSecretValue(r -> r.secretId(own).secretString("{\"clientSecret\":\"moved-secret-value\"}"));
            secrets.forget(app);
            assertThat(secrets.of(app).current().value()).isEqualTo("moved-secret-value");
            assertThat(logs.text().split(WARNING, -1)).hasSize(2);
        }
    }

    /** The default app as an upgraded stack configures it: its own secret, still holding the template's placeholder. */
    private static App upgraded(App app, String ownSecret) {
        return new App(app.marketplace(), app.name(), app.applicationId(), app.clientId(), app.draft(), app.regions(), app.redirectUri(),
                Optional.of(ownSecret), Optional.empty(), app.scopes());
    }
}
