package dev.authkeeper.benchmark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.authkeeper.local.SimulatedAmazon;

/**
 * The simulated Amazon in a JVM of its own, so that its HTTP server's CPU is not counted as the
 * sweep's. Arguments: the simulator's port and a control port, both on loopback. The control port
 * is what the benchmark would otherwise call in-process: {@code POST /issue} (selling partner ids,
 * one a line; answers their refresh tokens, one a line), {@code POST /latency?ms=N},
 * {@code GET /token-calls}. It serves until its standard input closes.
 */
public final class SimulatedLwaMain {

    private SimulatedLwaMain() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int controlPort = Integer.parseInt(args[1]);
        var settings = SimulatedLwa.settings().withPort(port);
        try (var amazon = SimulatedAmazon.start(settings)) {
            var control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), controlPort), 64);
            control.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            control.createContext("/issue", ex -> answer(ex, issue(amazon, body(ex))));
            control.createContext("/latency", ex -> {
                amazon.latency(Duration.ofMillis(Long.parseLong(ex.getRequestURI().getQuery().replace("ms=", ""))));
                answer(ex, "ok");
            });
            control.createContext("/token-calls", ex -> answer(ex, Integer.toString(amazon.tokenCalls())));
            control.start();
            try {
                ChildProcess.serveUntilStdinCloses("simulated Amazon on " + amazon.baseUri() + ", control on port " + controlPort);
            } finally {
                control.stop(0);
            }
        }
    }

    private static String issue(SimulatedAmazon amazon, String sellers) {
        var tokens = new StringBuilder();
        sellers.lines().filter(line -> !line.isBlank()).forEach(seller -> tokens.append(amazon.issueRefreshToken(seller)).append('\n'));
        return tokens.toString();
    }

    private static String body(HttpExchange ex) throws IOException {
        try (var in = ex.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void answer(HttpExchange ex, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Where the simulator listens, for its clients. */
    static URI baseUri(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }
}
