package dev.authkeeper.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Simulator;

/**
 * The control port of simulators run on their own for {@code infra/local-deploy}: what the script
 * asks beyond a merchant's clicks, answered as JSON (404 for an unknown route, 400 with the message
 * of a refused request).
 */
final class ControlPort {

    private ControlPort() {
    }

    /**
     * Serves {@code answers} (null for an unknown route) on the loopback {@code port}, prints
     * {@code ready}, and blocks until the JVM is terminated, which stops the port and {@code simulators}.
     */
    static void serveUntilTerminated(int port, Function<HttpExchange, Object> answers, String ready, Simulator... simulators)
            throws IOException, InterruptedException {
        var control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        var json = new ObjectMapper();
        control.createContext("/", ex -> {
            try (ex) {
                Object answer = answers.apply(ex);
                Http.send(ex, answer == null ? 404 : 200, "application/json", json.writeValueAsBytes(answer == null ? Map.of() : answer));
            } catch (RuntimeException e) {
                Http.send(ex, 400, "application/json", json.writeValueAsBytes(Map.of("error", String.valueOf(e.getMessage()))));
            }
        });
        control.start();
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            control.stop(0);
            for (Simulator simulator : simulators) {
                simulator.close();
            }
            stopped.countDown();
        }, "simulators-stop"));
        System.out.println(ready);
        System.out.flush();
        stopped.await();
    }
}
