package dev.authkeeper.local;

import static dev.authkeeper.local.simulator.Html.escape;

import java.io.IOException;
import java.net.URI;

import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.http.ApiGatewayResponse;

/**
 * A stand-in for the integrator's own website in the local run: a start page, a sign-in page
 * ({@link LocalSignIn}), a page listing the signed-in merchant's connections
 * ({@link LocalConnectionsPage}), and the alerts and events delivered ({@link LocalDeliveries}).
 */
public final class LocalSite {

    private final LocalSignIn signIn;
    private final LocalConnectionsPage connections;
    private final LocalDeliveries deliveries;
    private final URI sellerCentral;

    LocalSite(LocalSignIn signIn, LocalConnectionsPage connections, LocalDeliveries deliveries, URI sellerCentral) {
        this.signIn = signIn;
        this.connections = connections;
        this.deliveries = deliveries;
        this.sellerCentral = sellerCentral;
    }

    ApiGatewayResponse handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        return switch (path) {
            case "/" -> home();
            case "/local/sign-in" -> "POST".equals(exchange.getRequestMethod()) ? signIn.signIn(exchange) : signIn.form(exchange);
            case "/local/connections" -> connections.show(exchange);
            case "/local/check" -> "POST".equals(exchange.getRequestMethod()) ? connections.checkNow(exchange) : connections.show(exchange);
            case "/local/alerts" -> deliveries.alerts();
            case "/local/events" -> deliveries.events();
            default -> SitePage.of(404, "Not found", "<p>Nothing here. <a href=\"/\">Start page</a></p>");
        };
    }

    private ApiGatewayResponse home() {
        return SitePage.of(200, "AuthKeeper local run", """
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
}
