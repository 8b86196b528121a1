package dev.authkeeper.local;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/** Whether a local listener can be reached from outside this machine, through an address of its own that is not loopback. */
final class Listeners {

    private Listeners() {
    }

    static boolean acceptsOnNonLoopback(int port) {
        InetAddress outside = nonLoopbackAddress().orElse(null);
        Assumptions.assumeTrue(outside != null, "this machine has no address besides loopback");
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(outside, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(n -> {
                        try {
                            return n.isUp() && !n.isLoopback();
                        } catch (SocketException e) {
                            return false;
                        }
                    })
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                    .findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }
}
