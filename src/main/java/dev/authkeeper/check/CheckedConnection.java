package dev.authkeeper.check;

import static dev.authkeeper.table.Attributes.number;
import static dev.authkeeper.table.Attributes.string;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.authkeeper.app.App;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.SealedToken;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A connection as a check reads it: from a page of the checks index (ACTIVE connections), or from
 * its own item. Every write a check makes is conditional on {@code version}.
 *
 * @param app     the integrator's app (by configured name) whose credentials refresh it; {@code default} for a
 *                connection authorized before several apps (no {@code app} attribute: it is not rewritten)
 * @param inRound whether it carries the checks-index keys (items written before the round existed do not)
 * @param due     whether it is in the due index (a retry, re-test or reminder is scheduled)
 */
public record CheckedConnection(
        ConnectionId id,
        String merchantId,
        String app,
        URI origin,
        ConnectionStatus status,
        SealedToken token,
        Instant authorizedAt,
        Instant authorizationExpiresAt,
        long version,
        Optional<Integer> expiryWarnedDays,
        Optional<String> lastCheckError,
        boolean inRound,
        boolean due,
        Optional<Instant> needsReauthorizationSince,
        Optional<String> statusReason,
        int remindersSent,
        Optional<String> incidentAlert,
        Optional<String> incidentEvent) {

    public static CheckedConnection of(Map<String, AttributeValue> item) {
        return new CheckedConnection(
                ConnectionId.parse(item.get(TableLayout.CONNECTION_ID).s()),
                item.get("merchantId").s(),
                string(item, "app").orElse(App.DEFAULT),
                URI.create(item.get("origin").s()),
                ConnectionStatus.valueOf(item.get("status").s()),
                TokenAttributes.sealedToken(item),
                Instant.parse(item.get("authorizedAt").s()),
                Instant.parse(item.get("authorizationExpiresAt").s()),
                Long.parseLong(item.get("version").n()),
                number(item, "expiryWarnedDays").map(Long::intValue),
                string(item, "lastCheckError"),
                item.containsKey(TableLayout.CHECK_ORDER),
                item.containsKey(TableLayout.DUE_SHARD),
                string(item, "needsReauthorizationSince").map(Instant::parse),
                string(item, "statusReason"),
                number(item, "remindersSent").map(Long::intValue).orElse(0),
                string(item, "incidentAlert"),
                string(item, "incidentEvent"));
    }

    /** The key of the connection's item. */
    public String pk() {
        return TableLayout.connectionKey(id);
    }
}
