package dev.authkeeper.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.sweep.SweepSummary;
import dev.authkeeper.sweep.SweepUnit;
import dev.authkeeper.sweep.SweepWorker;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local stand-in for Lambda's SQS event source mapping: takes the planner's messages from the
 * sweep queue and runs a worker for each, {@code parallel} at a time, until the queue is empty.
 */
public final class LocalSweepWorkers {

    private final SqsClient sqs;
    private final String queueUrl;
    private final SweepWorker worker;
    private final ObjectMapper json;
    private final ClassLoader application = Thread.currentThread().getContextClassLoader();

    public LocalSweepWorkers(SqsClient sqs, String queueUrl, SweepWorker worker, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.worker = worker;
        this.json = json;
    }

    /** Runs every message waiting; the summaries of the workers, in the order they finished. */
    public List<SweepSummary> drain(int parallel) {
        var summaries = new ArrayList<SweepSummary>();
        try (var pool = Executors.newFixedThreadPool(parallel, task -> Thread.ofPlatform().unstarted(() -> {
            Thread.currentThread().setContextClassLoader(application);
            task.run();
        }))) {
            while (true) {
                var messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
                if (messages.isEmpty()) {
                    return summaries;
                }
                var running = new ArrayList<Future<SweepSummary>>();
                for (var message : messages) {
                    running.add(pool.submit(() -> {
                        var summary = worker.work(unit(message.body()));
                        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                        return summary;
                    }));
                }
                for (var future : running) {
                    summaries.add(result(future));
                }
            }
        }
    }

    private SweepUnit unit(String body) {
        try {
            return json.readValue(body, SweepUnit.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a sweep unit", e);
        }
    }

    private static SweepSummary result(Future<SweepSummary> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a local sweep worker failed", e.getCause());
        }
    }
}
