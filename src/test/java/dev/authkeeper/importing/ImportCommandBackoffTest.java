package dev.authkeeper.importing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * {@code infra/import} against a stand-in for the route that throttles, fails and answers
 * {@code retry}: the command waits each out and sends again, and never shows a token.
 */
class ImportCommandBackoffTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void throttlingAnOutageAndARetryItemAreWaitedOutAndSentAgain() throws Exception {
        var answers = List.of(
                new Answer(429, "1", "{\"message\":\"Too Many Requests\"}"),
                new Answer(503, "1", "{\"error\":\"try_again\",\"message\":\"Try again.\"}"),
                new Answer(200, null, "{\"results\":[{\"index\":0,\"outcome\":\"retry\",\"reason\":\"marketplace_unavailable\","
                        + "\"retryAfterSeconds\":1},{\"index\":1,\"outcome\":\"imported\",\"connectionId\":\"amazon:NA:A1SECOND\"}]}"),
                new Answer(200, null, "{\"results\":[{\"index\":0,\"outcome\":\"imported\",\"connectionId\":\"amazon:NA:A1FIRST\"}]}"));
        var bodies = new ArrayList<String>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/imports", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer answer;
            synchronized (bodies) {
                bodies.add(body);
                answer = answers.get(Math.min(bodies.size(), answers.size()) - 1);
            }
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            Path file = dir.resolve("tokens.jsonl");
            Files.writeString(file, line("A1FIRST", "Atzr|first-secret") + "\n" + line("A1SECOND", "Atzr|second-secret") + "\n");

            var process = new ProcessBuilder(Path.of(".venv", "bin", "python").toString(), "infra/importer.py", file.toString(),
                    "--api", "http://127.0.0.1:" + server.getAddress().getPort(), "--default-rate", "0", "--json")
                    .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
            assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
            String out = Files.readString(dir.resolve("out"));
            String err = Files.readString(dir.resolve("err"));
            assertThat(process.exitValue()).as(err).isZero();

            JsonNode summary = JSON.readTree(out);
            assertThat(summary.path("total").path("imported").asInt()).isEqualTo(2);
            assertThat(summary.path("total").path("failed").asInt()).isZero();
            assertThat(bodies).hasSize(4);
            assertThat(bodies.get(0)).isEqualTo(bodies.get(1)).isEqualTo(bodies.get(2)).contains("A1FIRST", "A1SECOND");
            assertThat(bodies.get(3)).contains("A1FIRST").doesNotContain("A1SECOND");
            assertThat(err).contains("HTTP 429", "HTTP 503");
            String state = Files.readString(dir.resolve("tokens.jsonl.import-state"));
            assertThat(JSON.readTree(state).path("line").asInt()).isEqualTo(2);
            for (String shown : List.of(out, err, state)) {
                assertThat(shown).doesNotContain("first-secret", "second-secret");
            }
        } finally {
            server.stop(0);
        }
    }

    record Answer(int status, String retryAfter, String body) {
    }

    private static String line(String seller, String token) {
        return "{\"marketplace\":\"amazon\",\"region\":\"NA\",\"accountId\":\"" + seller + "\",\"merchantId\":\"merchant-1\","
                + "\"refreshToken\":\"" + token + "\"}";
    }
}
