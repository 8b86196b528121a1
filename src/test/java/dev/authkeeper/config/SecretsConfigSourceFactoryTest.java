package dev.authkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import dev.authkeeper.local.LocalMiniStack;
import dev.authkeeper.local.LocalProvisioning;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class SecretsConfigSourceFactoryTest {

    static final String REAL = """
            {"clientId":"amzn1.application-oa2-client.abc",
             "sessionSecret":"a-session-secret-of-at-least-32-bytes!","linkSecret":"a-link-secret-of-at-least-32-bytes!!!"}
            """;

    @Test
    void aSecretSuppliesTheClientIdAndTheSigningKeys() {
        assertThat(SecretsConfigSourceFactory.settings(REAL))
                .containsEntry("authkeeper.amazon.client-id", "amzn1.application-oa2-client.abc")
                .containsEntry("authkeeper.session.secret", "a-session-secret-of-at-least-32-bytes!")
                .containsEntry("authkeeper.link.secret", "a-link-secret-of-at-least-32-bytes!!!")
                .hasSize(3);
    }

    @Test
    void aSecretFromBeforeTheSplitStillStartsButItsClientSecretBecomesNoSetting() {
        String old = REAL.replace("\"clientId\"", "\"clientSecret\":\"amzn1.oa2-cs.v1.secret-value\",\"clientId\"");

        assertThat(SecretsConfigSourceFactory.settings(old)).hasSize(3).doesNotContainValue("amzn1.oa2-cs.v1.secret-value");
    }

    @Test
    void aSecretStillHoldingPlaceholdersOrMissingAFieldIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> SecretsConfigSourceFactory.settings(REAL.replace("a-session-secret-of-at-least-32-bytes!", "REPLACE_ME")))
                .hasMessageContaining("sessionSecret").hasMessageNotContaining("amzn1.application-oa2-client.abc");
        assertThatThrownBy(() -> SecretsConfigSourceFactory.settings("{\"clientId\":\"x\"}")).hasMessageContaining("linkSecret");
        assertThatThrownBy(() -> SecretsConfigSourceFactory.settings("not json")).hasMessageContaining("not a JSON object");
    }

    @Test
    void withoutAnArnThereIsNoSecretSource() {
        assertThat(new SecretsConfigSourceFactory().getConfigSources(context(Map.of()))).isEmpty();
    }

    @Test
    void theSecretIsReadFromSecretsManager() throws IOException {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (var ministack = LocalMiniStack.start(Path.of(".venv", "bin", "ministack"), port)) {
            String arn;
            try (var client = SecretsManagerClient.builder().endpointOverride(ministack.endpoint())
                    .region(Region.of(LocalProvisioning.REGION)).httpClient(UrlConnectionHttpClient.create())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
                arn = client.createSecret(r -> r.name("authkeeper-test").secretString(REAL)).arn();
            }
            System.setProperty("aws.region", LocalProvisioning.REGION);
            System.setProperty("aws.accessKeyId", "local");
            System.setProperty("aws.secretAccessKey", "local");
            try {
                var sources = new SecretsConfigSourceFactory().getConfigSources(context(Map.of(
                        SecretsConfigSourceFactory.ARN, arn, SecretsConfigSourceFactory.ENDPOINT, ministack.endpoint().toString(),
                        SecretsConfigSourceFactory.CALL_TIMEOUT, "PT4S", SecretsConfigSourceFactory.ATTEMPT_TIMEOUT, "PT2S")));
                List<ConfigSource> list = StreamSupport.stream(sources.spliterator(), false).toList();
                assertThat(list).singleElement().satisfies(source -> {
                    assertThat(source.getValue("authkeeper.amazon.client-id")).isEqualTo("amzn1.application-oa2-client.abc");
                    assertThat(source.getValue("authkeeper.amazon.client-secret")).isNull();
                    assertThat(source.getOrdinal()).isEqualTo(SecretsConfigSourceFactory.ORDINAL);
                });
            } finally {
                System.clearProperty("aws.region");
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
        }
    }

    private static ConfigSourceContext context(Map<String, String> values) {
        return new ConfigSourceContext() {
            @Override
            public ConfigValue getValue(String name) {
                return values.containsKey(name) ? ConfigValue.builder().withName(name).withValue(values.get(name)).build() : null;
            }

            @Override
            public List<String> getProfiles() {
                return List.of();
            }

            @Override
            public java.util.Iterator<String> iterateNames() {
                return values.keySet().iterator();
            }
        };
    }
}
