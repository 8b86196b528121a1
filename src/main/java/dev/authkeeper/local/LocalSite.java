package dev.authkeeper.local;

import static dev.authkeeper.local.simulator.Html.escape;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.connection.Connection;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.table.ConnectionId;

/**
 * A stand-in for the integrator's own website in the local run: a sign-in page that sets the
 * signed session cookie (checking the signed return address first, as a real sign-in page must),
 * a page listing the signed-in merchant's connections with reconnect links and a check button,
 * and the alerts SNS delivered.
 */
public final class LocalSite {

    private final MerchantSessions sessions;
    private final ReauthorizeLinks links;
    private final ConnectionRepository connections;
    private final SweepWorker sweep;
    private final Optional<LocalInbox> inbox;
    private final Optional<LocalEvents> events;
    private final URI publicBaseUrl;
    private final URI sellerCentral;
    private final Clock clock;

    public LocalSite(MerchantSessions sessions, ReauthorizeLinks links, ConnectionRepository connections, SweepWorker sweep,
            Optional<LocalInbox> inbox, Optional<LocalEvents> events, URI publicBaseUrl, URI sellerCentral, Clock clock) {
        this.sessions = sessions;
        this.links = links;
        this.connections = connections;
        this.sweep = sweep;
        this.inbox = inbox;
        this.events = events;
        this.publicBaseUrl = publicBaseUrl;
        this.sellerCentral = sellerCentral;
        this.clock = clock;
    }

    ApiGatewayResponse handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        return switch (path) {
            case "/" -> home();
            case "/local/sign-in" -> "POST".equals(exchange.getRequestMethod()) ? signIn(exchange) : signInForm(exchange);
            case "/local/connections" -> connectionsPage(exchange);
            case "/local/check" -> "POST".equals(exchange.getRequestMethod()) ? checkNow(exchange) : connectionsPage(exchange);
            case "/local/alerts" -> alertsPage();
            case "/local/events" -> eventsPage();
            default -> page(404, "Not found", "<p>Nothing here. <a href=\"/\">Start page</a></p>");
        };
    }

    private ApiGatewayResponse home() {
        return page(200, "AuthKeeper local run", """
                <ol>
                  <li>Open the <a href="%1$s/">simulated Seller Central</a> and choose <b>Authorize AuthKeeper</b>.
                      That calls AuthKeeper's Login URI, which sends you to sign in here first.</li>
                  <li>Approve on Amazon's (simulated) confirm page: the callback stores the connection.</li>
                  <li>See it under <a href="/local/connections">your connections</a>, with a reconnect link, and on
                      AuthKeeper's <a href="/connections">status page</a>, which your product links to or frames.</li>
                  <li>Revoke it in simulated Seller Central, then choose <b>Check now</b> (or wait for the scheduled
                      sweep): the connection needs reauthorization and the alert published to SNS shows under
                      <a href="/local/alerts">alerts</a>, with its reconnect link.</li>
                  <li>Two apps run side by side: <b>default</b> (published, <code>/login</code>, <code>/callback</code>)
                      and <b>draft</b> (<code>version=beta</code>, <code>/login/draft</code>, <code>/callback/draft</code>).
                      Authorize either; the connections page shows which app each connection belongs to.</li>
                  <li>Choose <b>Rotate client secret</b> for an app in simulated Seller Central: Amazon's notification
                      reaches the local queue, the new secret is stored in (local) Secrets Manager, and the next
                      check and callback use it; the operator message shows under <a href="/local/alerts">alerts</a>.</li>
                </ol>
                <p>Sign in directly: <a href="/local/sign-in">sign-in page</a>.</p>
                """.formatted(escape(sellerCentral.toString())));
    }

    private ApiGatewayResponse signInForm(HttpExchange exchange) {
        var query = Http.parameters(Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
        String returnTo = query.getOrDefault("return_to", "");
        String signature = query.getOrDefault("return_sig", "");
        return page(200, "Sign in to your integrator account", """
                <p>This stands in for the integrator's own sign-in page.</p>
                <form method="post" action="/local/sign-in">
                  <label>Merchant id <input name="merchant" value="merchant-1" pattern="[A-Za-z0-9._:@-]{1,128}" required></label>
                  <input type="hidden" name="return_to" value="%s">
                  <input type="hidden" name="return_sig" value="%s">
                  <button>Sign in</button>
                </form>
                """.formatted(escape(returnTo), escape(signature)));
    }

    private ApiGatewayResponse signIn(HttpExchange exchange) throws IOException {
        var form = Http.parameters(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String merchant = form.getOrDefault("merchant", "");
        if (!MerchantSessions.MERCHANT_ID.matcher(merchant).matches()) {
            return page(400, "Sign-in failed", "<p>A merchant id is letters, digits and . _ : @ - only.</p>");
        }
        String returnTo = form.getOrDefault("return_to", "");
        String next = "/local/connections";
        if (!returnTo.isEmpty()) {
            // What every integrator's sign-in page must do: follow only a return address AuthKeeper signed.
            if (!returnTo.startsWith(publicBaseUrl + "/") || !sessions.isSignedReturn(returnTo, form.get("return_sig"))) {
                return page(400, "Sign-in failed", "<p>The return address is not signed by AuthKeeper.</p>");
            }
            next = returnTo;
        }
        String token = sessions.sessionToken(merchant, clock.instant().plus(Duration.ofHours(8)));
        return new ApiGatewayResponse(303, Map.of("Location", next, "Cache-Control", "no-store"),
                List.of(sessions.cookieName() + "=" + token + "; Path=/; HttpOnly; SameSite=Lax"), "");
    }

    private ApiGatewayResponse connectionsPage(HttpExchange exchange) {
        var event = LocalGateway.event(exchange);
        var merchant = sessions.signedInMerchant(event.cookieList(), clock.instant());
        if (merchant.isEmpty()) {
            return page(200, "Your connections", "<p>Not signed in. <a href=\"/local/sign-in\">Sign in</a></p>");
        }
        List<Connection> list = connections.ofMerchant(merchant.get());
        String rows = list.stream().map(c -> """
                <tr><td>%s</td><td>%s</td><td><b>%s</b></td><td>%s</td><td>%s</td><td><a href="%s">Reconnect</a></td>
                <td><form method="post" action="/local/check"><input type="hidden" name="connection" value="%s"><button>Check now</button></form></td></tr>
                """.formatted(escape(c.id().value()), escape(connections.appOf(c.id()).orElse("default")), c.status(), c.authorizedAt(),
                c.authorizationExpiresAt(),
                escape(links.mint(c.merchantId(), c.origin(), Optional.of(c.id().value())).toString()), escape(c.id().value())))
                .collect(Collectors.joining());
        String connect = links.mint(merchant.get(), sellerCentral, Optional.empty()).toString();
        return page(200, "Connections of " + merchant.get(), """
                <table><tr><th>Connection</th><th>App</th><th>Status</th><th>Authorized</th><th>Authorization expires</th><th></th></tr>
                %s</table>
                <p>%d connection(s). <a href="%s">Connect another Amazon account</a> (website-initiated flow).</p>
                """.formatted(rows, list.size(), escape(connect)));
    }

    private ApiGatewayResponse checkNow(HttpExchange exchange) throws IOException {
        var form = Http.parameters(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        var summary = sweep.checkNow(ConnectionId.parse(form.getOrDefault("connection", "")));
        return new ApiGatewayResponse(303, Map.of("Location", "/local/connections?checked=" + summary.checked(),
                "Cache-Control", "no-store"), List.of(), "");
    }

    private ApiGatewayResponse alertsPage() {
        if (inbox.isEmpty()) {
            return page(200, "Alerts", "<p>Alerts are read from SNS only when the local run starts MiniStack itself.</p>");
        }
        String items = inbox.get().all().stream().map(d -> """
                <article><h3>[%s] %s</h3><pre>%s</pre><p><small>attributes: %s</small></p></article>
                """.formatted(escape(d.topic()), escape(d.subject()), escape(d.body()), escape(d.attributes())))
                .collect(Collectors.joining());
        return page(200, "Alerts published to SNS", items.isEmpty() ? "<p>None yet.</p>" : items);
    }

    private ApiGatewayResponse eventsPage() {
        if (events.isEmpty()) {
            return page(200, "Events", "<p>Events are read from the bus only when the local run starts MiniStack itself.</p>");
        }
        var all = new java.util.ArrayList<>(events.get().all());
        java.util.Collections.reverse(all);
        String items = all.stream().map(e -> """
                <article><h3>%s</h3><pre>%s</pre></article>
                """.formatted(escape(e.detailType()), escape(e.detail().toPrettyString())))
                .collect(Collectors.joining());
        return page(200, "Events published to the bus", items.isEmpty() ? "<p>None yet.</p>" : items);
    }

    private static ApiGatewayResponse page(int status, String title, String body) {
        String html = """
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%1$s</title>
                <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
                td,th{padding:.3rem .8rem;text-align:left;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;overflow-wrap:anywhere}</style></head>
                <body><p style="color:#a15c00">AuthKeeper local run: a stand-in for the integrator's site</p>
                <h1>%1$s</h1>%2$s</body></html>
                """.formatted(escape(title), body);
        return new ApiGatewayResponse(status, Map.of("Content-Type", "text/html; charset=utf-8", "Cache-Control", "no-store"),
                List.of(), html);
    }
}
