package dev.authkeeper.local;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

import org.eclipse.jetty.server.Server;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local, in this JVM, in memory, on a loopback port. Its command line has no option for
 * the address and its own server listens on every interface, so its request handler is served
 * here by a Jetty server bound to loopback.
 */
public final class LocalDynamoDb implements AutoCloseable {

    private final Server server;
    private final LocalDynamoDBServerHandler handler;
    private final int port;

    private LocalDynamoDb(Server server, LocalDynamoDBServerHandler handler, int port) {
        this.server = server;
        this.handler = handler;
        this.port = port;
    }

    public static LocalDynamoDb start(int port) {
        try {
            // In memory, no database file, no shared database, no delayed table statuses: what -inMemory sets.
            var handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, true, null, false, false), null);
            var server = new Server(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server.setHandler(new DynamoDBProxyServer(port, handler).setUpHandler(handler));
            server.start();
            return new LocalDynamoDb(server, handler, port);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        try {
            server.stop();
            handler.close();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        }
    }
}
