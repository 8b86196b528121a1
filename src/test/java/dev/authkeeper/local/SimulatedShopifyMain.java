package dev.authkeeper.local;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.local.simulator.Http;

/**
 * Runs {@link SimulatedShopify} on its own, for {@code infra/local-deploy}: the shops' admin, OAuth
 * consent, token endpoint and webhooks for AuthKeeper deployed into MiniStack, with one app. Started
 * like {@link SimulatedAmazonMain}, it serves until it is terminated.
 *
 * <pre>
 * --port PORT --control-port PORT --name shopify --client-id ID --scopes a,b --app-url URI --redirect-uri URI --webhook-url URI
 * </pre>
 *
 * The client secret comes from the environment ({@code SIMULATED_SHOPIFY_CLIENT_SECRET}). What a
 * test asks of the simulator beyond a merchant's clicks is served on the control port, as JSON:
 * {@code GET /token-calls?grant=G}, {@code GET /deliveries}, {@code POST /forged-uninstall?shop=S}
 * and {@code POST /resend?webhook_id=W} (Shopify's retry). One line,
 * {@code SimulatedShopify listening on http://127.0.0.1:PORT}, tells the caller it is ready.
 */
public final class SimulatedShopifyMain {

    static final String CLIENT_SECRET_VARIABLE = "SIMULATED_SHOPIFY_CLIENT_SECRET";

    private SimulatedShopifyMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> options = SimulatedAmazonMain.options(args);
        String clientSecret = System.getenv(CLIENT_SECRET_VARIABLE);
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new IllegalArgumentException(CLIENT_SECRET_VARIABLE + " is not set");
        }
        String name = SimulatedAmazonMain.required(options, "name");
        var app = new SimulatedShopify.App(name, SimulatedAmazonMain.required(options, "client-id"), clientSecret,
                uri(options, "app-url"), uri(options, "redirect-uri"), uri(options, "webhook-url"),
                Arrays.asList(SimulatedAmazonMain.required(options, "scopes").split(",")));
        var shopify = SimulatedShopify.start(new SimulatedShopify.Settings(Integer.parseInt(options.getOrDefault("port", "0")), List.of(app)));
        ControlPort.serveUntilTerminated(Integer.parseInt(SimulatedAmazonMain.required(options, "control-port")),
                ex -> control(shopify, name, ex), "SimulatedShopify listening on " + shopify.baseUri(), shopify);
    }

    /** The answer to one control request, null for an unknown route. Deliveries carry no signature. */
    private static Object control(SimulatedShopify shopify, String app, HttpExchange ex) {
        Map<String, String> q = Http.query(ex);
        return switch (ex.getRequestMethod() + " " + ex.getRequestURI().getPath()) {
            case "GET /token-calls" -> Map.of("calls", shopify.tokenCalls(SimulatedAmazonMain.required(q, "grant")));
            case "GET /deliveries" -> shopify.deliveries();
            case "POST /forged-uninstall" -> shopify.forgedUninstall(app, SimulatedAmazonMain.required(q, "shop"));
            case "POST /resend" -> shopify.resend(SimulatedAmazonMain.required(q, "webhook_id"));
            default -> null;
        };
    }

    private static URI uri(Map<String, String> options, String name) {
        return URI.create(SimulatedAmazonMain.required(options, name));
    }
}
