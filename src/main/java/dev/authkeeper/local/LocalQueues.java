package dev.authkeeper.local;

import java.util.function.Predicate;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Reading a local queue the way the local run's readers do. */
final class LocalQueues {

    private LocalQueues() {
    }

    /**
     * Receives what waits on {@code queueUrl}, ten at a time, and deletes each message {@code handle}
     * accepts; stops when the queue is empty or a batch had nothing it accepted (the refused ones
     * come back after their visibility timeout). Returns how many were accepted.
     */
    static int drain(SqsClient sqs, String queueUrl, Predicate<Message> handle) {
        int handled = 0;
        while (true) {
            var messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            int before = handled;
            for (var message : messages) {
                if (handle.test(message)) {
                    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    handled++;
                }
            }
            if (handled == before) {
                return handled;
            }
        }
    }
}
