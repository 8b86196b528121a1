package dev.authkeeper.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * MiniStack, the LocalStack-compatible emulator installed by {@code infra/venv} into the project's
 * {@code .venv}, as a child process on a loopback port: KMS, SNS and SQS for the local run and the
 * tests. Its output goes to {@code target/ministack-PORT.log}.
 */
public final class LocalMiniStack implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;

    private LocalMiniStack(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static LocalMiniStack start(Path command, int port) {
        if (!Files.isExecutable(command)) {
            throw new IllegalStateException(command + " is missing: run infra/venv first (the README's commands do)");
        }
        try {
            Path log = Path.of("target", "ministack-" + port + ".log");
            Files.createDirectories(log.getParent());
            var builder = new ProcessBuilder(command.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("GATEWAY_PORT", Integer.toString(port));
            builder.environment().put("BIND_HOST", "127.0.0.1");
            builder.environment().put("SERVICES", "kms,sns,sqs,secretsmanager,events");
            builder.environment().put("LOG_LEVEL", "WARNING");
            var ministack = new LocalMiniStack(builder.start(), port);
            ministack.awaitReady();
            return ministack;
        } catch (IOException e) {
            throw new IllegalStateException("MiniStack did not start", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private void awaitReady() {
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        var ready = HttpRequest.newBuilder(endpoint().resolve("/_ministack/health")).timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("MiniStack exited with " + process.exitValue() + ": see target/ministack-" + port + ".log");
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause();
        }
        close();
        throw new IllegalStateException("MiniStack was not ready within " + START_TIMEOUT.toSeconds() + " s");
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
