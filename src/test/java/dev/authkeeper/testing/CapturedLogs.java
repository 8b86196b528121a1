package dev.authkeeper.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/** Everything the application logs while open, formatted as it would reach CloudWatch. */
public final class CapturedLogs extends Handler implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private CapturedLogs() {
        setLevel(Level.ALL);
    }

    public static CapturedLogs capture() {
        var logs = new CapturedLogs();
        Logger.getLogger("").addHandler(logs);
        return logs;
    }

    @Override
    public void publish(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        var line = new StringBuilder(record.getLoggerName()).append(' ').append(message);
        if (record.getThrown() != null) {
            var trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        lines.add(line.toString());
        if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
            errors.add(line.toString());
        }
    }

    /** The lines logged at ERROR (or above). */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    public String text() {
        return String.join("\n", lines);
    }

    /** The first secret that appears in a log line, if any. */
    public java.util.Optional<String> leaked(java.util.Collection<String> secrets) {
        String all = text();
        return secrets.stream().filter(s -> s != null && s.length() >= 6 && all.contains(s)).findFirst();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
