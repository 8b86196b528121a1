package dev.authkeeper.app;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.number;
import static dev.authkeeper.table.Attributes.s;
import static dev.authkeeper.table.Attributes.string;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.table.ItemUpdate;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What AuthKeeper knows about each app's client secret, one item per app ({@code pk = APP#<name>},
 * {@code sk = APP}): the last rotation Amazon announced, whether its new secret has worked yet, the
 * expiry Amazon last announced, and when AuthKeeper last asked for a rotation. Instants are epoch milliseconds; every write that can race is conditional. Notices
 * ({@code pk = NOTICE#<key>}) make an operator alert go out once however often its cause comes back.
 */
@ApplicationScoped
public class AppStates {

    static final String APP_PREFIX = "APP#";
    static final String NOTICE_PREFIX = "NOTICE#";
    private static final String APP_SORT = "APP";

    /**
     * A rotation Amazon announced: the new secret, stored as Secrets Manager version {@code versionId},
     * was issued at {@code issuedAt}; the old one works until {@code oldSecretValidUntil}.
     */
    public record Rotation(String notificationId, Instant issuedAt, Instant newSecretExpiresAt, Instant oldSecretValidUntil,
            String versionId, Optional<Instant> confirmedAt) {

        /** Both secrets may be in use: the old one still works and the new one has not been seen working. */
        public boolean inFlight(Instant now) {
            return confirmedAt.isEmpty() && now.isBefore(oldSecretValidUntil);
        }
    }

    public record State(Optional<Rotation> rotation, Optional<Instant> secretExpiresAt, Optional<Instant> rotateRequestedAt) {
        static final State NONE = new State(Optional.empty(), Optional.empty(), Optional.empty());
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public AppStates(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    public State read(String app) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(app)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return State.NONE;
        }
        Optional<Rotation> rotation = string(item, "rotationNotificationId").map(id -> new Rotation(id,
                instant(item, "rotationIssuedAt").orElseThrow(), instant(item, "newSecretExpiresAt").orElseThrow(),
                instant(item, "oldSecretValidUntil").orElseThrow(), string(item, "rotationVersionId").orElseThrow(),
                instant(item, "newSecretConfirmedAt")));
        return new State(rotation, instant(item, "secretExpiresAt"), instant(item, "rotateRequestedAt"));
    }

    /** Records a rotation, unless one issued as late or later is recorded already (a repeat, or an older notification). */
    public boolean recordRotation(String app, Rotation rotation) {
        var update = ItemUpdate.of(key(app))
                .set("rotationNotificationId", s(rotation.notificationId()))
                .set("rotationIssuedAt", millis(rotation.issuedAt()))
                .set("newSecretExpiresAt", millis(rotation.newSecretExpiresAt()))
                .set("oldSecretValidUntil", millis(rotation.oldSecretValidUntil()))
                .set("rotationVersionId", s(rotation.versionId()))
                .set("secretExpiresAt", millis(rotation.newSecretExpiresAt()))
                .remove("newSecretConfirmedAt")
                .when("attribute_not_exists(#rotationIssuedAt) OR #rotationIssuedAt < :rotationIssuedAt");
        return Transactions.updateIfConditionHolds(dynamo, update.request(table));
    }

    /** The new secret of the rotation stored as {@code versionId} worked: the previous one is not tried any more. */
    public boolean confirm(String app, String versionId, Instant at) {
        var update = ItemUpdate.of(key(app))
                .set("newSecretConfirmedAt", millis(at))
                .when("rotationVersionId", "=", s(versionId))
                .when("attribute_not_exists(#newSecretConfirmedAt)");
        return Transactions.updateIfConditionHolds(dynamo, update.request(table));
    }

    /** The expiry Amazon announced for the app's current secret. */
    public void recordExpiry(String app, Instant expiresAt) {
        dynamo.updateItem(ItemUpdate.of(key(app)).set("secretExpiresAt", millis(expiresAt)).request(table));
    }

    /** Takes the day's one call to rotateApplicationClientSecret: false when one was made less than a day ago. */
    public boolean claimRotateRequest(String app, Instant now) {
        var update = ItemUpdate.of(key(app))
                .set("rotateRequestedAt", millis(now))
                .when("attribute_not_exists(#rotateRequestedAt) OR #rotateRequestedAt < :dayAgo")
                .with(":dayAgo", millis(now.minus(Duration.ofDays(1))));
        return Transactions.updateIfConditionHolds(dynamo, update.request(table));
    }

    /**
     * Writes {@code alongside} (an operator alert) together with a notice under {@code key}, only the
     * first time: false, and nothing written, when the notice exists. Notices expire after {@code keep}.
     */
    public boolean once(String key, Instant now, Duration keep, List<TransactWriteItem> alongside) {
        var notice = TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(TableLayout.PK, s(NOTICE_PREFIX + key), TableLayout.SK, s("NOTICE"), "at", millis(now),
                        TableLayout.TTL, n(now.plus(keep).getEpochSecond())))
                .conditionExpression("attribute_not_exists(pk)")).build();
        var writes = new ArrayList<TransactWriteItem>(alongside);
        writes.add(0, notice);
        return Transactions.writeIfConditionsHold(dynamo, writes);
    }

    private static Map<String, AttributeValue> key(String app) {
        return Map.of(TableLayout.PK, s(APP_PREFIX + app), TableLayout.SK, s(APP_SORT));
    }

    private static AttributeValue millis(Instant at) {
        return n(at.toEpochMilli());
    }

    private static Optional<Instant> instant(Map<String, AttributeValue> item, String name) {
        return number(item, name).map(Instant::ofEpochMilli);
    }
}
