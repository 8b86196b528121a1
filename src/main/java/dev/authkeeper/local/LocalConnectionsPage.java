package dev.authkeeper.local;

import static dev.authkeeper.local.simulator.Html.escape;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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

/** The local site's page of the signed-in merchant's connections, with reconnect links and a check button. */
final class LocalConnectionsPage {

    private final MerchantSessions sessions;
    private final ReauthorizeLinks links;
    private final ConnectionRepository connections;
    private final SweepWorker sweep;
    private final URI sellerCentral;
    private final Clock clock;

    LocalConnectionsPage(MerchantSessions sessions, ReauthorizeLinks links, ConnectionRepository connections, SweepWorker sweep,
            URI sellerCentral, Clock clock) {
        this.sessions = sessions;
        this.links = links;
        this.connections = connections;
        this.sweep = sweep;
        this.sellerCentral = sellerCentral;
        this.clock = clock;
    }

    ApiGatewayResponse show(HttpExchange exchange) {
        var event = LocalGateway.event(exchange);
        var merchant = sessions.signedInMerchant(event.cookieList(), clock.instant());
        if (merchant.isEmpty()) {
            return SitePage.of(200, "Your connections", "<p>Not signed in. <a href=\"/local/sign-in\">Sign in</a></p>");
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
        return SitePage.of(200, "Connections of " + merchant.get(), """
                <table><tr><th>Connection</th><th>App</th><th>Status</th><th>Authorized</th><th>Authorization expires</th><th></th></tr>
                %s</table>
                <p>%d connection(s). <a href="%s">Connect another Amazon account</a> (website-initiated flow).</p>
                """.formatted(rows, list.size(), escape(connect)));
    }

    ApiGatewayResponse checkNow(HttpExchange exchange) throws IOException {
        var form = Http.parameters(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        var summary = sweep.checkNow(ConnectionId.parse(form.getOrDefault("connection", "")));
        return new ApiGatewayResponse(303, Map.of("Location", "/local/connections?checked=" + summary.checked(),
                "Cache-Control", "no-store"), List.of(), "");
    }
}
