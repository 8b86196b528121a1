package dev.authkeeper.benchmark;

import java.io.IOException;

import dev.authkeeper.local.LocalDynamoDb;

/**
 * DynamoDB Local in a JVM of its own, so that the benchmark's JVM holds only the sweep. Argument:
 * the loopback port. It serves until its standard input closes, which happens when the JVM that
 * started it ends, however it ends.
 */
public final class DynamoDbLocalMain {

    private DynamoDbLocalMain() {
    }

    public static void main(String[] args) throws IOException {
        try (var dynamo = LocalDynamoDb.start(Integer.parseInt(args[0]))) {
            ChildProcess.serveUntilStdinCloses("DynamoDB Local on " + dynamo.endpoint());
        }
    }
}
