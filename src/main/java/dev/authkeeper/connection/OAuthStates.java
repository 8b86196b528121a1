package dev.authkeeper.connection;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.s;

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
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.app.App;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.crypto.TokenKind;

import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Single-use OAuth {@code state} values: {@code <flow id>.<secret>}. The flow id names the item
 * and is the same each time one browser starts the same flow, so opening a link again replaces
 * the state it left before and repeats never pile up; of the secret only a SHA-256 is stored, so
 * the table never holds a usable state. Consuming is one conditional delete, so of two concurrent
 * callbacks with the same state exactly one gets it. Expiry is checked here because TTL deletion
 * is lazy.
 */
@ApplicationScoped
public class OAuthStates {

    private static final int SECRET_BYTES = 32;
    private static final Pattern FLOW_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern STATE = Pattern.compile("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String SECRET_HASH = "secretHash";
    private static final String CODE_VERIFIER = "codeVerifier";

    private final DynamoDbClient dynamo;
    private final TokenCipher cipher;
    private final String table;
    private final SecureRandom random = new SecureRandom();

    public OAuthStates(DynamoDbClient dynamo, TokenCipher cipher, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.cipher = cipher;
        this.table = config.table();
    }

    public sealed interface Consumed {
        record Valid(PendingAuthorization pending) implements Consumed {
        }

        /** Never issued, already used, replaced by a newer start of the same flow, or removed. */
        record Unknown() implements Consumed {
        }

        record Expired(PendingAuthorization pending) implements Consumed {
        }
    }

    /** Whether a value has the shape of a state this class issues (checked before any look-up). */
    public static boolean isWellFormed(String state) {
        return STATE.matcher(state).matches();
    }

    /** The base64url SHA-256 of a secret: what the table keeps instead of it. */
    public static String digest(String secret) {
        try {
            return BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * A fresh state for the flow {@code flowId} (22 base64url characters, derived by the caller
     * from the browser and the flow), replacing the state that flow had until now.
     */
    public Secret issue(PendingAuthorization pending, String flowId) {
        if (!FLOW_ID.matcher(flowId).matches()) {
            throw new IllegalArgumentException("a flow id is 22 base64url characters");
        }
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        String secret = BASE64URL.encodeToString(bytes);
        var item = new HashMap<String, AttributeValue>();
        item.put(TableLayout.PK, s(TableLayout.STATE_PREFIX + flowId));
        item.put(TableLayout.SK, s(TableLayout.STATE_SORT));
        item.put(SECRET_HASH, s(digest(secret)));
        item.put("merchantId", s(pending.merchantId()));
        item.put("bindingHash", s(pending.bindingHash()));
        item.put("flow", s(pending.flow().name()));
        item.put("marketplace", s(pending.marketplace()));
        item.put("app", s(pending.app()));
        item.put("origin", s(pending.origin().toString()));
        pending.region().ifPresent(region -> item.put("region", s(region)));
        pending.expectedAccountId().ifPresent(account -> item.put("expectedAccountId", s(account)));
        // Sealed, and bound to this state's item: the table alone never yields a verifier.
        pending.codeVerifier().ifPresent(verifier -> item.put(CODE_VERIFIER,
                TokenAttributes.sealedToken(cipher.seal(TokenKind.CODE_VERIFIER, verifierContext(flowId), verifier))));
        item.put("createdAt", n(pending.createdAt().toEpochMilli()));
        item.put("expiresAt", n(pending.expiresAt().toEpochMilli()));
        item.put(TableLayout.TTL, n(pending.expiresAt().getEpochSecond()));
        dynamo.putItem(r -> r.tableName(table).item(item));
        return new Secret(flowId + "." + secret);
    }

    private static String verifierContext(String flowId) {
        return TableLayout.STATE_PREFIX + flowId;
    }

    /**
     * What the state stands for, without spending it: a callback checks its browser and merchant
     * first, so that a refused one leaves the state to the browser that started the flow.
     */
    public Consumed peek(String state, Instant now) {
        if (!isWellFormed(state)) {
            return new Consumed.Unknown();
        }
        int dot = state.indexOf('.');
        String flowId = state.substring(0, dot);
        var item = dynamo.getItem(r -> r.tableName(table).key(key(flowId)).consistentRead(true)).item();
        if (item == null || item.isEmpty() || !digest(state.substring(dot + 1)).equals(item.get(SECRET_HASH).s())) {
            return new Consumed.Unknown();
        }
        return read(flowId, item, now);
    }

    /** Spends the state: one conditional delete, so of two concurrent callbacks with the same state exactly one gets it. */
    public Consumed consume(String state, Instant now) {
        if (!isWellFormed(state)) {
            return new Consumed.Unknown();
        }
        int dot = state.indexOf('.');
        String flowId = state.substring(0, dot);
        Map<String, AttributeValue> old;
        try {
            old = dynamo.deleteItem(r -> r.tableName(table)
                    .key(key(flowId))
                    .conditionExpression("#secret = :secret")
                    .expressionAttributeNames(Map.of("#secret", SECRET_HASH))
                    .expressionAttributeValues(Map.of(":secret", s(digest(state.substring(dot + 1)))))
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
        } catch (ConditionalCheckFailedException e) {
            return new Consumed.Unknown();
        }
        return read(flowId, old, now);
    }

    private static Map<String, AttributeValue> key(String flowId) {
        return Map.of(TableLayout.PK, s(TableLayout.STATE_PREFIX + flowId), TableLayout.SK, s(TableLayout.STATE_SORT));
    }

    private Consumed read(String flowId, Map<String, AttributeValue> old, Instant now) {
        var pending = new PendingAuthorization(
                old.get("merchantId").s(),
                Flow.valueOf(old.get("flow").s()),
                old.get("marketplace").s(),
                // States issued before several apps were all the default app's.
                Optional.ofNullable(old.get("app")).map(AttributeValue::s).orElse(App.DEFAULT),
                URI.create(old.get("origin").s()),
                Optional.ofNullable(old.get("region")).map(AttributeValue::s),
                Optional.ofNullable(old.get("expectedAccountId")).map(AttributeValue::s),
                old.get("bindingHash").s(),
                Instant.ofEpochMilli(Long.parseLong(old.get("createdAt").n())),
                Instant.ofEpochMilli(Long.parseLong(old.get("expiresAt").n())),
                Optional.ofNullable(old.get(CODE_VERIFIER))
                        .map(v -> cipher.open(TokenKind.CODE_VERIFIER, verifierContext(flowId), TokenAttributes.sealedToken(old, CODE_VERIFIER))));
        return now.isBefore(pending.expiresAt()) ? new Consumed.Valid(pending) : new Consumed.Expired(pending);
    }
}
