package dev.authkeeper.status;

import static dev.authkeeper.table.Attributes.s;
import static dev.authkeeper.table.Attributes.string;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.AlertTexts;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.sweep.RoundStatus;
import dev.authkeeper.table.BatchReads;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads connections as {@link ConnectionView}s: one with its latest history, or a merchant's,
 * a page at a time. One concept for the integrator API and the merchant's status page alike.
 */
@ApplicationScoped
public class ConnectionStatuses {

    /** A page of a merchant's connections and the cursor to the next one. */
    public record Listing(List<ConnectionView> connections, Optional<String> next) {
    }

    private static final Base64.Encoder CURSOR = Base64.getUrlEncoder().withoutPadding();

    private final DynamoDbClient dynamo;
    private final RoundStatus round;
    private final AlertTexts texts;
    private final Marketplaces marketplaces;
    private final String table;

    public ConnectionStatuses(DynamoDbClient dynamo, RoundStatus round, AlertTexts texts, Marketplaces marketplaces,
            AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.round = round;
        this.texts = texts;
        this.marketplaces = marketplaces;
        this.table = config.table();
    }

    /** The connection with its {@code history} latest history entries, newest first. */
    public Optional<ConnectionView> find(ConnectionId id, int history) {
        var item = dynamo.getItem(r -> r.tableName(table).key(TableLayout.connectionItemKey(id)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(view(item, history(id, history), round.reader()));
    }

    /** Up to {@code limit} of the merchant's connections after {@code cursor}, in connection-id order, without history. */
    public Listing ofMerchant(String merchantId, int limit, Optional<String> cursor) {
        var page = dynamo.query(r -> r.tableName(table).indexName(TableLayout.BY_MERCHANT_INDEX)
                .keyConditionExpression("#m = :m")
                .expressionAttributeNames(Map.of("#m", TableLayout.MERCHANT_KEY))
                .expressionAttributeValues(Map.of(":m", s(merchantId)))
                .exclusiveStartKey(cursor.flatMap(ConnectionStatuses::connectionOf).map(id -> startKey(merchantId, id)).orElse(null))
                .limit(limit));
        var keys = page.items().stream().map(i -> TableLayout.connectionItemKey(ConnectionId.parse(i.get(TableLayout.CONNECTION_ID).s())))
                .toList();
        var views = new ArrayList<ConnectionView>();
        if (!keys.isEmpty()) {
            var items = BatchReads.read(dynamo, table, keys, false);
            var lastChecked = round.reader();
            items.stream().map(item -> view(item, List.of(), lastChecked)).sorted(Comparator.comparing(ConnectionView::connectionId))
                    .forEach(views::add);
        }
        Optional<String> next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? Optional.of(CURSOR.encodeToString(page.lastEvaluatedKey().get(TableLayout.CONNECTION_ID).s().getBytes(StandardCharsets.UTF_8)))
                : Optional.empty();
        return new Listing(views, next);
    }

    private ConnectionView view(Map<String, AttributeValue> item, List<ConnectionView.HistoryEntry> history,
            Function<ConnectionId, Optional<Instant>> roundReached) {
        var id = ConnectionId.parse(item.get(TableLayout.CONNECTION_ID).s());
        var status = ConnectionStatus.valueOf(item.get("status").s());
        Optional<String> reason = string(item, "statusReason");
        Optional<String> error = string(item, "lastCheckError");
        Instant authorizedAt = Instant.parse(item.get("authorizedAt").s());
        Optional<Instant> lastFailure = string(item, "lastFailureAt").map(Instant::parse);
        Optional<Instant> since = switch (status) {
            case NEEDS_REAUTHORIZATION -> string(item, "needsReauthorizationSince").map(Instant::parse);
            case DISCONNECTED -> string(item, "disconnectedAt").map(Instant::parse);
            case ACTIVE -> Optional.empty();
        };
        Optional<Instant> lastChecked;
        String outcome;
        switch (status) {
            case ACTIVE -> {
                Optional<Instant> inRound = roundReached.apply(id).filter(at -> !at.isBefore(authorizedAt));
                lastChecked = later(inRound, lastFailure);
                outcome = lastChecked.isEmpty() ? "NOT_CHECKED_YET"
                        : error.isPresent() && lastChecked.equals(lastFailure) ? "FAILED" : "VALID";
            }
            case NEEDS_REAUTHORIZATION -> {
                lastChecked = later(since, lastFailure);
                outcome = "REJECTED";
            }
            default -> {
                lastChecked = Optional.empty();
                outcome = "NOT_CHECKED_YET";
            }
        }
        Marketplace marketplace = marketplaces.of(id);
        return new ConnectionView(id.value(), item.get("merchantId").s(), id.marketplace(), id.region().orElse(null),
                id.region().map(marketplace::regionName).orElse(null), id.accountId(), marketplace.accountFields(id.accountId()),
                status.name(), statusText(status), reason.orElse(null), reason.map(r -> texts.reasonText(marketplace, r)).orElse(null),
                since.orElse(null), authorizedAt, Instant.parse(item.get("authorizationExpiresAt").s()), lastChecked.orElse(null), outcome,
                outcome.equals("FAILED") ? error.orElse(null) : null, URI.create(item.get("origin").s()), history);
    }

    private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.filter(x -> x.isAfter(a.get())).or(() -> a);
    }

    private static String statusText(ConnectionStatus status) {
        return switch (status) {
            case ACTIVE -> "Connected";
            case NEEDS_REAUTHORIZATION -> "Needs reauthorization";
            case DISCONNECTED -> "Disconnected";
        };
    }

    private List<ConnectionView.HistoryEntry> history(ConnectionId id, int limit) {
        if (limit == 0) {
            return List.of();
        }
        var items = dynamo.query(r -> r.tableName(table)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :history)")
                .expressionAttributeNames(Map.of("#pk", TableLayout.PK, "#sk", TableLayout.SK))
                .expressionAttributeValues(Map.of(":pk", s(TableLayout.connectionKey(id)), ":history", s(TableLayout.HISTORY_PREFIX)))
                .scanIndexForward(false)
                .limit(limit)).items();
        return items.stream().map(item -> {
            var details = new LinkedHashMap<String, String>();
            item.forEach((name, value) -> {
                if (!List.of(TableLayout.PK, TableLayout.SK, "at", TableLayout.TTL).contains(name)) {
                    details.put(name, value.s() != null ? value.s() : value.bool() != null ? value.bool().toString() : value.n());
                }
            });
            details.remove("kind");
            return new ConnectionView.HistoryEntry(Instant.parse(item.get("at").s()), item.get("kind").s(), details);
        }).toList();
    }

    /** The connection a cursor of {@link #ofMerchant} continues after; empty when it is not such a cursor. */
    public static Optional<ConnectionId> connectionOf(String cursor) {
        try {
            return Optional.of(ConnectionId.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Map<String, AttributeValue> startKey(String merchantId, ConnectionId id) {
        var key = new LinkedHashMap<String, AttributeValue>();
        key.put(TableLayout.MERCHANT_KEY, s(merchantId));
        key.put(TableLayout.CONNECTION_ID, s(id.value()));
        key.putAll(TableLayout.connectionItemKey(id));
        return key;
    }
}
