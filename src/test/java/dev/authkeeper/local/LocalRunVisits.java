package dev.authkeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.testing.ContractCalls;
import dev.authkeeper.testing.LocalAws;

/** The local run's gateway as the flow tests reach it: a merchant's browser, and the integrator's signed {@code /v1} calls. */
record LocalRunVisits(LocalAws aws) {

    private static final ObjectMapper JSON = new ObjectMapper();

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + aws.gatewayPort() + path);
    }

    /** A browser signed in to the local run's stand-in for the integrator's sign-in. */
    Browser signedIn(String merchant) {
        var browser = new Browser();
        browser.submit(browser.get(uri("/local/sign-in")), Map.of("merchant", merchant));
        return browser;
    }

    ContractCalls api() {
        return new ContractCalls(aws.gatewayPort());
    }

    /** The connect link the integrator creates for the merchant ({@code body} as {@code /v1} takes it), once it answered 201. */
    JsonNode connectLink(String merchant, String body) {
        var created = api().call("POST", "/v1/merchants/" + merchant + "/connect-links", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        try {
            return JSON.readTree(created.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
