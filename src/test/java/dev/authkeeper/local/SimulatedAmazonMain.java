package dev.authkeeper.local;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link SimulatedAmazon} on its own, for {@code infra/local-deploy}: Seller Central and the
 * LWA token endpoint for AuthKeeper deployed into MiniStack. Started with {@code java -cp
 * target/test-classes:target/classes:<test classpath>} (the simulator needs only the JDK and
 * Jackson), it serves until it is terminated.
 *
 * <pre>
 * --port 0|PORT --client-id ID --application-id amzn1.sp.solution.… --login-uri URI --redirect-uri URI
 * </pre>
 *
 * The client secret comes from the environment ({@code SIMULATED_AMAZON_CLIENT_SECRET}), never
 * from the command line, where other users of the machine could read it. One line,
 * {@code SimulatedAmazon listening on http://127.0.0.1:PORT}, tells the caller it is ready.
 */
public final class SimulatedAmazonMain {

    static final String CLIENT_SECRET_VARIABLE = "SIMULATED_AMAZON_CLIENT_SECRET";

    private SimulatedAmazonMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = options(args);
        String clientSecret = System.getenv(CLIENT_SECRET_VARIABLE);
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new IllegalArgumentException(CLIENT_SECRET_VARIABLE + " is not set");
        }
        var settings = new SimulatedAmazon.Settings(Integer.parseInt(options.getOrDefault("port", "0")), List.of(
                new SimulatedAmazon.App("default", required(options, "application-id"), required(options, "client-id"), clientSecret,
                        URI.create(required(options, "login-uri")), URI.create(required(options, "redirect-uri")), true)));
        var amazon = SimulatedAmazon.start(settings);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            amazon.close();
            stopped.countDown();
        }, "simulated-amazon-stop"));
        System.out.println("SimulatedAmazon listening on " + amazon.baseUri());
        System.out.flush();
        stopped.await();
    }

    static Map<String, String> options(String[] args) {
        var options = new HashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
