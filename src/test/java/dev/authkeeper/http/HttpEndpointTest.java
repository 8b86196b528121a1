package dev.authkeeper.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class HttpEndpointTest {

    @Test
    void aFailureIsLoggedWithItsTypesAndFramesButNoMessage() {
        var failure = new IllegalArgumentException("Illegal character in query at index 9: x|a-request-value",
                new IllegalStateException("caused by another-request-value"));

        var logged = HttpEndpoint.withoutMessages(failure, 8);

        var trace = new StringWriter();
        logged.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString())
                .contains("java.lang.IllegalArgumentException").contains("java.lang.IllegalStateException")
                .contains("aFailureIsLoggedWithItsTypesAndFramesButNoMessage")
                .doesNotContain("a-request-value").doesNotContain("another-request-value");
    }
}
