package dev.authkeeper.api;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.testing.LocalAwsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Any request to the token function: a 2xx, 3xx or 4xx JSON answer, no stack trace, no request value or token in the log. */
@QuarkusTest
@TestProfile(ApiTestBase.AccessTokenFunction.class)
@WithTestResource(LocalAwsResource.class)
class AccessTokenPropertiesTest extends ApiTestBase {

    @Inject
    Disconnections disconnections;

    @Test
    void anyRequestIsAnsweredCleanly() {
        var active = connection("merchant-1", "A1PROPACTIVE");
        var revoked = connection("merchant-1", "A1PROPREVOKED");
        var gone = connection("merchant-2", "A1PROPGONE01");
        amazon.revoke("A1PROPREVOKED");
        disconnections.disconnect(gone, new Caller(ApiEvents.INTEGRATOR));
        String access = ApiEvents.json(ApiEvents.get(ApiRoute.ACCESS_TOKEN, id(active))).path("accessToken").asText();

        ApiRequestProperties.forRoutes(ApiRoute.ACCESS_TOKEN)
                .pathParameter("id", active.value(), revoked.value(), gone.value(), "amazon:NA:A1PROPUNKNOWN",
                        "amazon%3ANA%3AA1PROPACTIVE", "AMAZON:na:a1propactive")
                .secret(access, amazon.refreshTokenOf("A1PROPACTIVE").orElseThrow())
                .check(150);
    }
}
