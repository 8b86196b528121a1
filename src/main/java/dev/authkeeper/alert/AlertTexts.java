package dev.authkeeper.alert;

import io.quarkus.qute.TemplateData;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionId;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.session.ReauthorizeLinks;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/** Subjects, plain-text bodies (fit for an email subscription) and SNS attributes of alerts. */
@ApplicationScoped
public class AlertTexts {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    public record Message(String subject, String body, Map<String, String> attributes) {
    }

    @TemplateData
    record DigestItem(String account, String region, String link) {
    }

    private final Template needsReauthorization;
    private final Template expiryWarning;
    private final Template reconnected;
    private final Template digest;
    private final Template appCredentialsRejected;
    private final Template lwaOutage;
    private final Template sellerConflict;
    private final Marketplace marketplace;
    private final ReauthorizeLinks links;
    private final AuthKeeperConfig config;
    private final Clock clock;

    public AlertTexts(@Location("alerts/needs-reauthorization.txt") Template needsReauthorization,
            @Location("alerts/expiry-warning.txt") Template expiryWarning,
            @Location("alerts/reconnected.txt") Template reconnected,
            @Location("alerts/digest.txt") Template digest,
            @Location("alerts/app-credentials-rejected.txt") Template appCredentialsRejected,
            @Location("alerts/lwa-outage.txt") Template lwaOutage,
            @Location("alerts/seller-conflict.txt") Template sellerConflict,
            Marketplace marketplace, ReauthorizeLinks links, AuthKeeperConfig config, Clock clock) {
        this.needsReauthorization = needsReauthorization;
        this.expiryWarning = expiryWarning;
        this.reconnected = reconnected;
        this.digest = digest;
        this.appCredentialsRejected = appCredentialsRejected;
        this.lwaOutage = lwaOutage;
        this.sellerConflict = sellerConflict;
        this.marketplace = marketplace;
        this.links = links;
        this.config = config;
        this.clock = clock;
    }

    public Message render(Alert alert) {
        return switch (alert.kind()) {
            case NEEDS_REAUTHORIZATION, REMINDER -> {
                var id = ConnectionId.parse(alert.subject());
                String body = merchantTemplate(needsReauthorization, alert, id)
                        .data("reminder", alert.kind() == AlertKind.REMINDER)
                        .data("reason", reasonText(alert.detail()))
                        .render();
                String subject = (alert.kind() == AlertKind.REMINDER ? "Reminder: reconnect " : "Action needed: reconnect ")
                        + marketplace.displayName() + " account " + id.accountId() + " to " + config.integratorName();
                yield new Message(subject, body, attributes(alert, Optional.of(id)));
            }
            case EXPIRY_WARNING -> {
                var id = ConnectionId.parse(alert.subject());
                int days = Integer.parseInt(alert.detail());
                String body = merchantTemplate(expiryWarning, alert, id)
                        .data("days", days)
                        .data("expiresOn", alert.since().map(DAY::format).orElse(""))
                        .render();
                yield new Message("Renew your " + marketplace.displayName() + " authorization for " + config.integratorName()
                        + " within " + days + (days == 1 ? " day" : " days"), body, attributes(alert, Optional.of(id)));
            }
            case RECONNECTED -> {
                var id = ConnectionId.parse(alert.subject());
                String body = merchantTemplate(reconnected, alert, id).render();
                yield new Message(marketplace.displayName() + " account " + id.accountId() + " is connected to "
                        + config.integratorName() + " again", body, attributes(alert, Optional.of(id)));
            }
            case APP_CREDENTIALS_REJECTED -> new Message(
                    "[" + config.integratorName() + "] LWA refused the app's client credentials",
                    operatorTemplate(appCredentialsRejected, alert), attributes(alert, Optional.empty()));
            case LWA_OUTAGE -> new Message(
                    "[" + config.integratorName() + "] Login with Amazon keeps failing",
                    operatorTemplate(lwaOutage, alert), attributes(alert, Optional.empty()));
            case SELLER_CONFLICT -> {
                var id = ConnectionId.parse(alert.subject());
                String body = sellerConflict.data("integrator", config.integratorName())
                        .data("marketplace", marketplace.displayName())
                        .data("account", id.accountId())
                        .data("region", marketplace.regionName(id.region()))
                        .data("connection", id.value())
                        .data("claimant", alert.merchantId().orElse(""))
                        .data("holder", alert.detail())
                        .data("since", MOMENT.format(alert.createdAt()))
                        .render();
                yield new Message("[" + config.integratorName() + "] " + marketplace.displayName() + " account " + id.accountId()
                        + " claimed by two merchants", body, attributes(alert, Optional.of(id)));
            }
        };
    }

    /** One message for several of a merchant's connections that failed in the same run. */
    public Message renderDigest(String merchantId, List<Alert> alerts) {
        var items = alerts.stream().map(alert -> {
            var id = ConnectionId.parse(alert.subject());
            return new DigestItem(id.accountId(), marketplace.regionName(id.region()), link(alert, id).toString());
        }).toList();
        String body = digest.data("count", alerts.size())
                .data("items", items)
                .data("marketplace", marketplace.displayName())
                .data("integrator", config.integratorName())
                .data("linkExpires", DAY.format(linkExpiry()))
                .render();
        var attributes = new LinkedHashMap<String, String>();
        attributes.put("merchant", merchantId);
        attributes.put("marketplace", marketplace.id());
        attributes.put("kind", "DIGEST");
        attributes.put("severity", AlertKind.NEEDS_REAUTHORIZATION.severity().name());
        return new Message(alerts.size() + " " + marketplace.displayName() + " connections to " + config.integratorName()
                + " need reconnecting", body, attributes);
    }

    private TemplateInstance merchantTemplate(Template template, Alert alert, ConnectionId id) {
        return template.data("integrator", config.integratorName())
                .data("marketplace", marketplace.displayName())
                .data("account", id.accountId())
                .data("region", marketplace.regionName(id.region()))
                .data("connection", id.value())
                .data("since", alert.since().map(MOMENT::format).orElse(""))
                .data("link", link(alert, id).toString())
                .data("linkExpires", DAY.format(linkExpiry()));
    }

    private String operatorTemplate(Template template, Alert alert) {
        return template.data("integrator", config.integratorName())
                .data("detail", alert.detail())
                .data("since", alert.since().map(MOMENT::format).orElse(MOMENT.format(alert.createdAt())))
                .render();
    }

    private URI link(Alert alert, ConnectionId id) {
        URI origin = URI.create(alert.origin().orElseThrow(() -> new IllegalStateException("merchant alerts name their origin")));
        return links.mint(alert.merchantId().orElseThrow(), origin, Optional.of(id.value()));
    }

    private Instant linkExpiry() {
        return clock.instant().plus(config.link().lifetime());
    }

    private String reasonText(String reason) {
        return switch (ReauthorizationReason.valueOf(reason)) {
            case YEARLY_RENEWAL -> marketplace.displayName() + " asks sellers to renew an app's authorization every 365 days, "
                    + "and this one has lapsed. This is routine.";
            case REVOKED_OR_CHANGED -> marketplace.displayName() + " no longer accepts this authorization. This usually means "
                    + "the account's password was changed, the app was removed under Manage Your Apps, or a user role "
                    + "or permission was changed.";
        };
    }

    private Map<String, String> attributes(Alert alert, Optional<ConnectionId> connection) {
        var attributes = new LinkedHashMap<String, String>();
        alert.merchantId().ifPresent(m -> attributes.put("merchant", m));
        connection.ifPresent(id -> {
            attributes.put("marketplace", id.marketplace());
            attributes.put("region", id.region());
            attributes.put("connection", id.value());
        });
        attributes.put("kind", alert.kind().name());
        attributes.put("severity", alert.kind().severity().name());
        return attributes;
    }
}
