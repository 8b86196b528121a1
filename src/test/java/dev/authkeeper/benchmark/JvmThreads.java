package dev.authkeeper.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's own threads by kind, read from Linux's {@code /proc/self/task}: the JIT
 * compiler's threads, whose work a warm Lambda environment has done long ago, are told apart from
 * the rest. A compiler thread that ends during a run takes its time with it; that only makes the
 * JIT's share look smaller.
 */
final class JvmThreads {

    /** Clock ticks per second of {@code /proc}'s times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;

    private JvmThreads() {
    }

    /** CPU time of the JIT compiler's threads so far, in milliseconds; 0 where {@code /proc} is missing. */
    static double compilerMs() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(JvmThreads::isCompiler).mapToLong(JvmThreads::ticks).sum() * 1000 / TICKS_PER_SECOND;
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean isCompiler(Path task) {
        try {
            return Files.readString(task.resolve("comm")).contains("CompilerThre");
        } catch (IOException e) {
            return false; // the thread ended meanwhile
        }
    }

    /** utime + stime, fields 14 and 15 of {@code stat}, counted after the command name in parentheses. */
    private static long ticks(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
