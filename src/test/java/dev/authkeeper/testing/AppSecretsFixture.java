package dev.authkeeper.testing;

import java.util.ArrayList;
import java.util.List;

import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.local.LocalProvisioning;
import dev.authkeeper.local.SimulatedAmazon;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The two apps' client secrets as a test starts: the simulated Amazon's first secrets, back in
 * Secrets Manager as the current version, nothing cached; and a look at the versions a test made.
 */
public final class AppSecretsFixture {

    private final SimulatedAmazon amazon;
    private final LocalAws aws;
    private final Apps apps;
    private final ClientSecrets secrets;

    public AppSecretsFixture(SimulatedAmazon amazon, LocalAws aws, Apps apps, ClientSecrets secrets) {
        this.amazon = amazon;
        this.aws = aws;
        this.apps = apps;
        this.secrets = secrets;
    }

    /** Call after {@code amazon.reset()}: Secrets Manager holds what the simulated Amazon accepts, and nobody remembers more. */
    public void reset() {
        aws.secretsProxy().up();
        try (var client = client()) {
            put(client, aws.appSecrets().defaultApp(), amazon.settings().clientSecret());
            put(client, aws.appSecrets().draftApp(), amazon.settings().app(LocalAwsResource.DRAFT_APP).clientSecret());
        }
        apps.all().forEach(secrets::forget);
    }

    /** The client secret a version stage of the app's secret holds. */
    public String value(String secretArn, String stage) {
        try (var client = client()) {
            String json = client.getSecretValue(r -> r.secretId(secretArn).versionStage(stage)).secretString();
            return json.replaceAll("(?s).*\"clientSecret\"\\s*:\\s*\"([^\"]*)\".*", "$1");
        }
    }

    /** The ids of the secret's versions that carry a stage. */
    public List<String> versions(String secretArn) {
        try (var client = client()) {
            var ids = new ArrayList<String>();
            client.listSecretVersionIds(r -> r.secretId(secretArn)).versions().forEach(v -> ids.add(v.versionId()));
            return ids;
        }
    }

    private static void put(SecretsManagerClient client, String arn, String clientSecret) {
        client.putSecretValue(r -> r.secretId(arn).secretString("{\"clientSecret\":\"" + clientSecret + "\"}"));
    }

    private SecretsManagerClient client() {
        return LocalProvisioning.secretsManager(aws.ministackEndpoint());
    }
}
