package dev.authkeeper.local;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.local.ebay.SimulatedEbay;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;

/**
 * Runs {@link SimulatedEtsy}, {@link SimulatedEbay} and {@link SimulatedTikTokShop} in one JVM, for
 * {@code infra/local-deploy}: each on its own port with one app, for AuthKeeper deployed into
 * MiniStack. One JVM, not three, because the deployment runs beside the test suites on two cores.
 * It serves until it is terminated.
 *
 * <pre>
 * --control-port PORT
 * --etsy-port PORT --etsy-name etsy --etsy-keystring K --etsy-redirect-uri URI
 * --ebay-port PORT --ebay-name ebay --ebay-client-id ID --ebay-runame R --ebay-accepted-url URI --ebay-scopes a,b --ebay-notification-url URI
 * --tiktok-port PORT --tiktok-name tiktok --tiktok-service-id S --tiktok-app-key K --tiktok-redirect-uri URI --tiktok-webhook-url URI
 * </pre>
 *
 * The secrets come from the environment ({@code SIMULATED_ETSY_SHARED_SECRET},
 * {@code SIMULATED_EBAY_CLIENT_SECRET}, {@code SIMULATED_EBAY_VERIFICATION_TOKEN},
 * {@code SIMULATED_TIKTOK_APP_SECRET}). What a script asks beyond a merchant's clicks is served on
 * the control port as JSON: {@code GET /token-calls?marketplace=M&grant=G},
 * {@code POST /ebay/validate}, {@code POST /ebay/revoke?user=U&reason=R},
 * {@code POST /ebay/forged-revocation?user=U}, {@code POST /ebay/resend?id=N} (eBay's retry),
 * {@code POST /tiktok/deauthorize?seller=S},
 * {@code POST /tiktok/forged-deauthorization?seller=S}, {@code POST /tiktok/resend?id=N} (TikTok's retry).
 * One line, {@code SimulatedEtsyEbayTikTok listening}, tells the caller all three are ready.
 */
public final class SimulatedEtsyEbayTikTokMain {

    private SimulatedEtsyEbayTikTokMain() {
    }

    private record Simulators(SimulatedEtsy etsy, SimulatedEbay ebay, SimulatedTikTokShop tiktok, String ebayApp, String tiktokApp) {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> o = SimulatedAmazonMain.options(args);
        var etsy = SimulatedEtsy.start(new SimulatedEtsy.Settings(port(o, "etsy-port"), List.of(new SimulatedEtsy.App(
                required(o, "etsy-name"), required(o, "etsy-keystring"), environment("SIMULATED_ETSY_SHARED_SECRET"),
                uri(o, "etsy-redirect-uri")))));
        var ebay = SimulatedEbay.start(new SimulatedEbay.Settings(port(o, "ebay-port"), List.of(new SimulatedEbay.App(
                required(o, "ebay-name"), required(o, "ebay-client-id"), environment("SIMULATED_EBAY_CLIENT_SECRET"),
                required(o, "ebay-runame"), uri(o, "ebay-accepted-url"), Arrays.asList(required(o, "ebay-scopes").split(",")),
                uri(o, "ebay-notification-url"), environment("SIMULATED_EBAY_VERIFICATION_TOKEN")))));
        var tiktok = SimulatedTikTokShop.start(new SimulatedTikTokShop.Settings(port(o, "tiktok-port"), List.of(new SimulatedTikTokShop.App(
                required(o, "tiktok-name"), required(o, "tiktok-service-id"), required(o, "tiktok-app-key"),
                environment("SIMULATED_TIKTOK_APP_SECRET"), uri(o, "tiktok-redirect-uri"), uri(o, "tiktok-webhook-url")))));
        var simulators = new Simulators(etsy, ebay, tiktok, required(o, "ebay-name"), required(o, "tiktok-name"));

        ControlPort.serveUntilTerminated(port(o, "control-port"), ex -> control(simulators, ex), "SimulatedEtsyEbayTikTok listening: Etsy "
                + etsy.baseUri() + ", eBay " + ebay.baseUri() + ", TikTok Shop " + tiktok.baseUri(), etsy, ebay, tiktok);
    }

    /** The answer to one control request, null for an unknown route. */
    private static Object control(Simulators s, HttpExchange ex) {
        Map<String, String> q = Http.query(ex);
        return switch (ex.getRequestMethod() + " " + ex.getRequestURI().getPath()) {
            case "GET /token-calls" -> {
                String grant = required(q, "grant");
                yield Map.of("calls", switch (required(q, "marketplace")) {
                    case "etsy" -> s.etsy().tokenCalls(grant);
                    case "ebay" -> s.ebay().tokenCalls(grant);
                    case "tiktok" -> s.tiktok().tokenCalls(grant);
                    default -> throw new IllegalArgumentException("marketplace is etsy, ebay or tiktok");
                });
            }
            case "POST /ebay/validate" -> Map.of("valid", s.ebay().validateEndpoint(s.ebayApp()));
            case "POST /ebay/revoke" -> s.ebay().revokeAuthorization(s.ebayApp(), required(q, "user"), required(q, "reason"));
            case "POST /ebay/forged-revocation" -> s.ebay().forgedRevocation(s.ebayApp(), required(q, "user"));
            case "POST /ebay/resend" -> s.ebay().resend(s.ebayApp(), required(q, "id"));
            case "POST /tiktok/deauthorize" -> s.tiktok().deauthorize(s.tiktokApp(), required(q, "seller"));
            case "POST /tiktok/forged-deauthorization" -> s.tiktok().forgedDeauthorization(s.tiktokApp(), required(q, "seller"));
            case "POST /tiktok/resend" -> s.tiktok().resend(required(q, "id"));
            default -> null;
        };
    }

    private static String required(Map<String, String> options, String name) {
        return SimulatedAmazonMain.required(options, name);
    }

    private static int port(Map<String, String> options, String name) {
        return Integer.parseInt(options.getOrDefault(name, "0"));
    }

    private static URI uri(Map<String, String> options, String name) {
        return URI.create(required(options, name));
    }

    private static String environment(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(variable + " is not set");
        }
        return value;
    }
}
