package dev.authkeeper.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process beside the benchmark's JVM: an emulator whose CPU must not count as the sweep's. Its
 * output goes to {@code target/benchmark/NAME.log}; its CPU time (with its descendants') can be read
 * at any time. A child JVM ends when its standard input closes, so none outlives the benchmark.
 */
final class ChildProcess implements AutoCloseable {

    private final String name;
    private final ProcessHandle handle;
    /** Empty for a process started elsewhere: it is closed by whoever started it. */
    private final Optional<Process> process;

    private ChildProcess(String name, ProcessHandle handle, Optional<Process> process) {
        this.name = name;
        this.handle = handle;
        this.process = process;
    }

    /** A JVM on this JVM's class path, running {@code main} with {@code jvmOptions} and {@code args}. */
    static ChildProcess java(String name, Class<?> main, List<String> jvmOptions, String... args) {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return start(name, new ProcessBuilder(command));
    }

    /** A process this JVM did not start itself but owns (MiniStack, started by {@code LocalMiniStack}). */
    static ChildProcess adopt(String name, ProcessHandle handle) {
        return new ChildProcess(name, handle, Optional.empty());
    }

    private static ChildProcess start(String name, ProcessBuilder builder) {
        try {
            Path log = Path.of("target", "benchmark", name + ".log");
            Files.createDirectories(log.getParent());
            Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ChildProcess(name, process.toHandle(), Optional.of(process));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    boolean alive() {
        return handle.isAlive();
    }

    /** User and system CPU time so far, descendants included. */
    Duration cpu() {
        Duration own = handle.info().totalCpuDuration().orElse(Duration.ZERO);
        return handle.descendants().map(child -> child.info().totalCpuDuration().orElse(Duration.ZERO)).reduce(own, Duration::plus);
    }

    @Override
    public void close() {
        process.ifPresent(ChildProcess::end);
    }

    private static void end(Process process) {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** A short wait between two looks at a child that is starting. */
    static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The child's side: says it is ready, then blocks until the parent's end of its standard input closes. */
    static void serveUntilStdinCloses(String what) throws IOException {
        System.out.println("serving " + what);
        System.out.flush();
        while (System.in.read() >= 0) {
            // nothing is sent; end of input is the signal
        }
    }
}
