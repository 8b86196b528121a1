package dev.authkeeper.local;

import static dev.authkeeper.local.Browser.location;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.Docs;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The documentation's samples, run against the local run: every {@code bash} sample in README.md and
 * docs/ that is not marked as needing more than the local run (see {@link Docs}) runs in bash, a
 * page's samples one after another in one shell, with the local run's addresses swapped for this
 * test's, and prints what the page says it prints. Beside them, the integrator API's walk in Java:
 * a connect link → sign-in and consent → an access token → revoked in simulated Seller Central →
 * 409 with a fresh link → disconnected.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class LocalApiWalkTest extends LocalRunTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String END_OF_SAMPLE = "@@end-of-sample@@";

    SimulatedAmazon amazon;

    @BeforeEach
    void resetAmazon() {
        amazon.reset();
    }

    HttpResponse<String> call(String method, String path, String body) {
        return visits.api().call(method, path, body);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void connectLinkToAccessTokenToRevokedToDisconnected() {
        var link = call("POST", "/v1/merchants/merchant-1/connect-links", null);
        assertThat(link.statusCode()).isEqualTo(201);
        URI url = URI.create(json(link).path("url").asText());

        var browser = new Browser();
        var signIn = browser.get(location(browser.get(url)));
        var back = browser.submit(signIn, Map.of("merchant", "merchant-1"));
        var consent = browser.get(location(browser.get(location(back))));
        assertThat(consent.uri().getPath()).isEqualTo("/apps/authorize/consent");
        var connected = browser.get(location(browser.submit(consent, Map.of("decision", "approve", "selling_partner_id", "A1LOCALWALK1"))));
        assertThat(connected.body()).contains("Your Amazon account is connected");

        HttpResponse<String> token;
        try (var logs = CapturedLogs.capture()) {
            token = call("GET", "/v1/connections/amazon:NA:A1LOCALWALK1/access-token", null);
            assertThat(logs.text()).contains(LocalGateway.LOCAL_INTEGRATOR);
        }
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(json(token).path("accessToken").asText()).startsWith("Atza|");
        assertThat(token.headers().firstValue("Cache-Control")).contains("no-store");

        var listing = json(call("GET", "/v1/merchants/merchant-1/connections?limit=10", null));
        assertThat(listing.path("connections").get(0).path("status").asText()).isEqualTo("ACTIVE");

        amazon.revoke("A1LOCALWALK1");
        clock.advance(Duration.ofMinutes(56)); // the token above lasts an hour: the revocation shows once a fresh one is needed
        var refused = call("GET", "/v1/connections/amazon%3ANA%3AA1LOCALWALK1/access-token", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).path("connectLink").path("url").asText()).contains("/authorize?link=");

        assertThat(call("DELETE", "/v1/connections/amazon:NA:A1LOCALWALK1", null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/v1/connections/amazon:NA:A1LOCALWALK1/access-token", null).statusCode()).isEqualTo(410);
        var nowhere = call("PATCH", "/v1/connections/amazon:NA:A1LOCALWALK1", null);
        assertThat(nowhere.statusCode()).as("as API Gateway: no route, no function").isEqualTo(404);
    }

    static List<Path> pagesWithSamples() {
        return Docs.pages().stream().filter(page -> !Docs.runnableSamples(page).isEmpty()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pagesWithSamples")
    void theSamplesOfThePageRunAgainstTheLocalRunAndPrintWhatThePageShows(Path page) throws Exception {
        List<Docs.Sample> samples = Docs.runnableSamples(page);
        var script = new StringBuilder("set -eo pipefail\n");
        for (Docs.Sample sample : samples) {
            script.append(local(sample.script())).append("\nprintf '\\n%s\\n' '").append(END_OF_SAMPLE).append("'\n");
        }
        Path stdoutFile = Files.createTempFile("doc-sample", ".out");
        Path stderr = Files.createTempFile("doc-sample", ".err");
        Process bash = new ProcessBuilder("bash", "-c", script.toString())
                .redirectOutput(stdoutFile.toFile()).redirectError(stderr.toFile()).start();
        boolean finished = bash.waitFor(2, TimeUnit.MINUTES);
        if (!finished) {
            bash.destroyForcibly();
        }
        String stdout = Files.readString(stdoutFile);
        assertThat(finished).as("the samples of %s finish within two minutes; printed %s", page, stdout).isTrue();
        List<String> printed = new ArrayList<>(List.of(stdout.split("\n" + END_OF_SAMPLE + "\n", -1)));
        assertThat(bash.exitValue()).as("the samples of %s; printed %s; stderr %s", page, stdout, Files.readString(stderr))
                .isZero();
        for (int i = 0; i < samples.size(); i++) {
            var sample = samples.get(i);
            String got = printed.get(i);
            sample.output().map(this::local).ifPresent(shown -> assertThat(Docs.matches(shown, got))
                    .as("%s, the sample on line %d prints%n%s%ninstead of%n%s", page, sample.line(), got, shown).isTrue());
        }
    }

    /** The local run's addresses, as the pages give them, swapped for this test's. */
    String local(String text) {
        return text.replace("http://localhost:8080", "http://127.0.0.1:" + aws.gatewayPort())
                .replace("http://127.0.0.1:8091", amazon.baseUri().toString().replaceAll("/$", ""));
    }

    @Test
    void routeKeysMatchAsApiGatewayMatchesThem() {
        assertThat(LocalGateway.match("GET /v1/connections/{id}", "GET", "/v1/connections/amazon:NA:A1"))
                .contains(Map.of("id", "amazon:NA:A1"));
        assertThat(LocalGateway.match("GET /v1/connections/{id}", "DELETE", "/v1/connections/amazon:NA:A1")).isEmpty();
        assertThat(LocalGateway.match("GET /v1/connections/{id}", "GET", "/v1/connections/")).isEmpty();
        assertThat(LocalGateway.match("GET /v1/connections/{id}", "GET", "/v1/connections/a/access-token")).isEmpty();
        assertThat(LocalGateway.match("POST /v1/merchants/{merchantId}/connect-links", "POST", "/v1/merchants/m-1/connect-links"))
                .isEqualTo(Optional.of(Map.of("merchantId", "m-1")));
    }
}
