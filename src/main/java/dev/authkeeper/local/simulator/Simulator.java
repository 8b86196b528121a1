package dev.authkeeper.local.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * What every simulated marketplace shares: a loopback HTTP server, its error pages, a clock tests
 * can move, random tokens, and faults injected into the token endpoint. A subclass routes the
 * requests ({@link #handle}) and answers its token calls through {@link #tokenCall}.
 */
public abstract class Simulator implements AutoCloseable {

    // Several hundred clients may connect at once; the default backlog (50) would refuse some.
    private static final int BACKLOG = 1024;

    /** How one of the next token calls misbehaves. */
    public sealed interface Fault {

        /** Answers this status with the marketplace's error body, and Retry-After (whole seconds) when given. */
        record Status(int status, Optional<Duration> retryAfter) implements Fault {
            public Status {
                if (status < 400 || status > 599) {
                    throw new IllegalArgumentException("not an error status: " + status);
                }
                Objects.requireNonNull(retryAfter, "retryAfter");
            }

            public Status(int status) {
                this(status, Optional.empty());
            }
        }

        /** Waits this long and then answers normally, to provoke client timeouts. */
        record Hang(Duration duration) implements Fault {
            public Hang {
                Objects.requireNonNull(duration, "duration");
            }
        }

        /**
         * Answers exactly this instead of looking at the request: a proxy's HTML page, a success
         * without a refresh token, an error code the marketplace has never sent.
         */
        record Answer(int status, String contentType, String body) implements Fault {
            public Answer {
                if (status < 200 || status > 599) {
                    throw new IllegalArgumentException("not a final HTTP status: " + status);
                }
                Objects.requireNonNull(contentType, "contentType");
                Objects.requireNonNull(body, "body");
            }
        }

        /**
         * Answers normally, but sends the body {@code bytes} at a time, one portion per
         * {@code interval}, after the headers: an answer that is never silent and yet never done in time.
         */
        record Trickle(Duration interval, int bytes) implements Fault {
            public Trickle {
                if (!interval.isPositive() || bytes < 1) {
                    throw new IllegalArgumentException("a trickle needs a positive interval and at least one byte");
                }
            }
        }

        /**
         * Does what the request asks (a refresh rotates) but the client never sees the answer: this
         * 5xx status instead, or, when empty, a connection closed before any answer.
         */
        record Lost(OptionalInt status) implements Fault {
            public Lost {
                if (status.isPresent() && (status.getAsInt() < 500 || status.getAsInt() > 599)) {
                    throw new IllegalArgumentException("a lost answer is replaced by a 5xx status: " + status.getAsInt());
                }
            }

            /** The connection is cut. */
            public Lost() {
                this(OptionalInt.empty());
            }

            public Lost(int status) {
                this(OptionalInt.of(status));
            }
        }
    }

    /** The marketplace's own answer to a token call. */
    @FunctionalInterface
    protected interface Answering {
        Reply answer() throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUri;
    private final Html.Brand brand;
    private final SecureRandom random = new SecureRandom();
    private volatile Clock clock = Clock.systemUTC();
    private volatile Duration latency = Duration.ZERO;
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private final Map<String, AtomicInteger> tokenCallsByGrant = new ConcurrentHashMap<>();
    private final AtomicInteger tricklesCut = new AtomicInteger();

    /** Binds the port (0 for a free one); the subclass calls {@link #listen} once it is ready for requests. */
    protected Simulator(int port, Html.Brand brand) {
        this.brand = Objects.requireNonNull(brand, "brand");
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + brand.name() + " on port " + port, e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        baseUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    protected final void listen() {
        server.start();
    }

    public URI baseUri() {
        return baseUri;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow(); // interrupts exchanges still sleeping in a Hang or latency
    }

    /** The clock tokens expire by; a test's clock can move it. */
    public void clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void latency(Duration perTokenCall) {
        latency = Objects.requireNonNull(perTokenCall, "perTokenCall");
    }

    /** The next {@code count} token calls suffer this fault, after any faults already queued. */
    public void failNext(int count, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        for (int i = 0; i < count; i++) {
            faults.add(fault);
        }
    }

    /** Every POST to the token endpoint, including faulted and rejected ones. */
    public int tokenCalls() {
        return tokenCalls.get();
    }

    public int tokenCalls(String grantType) {
        AtomicInteger count = tokenCallsByGrant.get(grantType);
        return count == null ? 0 : count.get();
    }

    /** Trickled answers whose client hung up before they were complete. */
    public int tricklesCut() {
        return tricklesCut.get();
    }

    /** Back to the system clock, no faults, no latency, no calls counted. */
    protected void resetHarness() {
        clock = Clock.systemUTC();
        latency = Duration.ZERO;
        faults.clear();
        tokenCalls.set(0);
        tokenCallsByGrant.clear();
        tricklesCut.set(0);
    }

    protected final Clock clock() {
        return clock;
    }

    /** {@code bytes} random bytes, URL-safe base64. */
    protected final String randomToken(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }

    protected final byte[] randomBytes(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return b;
    }

    protected final void page(HttpExchange ex, int status, String title, String body) throws IOException {
        Html.page(ex, brand, status, title, body);
    }

    /** Routes one request; throw {@link Rejected} for a 400 page. */
    protected abstract void handle(HttpExchange ex) throws IOException, InterruptedException;

    private void dispatch(HttpExchange ex) throws IOException {
        try {
            handle(ex);
        } catch (Rejected e) {
            page(ex, 400, "Request refused", "<p>" + Html.escape(e.getMessage()) + "</p>");
        } catch (IllegalArgumentException e) { // malformed percent-encoding
            page(ex, 400, "Request refused", "<p>The request is malformed.</p>");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the simulator is closing
        } finally {
            ex.close();
        }
    }

    /**
     * Answers one token call: counts it (by {@code grantType} too when known), then suffers the next
     * queued fault or answers {@code answer}. {@code injected} is the marketplace's error body for a status.
     */
    protected final void tokenCall(HttpExchange ex, String grantType, IntFunction<Reply> injected, Answering answer)
            throws IOException, InterruptedException {
        tokenCalls.incrementAndGet();
        if (grantType != null) {
            tokenCallsByGrant.computeIfAbsent(grantType, g -> new AtomicInteger()).incrementAndGet();
        }
        Fault fault = faults.poll();
        if (fault instanceof Fault.Hang hang) {
            Thread.sleep(hang.duration());
        }
        Thread.sleep(latency);
        switch (fault) {
            case Fault.Status status -> Http.send(ex, injected.apply(status.status())
                    // Whole seconds, rounded up.
                    .withRetryAfter(status.retryAfter().map(d -> Long.toString(d.plusMillis(999).toSeconds()))));
            case Fault.Answer canned -> Http.send(ex, canned.status(), canned.contentType(),
                    canned.body().getBytes(StandardCharsets.UTF_8));
            case Fault.Trickle trickle -> trickle(ex, answer.answer(), trickle.interval(), trickle.bytes());
            case Fault.Lost lost -> {
                answer.answer();
                if (lost.status().isPresent()) {
                    Http.send(ex, injected.apply(lost.status().getAsInt()));
                }
                // Otherwise nothing: closing an exchange that sent no headers drops the connection.
            }
            case Fault.Hang hang -> Http.send(ex, answer.answer());
            case null -> Http.send(ex, answer.answer());
        }
    }

    /** The headers at once, then the body a few bytes per interval, until it is complete or the client hangs up. */
    private void trickle(HttpExchange ex, Reply reply, Duration interval, int bytes) throws IOException, InterruptedException {
        byte[] body = reply.body();
        Http.sendHeaders(ex, reply.status(), reply.contentType(), body.length);
        OutputStream out = ex.getResponseBody();
        try {
            for (int at = 0; at < body.length; at += bytes) {
                Thread.sleep(interval);
                out.write(body, at, Math.min(bytes, body.length - at));
                out.flush();
            }
        } catch (IOException e) {
            tricklesCut.incrementAndGet();
        }
    }
}
