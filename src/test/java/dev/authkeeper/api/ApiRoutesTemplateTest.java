package dev.authkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.authkeeper.testing.ApiContract;

/**
 * The template declares exactly the API's routes, each IAM-authorized and integrated with the function that serves it, and
 * the published contract describes exactly those.
 */
class ApiRoutesTemplateTest {

    /** A resource: its logical id, type and the indented lines under it. */
    private static final Pattern RESOURCE = Pattern.compile("(?m)^  (\\w+):\\n    Type: (\\S+)\\n((?:(?:    .*)?\\n)*)");

    record Resource(String type, String body) {
        Optional<String> value(String property) {
            return Pattern.compile("(?m)^\\s+" + property + ": (.+)$").matcher(body).results().map(m -> m.group(1).trim()).findFirst();
        }
    }

    @Test
    void everyV1RouteIsIamAuthorizedAndServedByItsFunction() throws IOException {
        var expected = new LinkedHashMap<String, String>();
        for (ApiRoute api : ApiRoute.values()) {
            expected.put(api.routeKey(), api.function());
        }
        assertThat(servedRoutes()).isEqualTo((Map<String, String>) expected);
    }

    @Test
    void thePublishedContractDescribesExactlyTheRoutesOfTheCodeAndTheTemplate() throws IOException {
        var code = Arrays.stream(ApiRoute.values()).map(ApiRoute::routeKey).collect(Collectors.toCollection(TreeSet::new));
        assertThat(ApiContract.routeKeys()).as("routes in %s", ApiContract.DOCUMENT).isEqualTo(code)
                .isEqualTo(new TreeSet<>(servedRoutes().keySet()));
    }

    /** The template's IAM-authorized routes and the function each is integrated with. */
    private static Map<String, String> servedRoutes() throws IOException {
        var resources = new LinkedHashMap<String, Resource>();
        RESOURCE.matcher(Files.readString(Path.of("template.yaml"))).results()
                .forEach(m -> resources.put(m.group(1), new Resource(m.group(2), m.group(3))));
        var served = new LinkedHashMap<String, String>();
        resources.values().stream().filter(r -> r.type().equals("AWS::ApiGatewayV2::Route")).forEach(route -> {
            String key = route.value("RouteKey").orElseThrow();
            boolean iam = route.value("AuthorizationType").filter("AWS_IAM"::equals).isPresent();
            assertThat(iam).as("%s is IAM-authorized exactly when it is under /v1", key).isEqualTo(key.contains(" /v1/"));
            if (iam) {
                String integration = route.value("Target").orElseThrow().replaceAll(".*\\$\\{(\\w+)}.*", "$1");
                String function = resources.get(integration).value("IntegrationUri").orElseThrow()
                        .replaceAll("!Ref (\\w+)\\.Alias", "$1");
                served.put(key, resources.get(function).value("QUARKUS_FUNQY_EXPORT").orElseThrow());
            }
        });
        return served;
    }
}
