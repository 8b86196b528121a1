package dev.authkeeper.local;

import static dev.authkeeper.local.simulator.Html.escape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.authkeeper.http.ApiGatewayResponse;

/** The local site's pages of what was delivered: the alerts SNS published and the events the bus carried. */
final class LocalDeliveries {

    private final Optional<LocalInbox> inbox;
    private final Optional<LocalEvents> events;

    LocalDeliveries(Optional<LocalInbox> inbox, Optional<LocalEvents> events) {
        this.inbox = inbox;
        this.events = events;
    }

    ApiGatewayResponse alerts() {
        if (inbox.isEmpty()) {
            return SitePage.of(200, "Alerts", "<p>Alerts are read from SNS only when the local run starts MiniStack itself.</p>");
        }
        String items = inbox.get().all().stream().map(d -> """
                <article><h3>[%s] %s</h3><pre>%s</pre><p><small>attributes: %s</small></p></article>
                """.formatted(escape(d.topic()), escape(d.subject()), escape(d.body()), escape(d.attributes())))
                .collect(Collectors.joining());
        return SitePage.of(200, "Alerts published to SNS", items.isEmpty() ? "<p>None yet.</p>" : items);
    }

    ApiGatewayResponse events() {
        if (events.isEmpty()) {
            return SitePage.of(200, "Events", "<p>Events are read from the bus only when the local run starts MiniStack itself.</p>");
        }
        var all = new ArrayList<>(events.get().all());
        Collections.reverse(all);
        String items = all.stream().map(e -> """
                <article><h3>%s</h3><pre>%s</pre></article>
                """.formatted(escape(e.detailType()), escape(e.detail().toPrettyString())))
                .collect(Collectors.joining());
        return SitePage.of(200, "Events published to the bus", items.isEmpty() ? "<p>None yet.</p>" : items);
    }
}
