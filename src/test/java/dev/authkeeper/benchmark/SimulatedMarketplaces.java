package dev.authkeeper.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import dev.authkeeper.local.SimulatedAmazon;

/** The benchmark's handle on the five simulated marketplaces running in their own JVM ({@link SimulatedMarketplacesMain}). */
final class SimulatedMarketplaces implements AutoCloseable {

    /** Where each simulator listens, for the application's configuration. */
    record Addresses(URI amazon, URI shopify, URI etsy, URI ebay, URI tiktok) {
    }

    private final ChildProcess process;
    private final Addresses addresses;
    private final URI control;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private SimulatedMarketplaces(ChildProcess process, Addresses addresses, int controlPort) {
        this.process = process;
        this.addresses = addresses;
        this.control = URI.create("http://127.0.0.1:" + controlPort);
    }

    /** The Amazon app's credentials and URIs the simulator knows; the sweep uses only the client id and secret. */
    static SimulatedAmazon.Settings amazonSettings() {
        return SimulatedAmazon.Settings.of(URI.create("http://127.0.0.1/login"), URI.create("http://127.0.0.1/callback"));
    }

    /** Starts them on {@code ports}: Amazon, Shopify, Etsy, eBay, TikTok Shop, then the control port. */
    static SimulatedMarketplaces start(int... ports) {
        var args = Arrays.stream(ports).mapToObj(Integer::toString).toArray(String[]::new);
        var addresses = new Addresses(SimulatedMarketplacesMain.baseUri(ports[0]), SimulatedMarketplacesMain.baseUri(ports[1]),
                SimulatedMarketplacesMain.baseUri(ports[2]), SimulatedMarketplacesMain.baseUri(ports[3]), SimulatedMarketplacesMain.baseUri(ports[4]));
        var marketplaces = new SimulatedMarketplaces(ChildProcess.java("simulated-marketplaces", SimulatedMarketplacesMain.class,
                List.of("-Xmx1g"), args), addresses, ports[5]);
        marketplaces.awaitReady();
        return marketplaces;
    }

    Addresses addresses() {
        return addresses;
    }

    ChildProcess process() {
        return process;
    }

    /** Refresh tokens that work, one per account of {@code marketplace}, in order. */
    List<String> issue(String marketplace, List<String> accounts) {
        return send(HttpRequest.newBuilder(control.resolve("/issue?marketplace=" + marketplace))
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", accounts)))).lines().toList();
    }

    /** How long every marketplace's token endpoint takes to answer. */
    void latency(Duration latency) {
        send(HttpRequest.newBuilder(control.resolve("/latency?ms=" + latency.toMillis())).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Every token call {@code marketplace} answered so far. */
    int tokenCalls(String marketplace) {
        return Integer.parseInt(send(HttpRequest.newBuilder(control.resolve("/token-calls?marketplace=" + marketplace))).trim());
    }

    /** Every Admin API shop query the simulated Shopify answered so far. */
    int probeCalls() {
        return Integer.parseInt(send(HttpRequest.newBuilder(control.resolve("/probe-calls"))).trim());
    }

    private String send(HttpRequest.Builder request) {
        try {
            var response = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the simulators' control port answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("the simulators' control port is unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline) && process.alive()) {
            try {
                probeCalls();
                return;
            } catch (IllegalStateException e) {
                ChildProcess.pause();
            }
        }
        close();
        throw new IllegalStateException("the simulated marketplaces did not start: see target/benchmark/simulated-marketplaces.log");
    }

    @Override
    public void close() {
        process.close();
    }
}
