package dev.authkeeper.benchmark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.local.ebay.SimulatedEbay;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.local.simulator.Simulator;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;
import dev.authkeeper.testing.LocalAwsResource;

/**
 * The five simulated marketplaces in a JVM of their own, so that their HTTP servers' CPU is not
 * counted as the sweep's, each with the apps of the tests ({@link LocalAwsResource}). Arguments:
 * the ports of Amazon, Shopify, Etsy, eBay and TikTok Shop, then a control port, all on loopback.
 * The control port is what the benchmark would otherwise call in-process:
 * {@code POST /issue?marketplace=M} (account ids, one a line; answers their refresh tokens, one a
 * line), {@code POST /latency?ms=N} (every token call of every marketplace),
 * {@code GET /token-calls?marketplace=M} and {@code GET /probe-calls} (Shopify's Admin API shop
 * queries). It serves until its standard input closes.
 */
public final class SimulatedMarketplacesMain {

    /** The period a seeded TikTok Shop seller authorized the app for. */
    static final Duration TIKTOK_PERIOD = Duration.ofDays(365);

    private SimulatedMarketplacesMain() {
    }

    public static void main(String[] args) throws IOException {
        URI site = URI.create("http://127.0.0.1");
        int controlPort = Integer.parseInt(args[5]);
        try (var amazon = SimulatedAmazon.start(SimulatedMarketplaces.amazonSettings().withPort(Integer.parseInt(args[0])));
                var shopify = SimulatedShopify.start(LocalAwsResource.shopifySettings(site).withPort(Integer.parseInt(args[1])));
                var etsy = SimulatedEtsy.start(new SimulatedEtsy.Settings(Integer.parseInt(args[2]), LocalAwsResource.etsySettings(site).apps()));
                var ebay = SimulatedEbay.start(new SimulatedEbay.Settings(Integer.parseInt(args[3]), LocalAwsResource.ebaySettings(site).apps()));
                var tiktok = SimulatedTikTokShop.start(new SimulatedTikTokShop.Settings(Integer.parseInt(args[4]),
                        LocalAwsResource.tiktokSettings(site).apps()))) {
            var simulators = new LinkedHashMap<String, Simulator>();
            simulators.put("amazon", amazon);
            simulators.put("shopify", shopify);
            simulators.put("etsy", etsy);
            simulators.put("ebay", ebay);
            simulators.put("tiktok", tiktok);
            Map<String, Function<String, String>> issuers = Map.of(
                    "amazon", amazon::issueRefreshToken,
                    "shopify", shop -> shopify.issueExpiringPair(LocalAwsResource.SHOPIFY_APP, shop).refreshToken(),
                    "etsy", user -> etsy.issuePair(LocalAwsResource.ETSY_APP, user).refreshToken(),
                    "ebay", user -> ebay.issueRefreshToken(LocalAwsResource.EBAY_APP, user),
                    "tiktok", seller -> tiktok.issuePair(LocalAwsResource.TIKTOK_APP, seller, TIKTOK_PERIOD).refreshToken());
            var control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), controlPort), 64);
            control.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            control.createContext("/issue", ex -> answer(ex, issue(issuers.get(parameter(ex, "marketplace")), body(ex))));
            control.createContext("/latency", ex -> {
                var latency = Duration.ofMillis(Long.parseLong(parameter(ex, "ms")));
                simulators.values().forEach(simulator -> simulator.latency(latency));
                answer(ex, "ok");
            });
            control.createContext("/token-calls", ex -> answer(ex, Integer.toString(simulators.get(parameter(ex, "marketplace")).tokenCalls())));
            control.createContext("/probe-calls", ex -> answer(ex, Integer.toString(shopify.graphqlCalls())));
            control.start();
            try {
                ChildProcess.serveUntilStdinCloses("simulated marketplaces " + simulators.keySet() + ", control on port " + controlPort);
            } finally {
                control.stop(0);
            }
        }
    }

    private static String issue(Function<String, String> issuer, String accounts) {
        var tokens = new StringBuilder();
        accounts.lines().filter(line -> !line.isBlank()).forEach(account -> tokens.append(issuer.apply(account)).append('\n'));
        return tokens.toString();
    }

    private static String parameter(HttpExchange ex, String name) {
        String query = ex.getRequestURI().getQuery();
        String prefix = name + "=";
        if (query == null || !query.startsWith(prefix)) {
            throw new IllegalArgumentException("the control call needs ?" + prefix);
        }
        return query.substring(prefix.length());
    }

    private static String body(HttpExchange ex) throws IOException {
        try (var in = ex.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void answer(HttpExchange ex, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Where a simulator listens, for its clients. */
    static URI baseUri(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }
}
