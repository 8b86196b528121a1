package dev.authkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP relay in front of a local AWS emulator (DynamoDB Local, MiniStack) that answers chosen
 * calls with a fault, as the service itself would answer them: an error body, a changed answer, or
 * no answer until released. Everything else passes through unchanged. The SDK client under test
 * talks real HTTP to it; nothing of the SDK is replaced. Calls are told apart by their JSON
 * protocol operation ({@code X-Amz-Target}, e.g. {@code DynamoDB_20120810.BatchGetItem}).
 */
public final class FaultProxy implements AutoCloseable {

    /** One call: its operation (the part of X-Amz-Target after the dot) and body. */
    public record Call(String operation, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer: status, headers that matter to the SDK, body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** A JSON answer, with the CRC32 DynamoDB clients verify. */
        public static Answer json(int status, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            var crc = new CRC32();
            crc.update(bytes);
            return new Answer(status, Map.of("Content-Type", "application/x-amz-json-1.0", "x-amz-crc32", Long.toString(crc.getValue())), bytes);
        }
    }

    /** What the proxy does with a call it was told to fault: answer it, possibly after asking the emulator. */
    @FunctionalInterface
    public interface Fault {
        Answer answer(Call call, Upstream upstream) throws IOException, InterruptedException;
    }

    /** The emulator behind the proxy. */
    @FunctionalInterface
    public interface Upstream {
        Answer forward(byte[] body) throws IOException, InterruptedException;
    }

    private record Rule(String operation, Fault fault, AtomicInteger remaining) {
    }

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    public FaultProxy(URI target) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers the next {@code times} calls of {@code operation} with {@code fault}. */
    public void fault(String operation, int times, Fault fault) {
        rules.add(new Rule(operation, fault, new AtomicInteger(times)));
    }

    /** Drops every fault not yet used. */
    public void clear() {
        rules.clear();
    }

    /** Calls of {@code operation} that reached the proxy, faulted or not. */
    public int calls(String operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String amzTarget = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
            var call = new Call(amzTarget.substring(amzTarget.indexOf('.') + 1), body);
            calls.computeIfAbsent(call.operation(), o -> new AtomicInteger()).incrementAndGet();
            Upstream upstream = forwarded -> forward(exchange, forwarded);
            var rule = rules.stream().filter(r -> r.operation().equals(call.operation()) && r.remaining().getAndDecrement() > 0).findFirst();
            Answer answer = rule.isPresent() ? rule.get().fault().answer(call, upstream) : upstream.forward(body);
            answer.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            exchange.getResponseBody().write(answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect", "transfer-encoding");

    private Answer forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        var response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        var headers = new HashMap<String, String>();
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                headers.put(name, values.getFirst());
            }
        });
        return new Answer(response.statusCode(), headers, response.body());
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
