package dev.authkeeper.alert;

import io.quarkus.qute.TemplateData;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.table.ConnectionId;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * Subjects, plain-text bodies (fit for an email subscription) and SNS attributes of alerts, and the
 * JSON detail of integrator events (schema: {@code src/main/resources/schemas/authkeeper-event-v1.json}).
 */
@ApplicationScoped
public class AlertTexts {

    /** The version of the event detail format; bumped only for incompatible changes. */
    public static final String EVENT_SCHEMA_VERSION = "1";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** An SNS message: {@code listAttributes} become {@code String.Array} attributes. */
    public record Message(String subject, String body, Map<String, String> attributes, Map<String, List<String>> listAttributes) {
    }

    @TemplateData
    record DigestItem(String account, String region, String link, String reason) {
    }

    private final Template needsReauthorization;
    private final Template expiryWarning;
    private final Template reconnected;
    private final Template disconnected;
    private final Template digest;
    private final Template tokenOutage;
    private final Template awsDependency;
    private final Template massRejection;
    private final Template sellerConflict;
    private final AppTemplates appTemplates;
    private final AppMarketplaces appMarketplaces;
    private final Marketplaces marketplaces;
    private final ReauthorizeLinks links;
    private final AuthKeeperConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public AlertTexts(@Location("alerts/needs-reauthorization.txt") Template needsReauthorization,
            @Location("alerts/expiry-warning.txt") Template expiryWarning,
            @Location("alerts/reconnected.txt") Template reconnected,
            @Location("alerts/disconnected.txt") Template disconnected,
            @Location("alerts/digest.txt") Template digest,
            @Location("alerts/token-outage.txt") Template tokenOutage,
            @Location("alerts/mass-rejection.txt") Template massRejection,
            @Location("alerts/aws-dependency.txt") Template awsDependency,
            @Location("alerts/seller-conflict.txt") Template sellerConflict, AppTemplates appTemplates,
            AppMarketplaces appMarketplaces, Marketplaces marketplaces, ReauthorizeLinks links, AuthKeeperConfig config, ObjectMapper json, Clock clock) {
        this.needsReauthorization = needsReauthorization;
        this.expiryWarning = expiryWarning;
        this.reconnected = reconnected;
        this.disconnected = disconnected;
        this.digest = digest;
        this.tokenOutage = tokenOutage;
        this.massRejection = massRejection;
        this.awsDependency = awsDependency;
        this.sellerConflict = sellerConflict;
        this.appTemplates = appTemplates;
        this.appMarketplaces = appMarketplaces;
        this.marketplaces = marketplaces;
        this.links = links;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    public Message render(Alert alert) {
        return switch (alert.kind()) {
            case NEEDS_REAUTHORIZATION, REMINDER -> {
                var id = ConnectionId.parse(alert.subject());
                var marketplace = marketplaces.of(id);
                String body = merchantTemplate(needsReauthorization, alert, id)
                        .data("reminder", alert.kind() == AlertKind.REMINDER)
                        .render();
                String subject = (alert.kind() == AlertKind.REMINDER ? "Reminder: reconnect " : "Action needed: reconnect ")
                        + marketplace.displayName() + " account " + id.accountId() + " to " + config.integratorName();
                yield message(subject, body, alert.merchantId(), List.of(id), alert.kind());
            }
            case EXPIRY_WARNING -> {
                var id = ConnectionId.parse(alert.subject());
                var marketplace = marketplaces.of(id);
                int days = carried(alert, AlertDetail.DaysLeft.class).days();
                String body = merchantTemplate(expiryWarning, alert, id)
                        .data("expiresOn", alert.since().map(DAY::format).orElse(""))
                        .data("renewal", marketplace.facts().wording().renewal()
                                .orElse(marketplace.displayName() + " asks sellers to renew an app's authorization once a year."))
                        .render();
                yield message("Renew your " + marketplace.displayName() + " authorization for " + config.integratorName()
                        + " within " + days + (days == 1 ? " day" : " days"), body, alert.merchantId(), List.of(id), alert.kind());
            }
            case RECONNECTED -> {
                var id = ConnectionId.parse(alert.subject());
                var marketplace = marketplaces.of(id);
                String body = merchantTemplate(reconnected, alert, id).render();
                yield message(marketplace.displayName() + " account " + id.accountId() + " is connected to "
                        + config.integratorName() + " again", body, alert.merchantId(), List.of(id), alert.kind());
            }
            case DISCONNECTED -> {
                var id = ConnectionId.parse(alert.subject());
                var marketplace = marketplaces.of(id);
                String body = merchantTemplate(disconnected, alert, id).render();
                yield message(marketplace.displayName() + " account " + id.accountId() + " was disconnected from "
                        + config.integratorName(), body, alert.merchantId(), List.of(id), alert.kind());
            }
            case APP_CREDENTIALS_REJECTED -> appMessage(capitalized(marketplaceName(alert)) + " refused the client credentials of app "
                    + app(alert), AppTemplates.CREDENTIALS_REJECTED, alert);
            case APP_SECRET_EXPIRING -> appMessage("The client secret of app " + app(alert) + " expires on "
                    + alert.since().map(DAY::format).orElse("a date " + marketplaceName(alert) + " did not give"), AppTemplates.EXPIRING, alert);
            case APP_SECRET_AGING -> appMessage("The client secret of app " + app(alert) + " is " + alert.detail().stored() + " old",
                    AppTemplates.AGING, alert);
            case APP_SECRET_ROTATED -> appMessage("New client secret stored for app " + app(alert), AppTemplates.ROTATED, alert);
            case APP_SECRET_ROTATION_FAILED -> appMessage(capitalized(marketplaceName(alert)) + " refused a new client secret for app "
                    + app(alert), AppTemplates.ROTATION_FAILED, alert);
            case APP_NOTIFICATION_REFUSED -> appMessage("A notification from " + marketplaceName(alert) + " could not be used",
                    AppTemplates.NOTIFICATION_REFUSED, alert);
            case LWA_OUTAGE -> {
                var inUse = appMarketplaces.inUse().stream().flatMap(id -> marketplaces.find(id).stream()).toList();
                String names = words(inUse.stream().map(Marketplace::displayName).toList(), "the marketplaces");
                String endpoints = words(inUse.stream().flatMap(m -> fixedHost(m.facts().token().endpoint()).stream()).distinct().toList(),
                        "their token endpoints");
                yield message("[" + config.integratorName() + "] Checks keep failing at " + names,
                        operatorData(tokenOutage, alert).data("marketplaces", names).data("endpoints", endpoints).render(),
                        Optional.empty(), List.of(), alert.kind());
            }
            case MASS_REJECTION -> operatorMessage("Many authorizations of app " + app(alert) + " rejected at once: its merchant alerts held",
                    massRejection, alert);
            case AWS_DEPENDENCY_FAILING -> message("[" + config.integratorName() + "] Checks are failing on AWS",
                    operatorTemplate(awsDependency, alert), Optional.empty(), List.of(), alert.kind());
            case SELLER_CONFLICT -> {
                var id = ConnectionId.parse(alert.subject());
                var marketplace = marketplaces.of(id);
                String body = withDetail(sellerConflict, alert).data("integrator", config.integratorName())
                        .data("marketplace", marketplace.displayName())
                        .data("account", id.accountId())
                        .data("region", regionName(marketplace, id))
                        .data("connection", id.value())
                        .data("claimant", alert.merchantId().orElse(""))
                        .data("since", MOMENT.format(alert.createdAt()))
                        .render();
                yield message("[" + config.integratorName() + "] " + marketplace.displayName() + " account " + id.accountId()
                        + " claimed by two merchants", body, alert.merchantId(), List.of(id), alert.kind());
            }
            case EVENT_AUTHORIZED, EVENT_REAUTHORIZED, EVENT_NEEDS_REAUTHORIZATION, EVENT_RECONNECTED, EVENT_AUTHORIZATION_EXPIRING,
                    EVENT_DISCONNECTED, EVENT_TRANSFERRED, EVENT_APP_CREDENTIALS_REJECTED, EVENT_APP_CREDENTIALS_RESTORED, EVENT_APP_SECRET_EXPIRING ->
                throw new IllegalArgumentException("events are rendered with eventDetail");
        };
    }

    /**
     * One message for several of a merchant's connections that need reconnecting (first alerts and
     * reminders alike), worded by their common cause, with the attributes a single alert carries.
     */
    public Message renderDigest(String merchantId, List<Alert> alerts) {
        var ids = alerts.stream().map(a -> ConnectionId.parse(a.subject())).toList();
        var reasons = alerts.stream().map(a -> carried(a, AlertDetail.Reason.class).code()).distinct().toList();
        String cause = reasons.size() == 1 ? reasons.get(0) : "MIXED";
        boolean allReminders = alerts.stream().allMatch(a -> a.kind() == AlertKind.REMINDER);
        // One merchant's digest names one marketplace when all its connections are of one, else none.
        var inDigest = ids.stream().map(ConnectionId::marketplace).distinct().map(marketplaces::of).toList();
        String marketplaceName = inDigest.size() == 1 ? inDigest.get(0).displayName() : "marketplace";
        var items = alerts.stream().map(alert -> {
            var id = ConnectionId.parse(alert.subject());
            var marketplace = marketplaces.of(id);
            return new DigestItem(id.accountId(), regionName(marketplace, id), link(alert, id).toString(),
                    marketplace.facts().reason(carried(alert, AlertDetail.Reason.class).code()).shortText());
        }).toList();
        String body = digest.data("count", alerts.size())
                .data("items", items)
                .data("cause", cause)
                .data("allReminders", allReminders)
                .data("marketplace", marketplaceName)
                .data("integrator", config.integratorName())
                .data("linkExpires", DAY.format(linkExpiry()))
                .render();
        String subject = (allReminders ? "Reminder: " : "") + alerts.size() + " " + marketplaceName + " connections to "
                + config.integratorName() + " need reconnecting";
        AlertKind kind = allReminders ? AlertKind.REMINDER : AlertKind.NEEDS_REAUTHORIZATION;
        var message = message(subject, body, Optional.of(merchantId), ids, kind);
        message.attributes().put("digest", Integer.toString(alerts.size()));
        return message;
    }

    /** The {@code detail} of an integrator event: never a token, always a stable event id. */
    public String eventDetail(Alert alert) {
        ObjectNode detail = json.createObjectNode();
        detail.put("schemaVersion", EVENT_SCHEMA_VERSION);
        detail.put("eventId", UUID.nameUUIDFromBytes((alert.pk() + "|" + alert.sk()).getBytes(StandardCharsets.UTF_8)).toString());
        detail.put("type", eventType(alert.kind()));
        detail.put("occurredAt", alert.createdAt().toString());
        alert.app().ifPresent(app -> detail.put("app", app));
        switch (alert.kind()) {
            case EVENT_APP_CREDENTIALS_REJECTED, EVENT_APP_CREDENTIALS_RESTORED -> putDetail(detail, alert);
            case EVENT_APP_SECRET_EXPIRING -> {
                // The detail is Amazon's reason, such as PERIODIC_ROTATION.
                putDetail(detail, alert);
                alert.since().ifPresent(expires -> detail.put("clientSecretExpiresAt", expires.toString()));
            }
            default -> {
                var id = ConnectionId.parse(alert.subject());
                detail.put("connectionId", id.value());
                detail.put("merchantId", alert.merchantId().orElseThrow());
                var marketplace = marketplaces.of(id);
                detail.put("marketplace", id.marketplace());
                id.region().ifPresent(region -> detail.put("region", region));
                detail.put("accountId", id.accountId());
                marketplace.accountFields(id.accountId()).forEach(detail::put);
                detail.put("status", switch (alert.kind()) {
                    case EVENT_NEEDS_REAUTHORIZATION -> "NEEDS_REAUTHORIZATION";
                    case EVENT_DISCONNECTED -> "DISCONNECTED";
                    default -> "ACTIVE";
                });
                putDetail(detail, alert);
            }
        }
        try {
            return json.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event detail is plain JSON", e);
        }
    }

    private static String eventType(AlertKind kind) {
        return switch (kind) {
            case EVENT_AUTHORIZED -> "connection.authorized";
            case EVENT_REAUTHORIZED -> "connection.reauthorized";
            case EVENT_NEEDS_REAUTHORIZATION -> "connection.needs_reauthorization";
            case EVENT_RECONNECTED -> "connection.reconnected";
            case EVENT_AUTHORIZATION_EXPIRING -> "connection.authorization_expiring";
            case EVENT_DISCONNECTED -> "connection.disconnected";
            case EVENT_TRANSFERRED -> "connection.transferred";
            case EVENT_APP_CREDENTIALS_REJECTED -> "app.credentials_rejected";
            case EVENT_APP_CREDENTIALS_RESTORED -> "app.credentials_restored";
            case EVENT_APP_SECRET_EXPIRING -> "app.client_secret_expiring";
            default -> throw new IllegalArgumentException(kind + " is not an event");
        };
    }

    /** What an alert's detail adds to an event's JSON. */
    private void putDetail(ObjectNode detail, Alert alert) {
        switch (alert.detail()) {
            case AlertDetail.Reason reason -> detail.putObject("reason").put("code", reason.code())
                    .put("text", reasonText(marketplaces.of(ConnectionId.parse(alert.subject())), reason.code()));
            case AlertDetail.Holder previous -> detail.put("fromMerchantId", previous.merchantId());
            case AlertDetail.DaysLeft left -> {
                detail.put("daysLeft", left.days());
                alert.since().ifPresent(expires -> detail.put("authorizationExpiresAt", expires.toString()));
            }
            case AlertDetail.Text text -> detail.put("detail", text.text());
            case AlertDetail.SecretAge age -> detail.put("detail", age.stored());
            case AlertDetail.None none -> {
            }
        }
    }

    /** What an alert's detail adds to its message's template. */
    private TemplateInstance withDetail(Template template, Alert alert) {
        return switch (alert.detail()) {
            case AlertDetail.Reason reason -> template.data("reason",
                    reasonText(marketplaces.of(ConnectionId.parse(alert.subject())), reason.code()));
            case AlertDetail.DaysLeft left -> template.data("days", left.days());
            case AlertDetail.Holder holder -> template.data("holder", holder.merchantId());
            case AlertDetail.Text text -> template.data("detail", text.text());
            case AlertDetail.SecretAge age -> template.data("detail", age.stored());
            case AlertDetail.None none -> template.instance();
        };
    }

    /** The detail an alert's kind always carries ({@link AlertDetail#read}): another one is a bug where it was created. */
    private static <T extends AlertDetail> T carried(Alert alert, Class<T> type) {
        if (!type.isInstance(alert.detail())) {
            throw new IllegalStateException(alert.kind() + " carries no " + type.getSimpleName());
        }
        return type.cast(alert.detail());
    }

    private TemplateInstance merchantTemplate(Template template, Alert alert, ConnectionId id) {
        var marketplace = marketplaces.of(id);
        return withDetail(template, alert).data("integrator", config.integratorName())
                .data("marketplace", marketplace.displayName())
                .data("account", id.accountId())
                .data("region", regionName(marketplace, id))
                .data("portal", marketplace.facts().wording().portal())
                .data("connection", id.value())
                .data("since", alert.since().map(MOMENT::format).orElse(""))
                .data("link", link(alert, id).toString())
                .data("linkExpires", DAY.format(linkExpiry()));
    }

    private String operatorTemplate(Template template, Alert alert) {
        return operatorData(template, alert).render();
    }

    private TemplateInstance operatorData(Template template, Alert alert) {
        return withDetail(template, alert).data("integrator", config.integratorName())
                .data("app", app(alert))
                .data("expiresOn", alert.since().map(DAY::format).orElse(""))
                .data("maxReceives", appTemplates.maxReceives())
                .data("since", alert.since().map(MOMENT::format).orElse(MOMENT.format(alert.createdAt())));
    }

    private Message operatorMessage(String subject, Template template, Alert alert) {
        return operatorMessage(subject, operatorTemplate(template, alert), alert);
    }

    private Message operatorMessage(String subject, String body, Alert alert) {
        var message = message("[" + config.integratorName() + "] " + subject, body, Optional.empty(), List.of(), alert.kind());
        alert.app().ifPresent(app -> message.attributes().put("app", app));
        return message;
    }

    /** An operator alert about an app's own credentials, in its marketplace's words where it has its own. */
    private Message appMessage(String subject, String template, Alert alert) {
        var marketplace = marketplaceOf(alert);
        String body = operatorData(appTemplates.of(template, marketplace.map(Marketplace::id)), alert)
                .data("marketplace", marketplace.map(Marketplace::displayName).orElse("the marketplace"))
                .render();
        return operatorMessage(subject, body, alert);
    }

    /**
     * The marketplace an operator alert about an app is about: the one a refused notification came
     * from (its subject), else the app's.
     */
    private Optional<Marketplace> marketplaceOf(Alert alert) {
        Optional<Marketplace> sender = alert.kind() == AlertKind.APP_NOTIFICATION_REFUSED ? marketplaces.find(alert.subject()) : Optional.empty();
        return sender.or(() -> appMarketplaces.marketplaceOf(app(alert)).flatMap(marketplaces::find));
    }

    private String marketplaceName(Alert alert) {
        return marketplaceOf(alert).map(Marketplace::displayName).orElse("the marketplace");
    }

    /** The host of a token endpoint, unless each account has its own ({@code https://{account}/…}). */
    private static Optional<String> fixedHost(String endpoint) {
        String rest = endpoint.substring(endpoint.indexOf("://") + 3);
        String host = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        return host.contains("{") ? Optional.empty() : Optional.of(host);
    }

    private static String capitalized(String words) {
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** "A", "A and B", "A, B and C"; {@code none} for an empty list. */
    private static String words(List<String> items, String none) {
        if (items.isEmpty()) {
            return none;
        }
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    /** The app an alert is about; alerts recorded before several apps were the default app's. */
    private static String app(Alert alert) {
        return alert.app().orElse("default");
    }

    private URI link(Alert alert, ConnectionId id) {
        URI origin = URI.create(alert.origin().orElseThrow(() -> new IllegalStateException("merchant alerts name their origin")));
        return links.mint(alert.merchantId().orElseThrow(), origin, Optional.of(id.value()), alert.app());
    }

    private Instant linkExpiry() {
        return clock.instant().plus(config.link().lifetime());
    }

    /** The probable reason in words, as alerts, events and status pages say it: the marketplace's own wording. */
    public String reasonText(Marketplace marketplace, String reason) {
        return marketplace.facts().reason(reason).text();
    }

    /** The region in words, or the marketplace's name for one without regions (templates say "in {region}"). */
    private static String regionName(Marketplace marketplace, ConnectionId id) {
        return id.region().map(marketplace::regionName).orElse(marketplace.displayName());
    }

    private Message message(String subject, String body, Optional<String> merchant, List<ConnectionId> connections, AlertKind kind) {
        var attributes = new LinkedHashMap<String, String>();
        var lists = new LinkedHashMap<String, List<String>>();
        merchant.ifPresent(m -> attributes.put("merchant", m));
        if (!connections.isEmpty()) {
            attributes.put("marketplace", connections.get(0).marketplace());
            var regions = connections.stream().flatMap(c -> c.region().stream()).distinct().toList();
            if (connections.size() == 1) {
                regions.forEach(region -> attributes.put("region", region));
                attributes.put("connection", connections.get(0).value());
            } else {
                if (!regions.isEmpty()) {
                    lists.put("region", regions);
                }
                lists.put("connection", connections.stream().map(ConnectionId::value).toList());
            }
        }
        attributes.put("kind", kind.name());
        attributes.put("severity", kind.severity().name());
        return new Message(subject, body, attributes, lists);
    }
}
