package dev.authkeeper.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.authkeeper.local.SimulatedAmazon;

/** The benchmark's handle on the simulated Amazon running in its own JVM ({@link SimulatedLwaMain}). */
final class SimulatedLwa implements AutoCloseable {

    private final ChildProcess process;
    private final URI baseUri;
    private final URI control;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private SimulatedLwa(ChildProcess process, int port, int controlPort) {
        this.process = process;
        this.baseUri = SimulatedLwaMain.baseUri(port);
        this.control = URI.create("http://127.0.0.1:" + controlPort);
    }

    /** The app's credentials and URIs the simulator knows; the sweep uses only the client id and secret. */
    static SimulatedAmazon.Settings settings() {
        return SimulatedAmazon.Settings.of(URI.create("http://127.0.0.1/login"), URI.create("http://127.0.0.1/callback"));
    }

    static SimulatedLwa start(int port, int controlPort) {
        var lwa = new SimulatedLwa(ChildProcess.java("simulated-amazon", SimulatedLwaMain.class, List.of("-Xmx1g"),
                Integer.toString(port), Integer.toString(controlPort)), port, controlPort);
        lwa.awaitReady();
        return lwa;
    }

    URI baseUri() {
        return baseUri;
    }

    ChildProcess process() {
        return process;
    }

    /** Refresh tokens that work, one per selling partner, in order. */
    List<String> issue(List<String> sellers) {
        return send(HttpRequest.newBuilder(control.resolve("/issue")).POST(HttpRequest.BodyPublishers.ofString(String.join("\n", sellers))))
                .lines().toList();
    }

    void latency(Duration latency) {
        send(HttpRequest.newBuilder(control.resolve("/latency?ms=" + latency.toMillis())).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Every token call answered so far. */
    int tokenCalls() {
        return Integer.parseInt(send(HttpRequest.newBuilder(control.resolve("/token-calls"))).trim());
    }

    private String send(HttpRequest.Builder request) {
        try {
            var response = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the simulator's control port answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("the simulator's control port is unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline) && process.alive()) {
            try {
                tokenCalls();
                return;
            } catch (IllegalStateException e) {
                ChildProcess.pause();
            }
        }
        close();
        throw new IllegalStateException("the simulated Amazon did not start: see target/benchmark/simulated-amazon.log");
    }

    @Override
    public void close() {
        process.close();
    }
}
