package dev.authkeeper.connection;

import static dev.authkeeper.connection.Attributes.n;
import static dev.authkeeper.connection.Attributes.s;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.crypto.Secret;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Single-use OAuth {@code state} values. Only a SHA-256 of the value is stored, so the table never
 * holds a usable state; consuming is one conditional delete, so of two concurrent callbacks with
 * the same state exactly one gets it. Expiry is checked here because TTL deletion is lazy.
 */
@ApplicationScoped
public class OAuthStates {

    private static final int STATE_BYTES = 32;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final DynamoDbClient dynamo;
    private final String table;
    private final SecureRandom random = new SecureRandom();

    public OAuthStates(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    public sealed interface Consumed {
        record Valid(PendingAuthorization pending) implements Consumed {
        }

        /** Never issued, already used, or removed. */
        record Unknown() implements Consumed {
        }

        record Expired(PendingAuthorization pending) implements Consumed {
        }
    }

    public Secret issue(PendingAuthorization pending) {
        byte[] bytes = new byte[STATE_BYTES];
        random.nextBytes(bytes);
        Secret state = new Secret(BASE64URL.encodeToString(bytes));
        var item = new HashMap<String, AttributeValue>();
        item.put(TableLayout.PK, s(key(state.value())));
        item.put(TableLayout.SK, s(TableLayout.STATE_SORT));
        item.put("merchantId", s(pending.merchantId()));
        item.put("flow", s(pending.flow().name()));
        item.put("marketplace", s(pending.marketplace()));
        item.put("origin", s(pending.origin().toString()));
        item.put("region", s(pending.region()));
        pending.expectedAccountId().ifPresent(account -> item.put("expectedAccountId", s(account)));
        item.put("createdAt", n(pending.createdAt().toEpochMilli()));
        item.put("expiresAt", n(pending.expiresAt().toEpochMilli()));
        item.put(TableLayout.TTL, n(pending.expiresAt().getEpochSecond()));
        dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
        return state;
    }

    public Consumed consume(String state, Instant now) {
        Map<String, AttributeValue> old;
        try {
            old = dynamo.deleteItem(r -> r.tableName(table)
                    .key(Map.of(TableLayout.PK, s(key(state)), TableLayout.SK, s(TableLayout.STATE_SORT)))
                    .conditionExpression("attribute_exists(pk)")
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
        } catch (ConditionalCheckFailedException e) {
            return new Consumed.Unknown();
        }
        var pending = new PendingAuthorization(
                old.get("merchantId").s(),
                Flow.valueOf(old.get("flow").s()),
                old.get("marketplace").s(),
                URI.create(old.get("origin").s()),
                old.get("region").s(),
                Optional.ofNullable(old.get("expectedAccountId")).map(AttributeValue::s),
                Instant.ofEpochMilli(Long.parseLong(old.get("createdAt").n())),
                Instant.ofEpochMilli(Long.parseLong(old.get("expiresAt").n())));
        return now.isBefore(pending.expiresAt()) ? new Consumed.Valid(pending) : new Consumed.Expired(pending);
    }

    private static String key(String state) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8));
            return TableLayout.STATE_PREFIX + BASE64URL.encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
