package dev.authkeeper.crypto;

import static dev.authkeeper.table.Attributes.s;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Branch keys in the table: {@code BRANCH_KEY#<uuid>} holds a 32-byte AES key as KMS wrapped it
 * (encryption context {@code authkeeper:branch-key} = the uuid, so a changed or swapped wrapped
 * key does not unwrap), {@code BRANCH_KEY#ACTIVE} names the key new tokens are sealed under, its
 * creation time and generation, with a {@link PointerTag} proving them, and
 * {@code BRANCH_KEY#GENERATION#<n>} records that generation n was created, so a pointer set back
 * to an earlier key is seen. Reads are strongly consistent: a key another instance has just
 * created must be found.
 */
@ApplicationScoped
class BranchKeyStore {

    static final String PREFIX = "BRANCH_KEY#";
    static final String SORT = "BRANCH_KEY";
    static final String ACTIVE = PREFIX + "ACTIVE";
    static final String GENERATION = PREFIX + "GENERATION#";
    static final String CONTEXT_KEY = "authkeeper:branch-key";

    private static final Logger LOG = Logger.getLogger(BranchKeyStore.class);

    /**
     * What the active pointer says. A pointer written before pointers carried a tag has none and
     * generation 0: nothing vouches for it, so it is replaced before anything is sealed.
     */
    record Active(UUID branchKeyId, Instant createdAt, long generation, Optional<SdkBytes> tag) {
        boolean legacy() {
            return generation == 0 && tag.isEmpty();
        }
    }

    /** A key this instance created and made active. */
    record Created(BranchKey key, Active active) {
    }

    /** A branch-key item changed by someone who does not hold the key: refused, never used. */
    static final class Tampered extends IllegalStateException {
        Tampered(String message) {
            super(message);
        }
    }

    private final DynamoDbClient dynamo;
    private final KmsClient kms;
    private final String table;
    private final String kmsKeyId;

    BranchKeyStore(DynamoDbClient dynamo, KmsClient kms, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.kms = kms;
        this.table = config.table();
        this.kmsKeyId = config.kms().keyId();
    }

    /**
     * The pointer, unless a later generation than the one it names exists: then it was set back
     * to an earlier key, and {@link Tampered} says so.
     */
    Optional<Active> readActive() {
        Optional<Active> active = readPointer();
        if (active.isPresent() && generationExists(active.get().generation() + 1)) {
            // A rotation may have committed between the two reads: a pointer still behind it was rolled back.
            active = readPointer();
            if (active.isPresent() && generationExists(active.get().generation() + 1)) {
                throw tampered("the active branch-key pointer names generation " + active.get().generation()
                        + " while generation " + (active.get().generation() + 1) + " exists: it was set back to an earlier key");
            }
        }
        return active;
    }

    /** Refuses a pointer (other than a legacy one) whose tag does not prove what it says under the key it names. */
    void verify(Active active, BranchKey key) {
        if (active.tag().isEmpty() || !PointerTag.matches(key, active.createdAt(), active.generation(), active.tag().get().asByteArray())) {
            throw tampered("the active branch-key pointer (" + active.branchKeyId() + ") fails its tag: it was not written by AuthKeeper");
        }
    }

    /**
     * The plaintext of a branch key (one GetItem, one KMS Decrypt), or empty if no such key exists;
     * {@link TokenCipher.CannotOpen} if its wrapped key does not unwrap under its own id.
     */
    Optional<byte[]> unwrap(UUID id) {
        return read(PREFIX + id).map(item -> {
            try {
                return kms.decrypt(r -> r.keyId(kmsKeyId).ciphertextBlob(item.get("wrapped").b())
                        .encryptionContext(context(id))).plaintext().asByteArray();
            } catch (InvalidCiphertextException e) {
                LOG.errorf("OPERATOR: branch key %s does not unwrap under its own id: its wrapped key was changed or swapped", id);
                throw new TokenCipher.CannotOpen("branch key " + id + " does not unwrap: its wrapped key was changed", e);
            }
        });
    }

    /**
     * Creates a branch key and makes it active in one transaction, provided the pointer still
     * names {@code replacing} (or is absent when there is none). Empty when another instance got
     * there first, or is writing its own key at this moment (a transaction conflict): the caller
     * reads the pointer again and uses that key.
     */
    Optional<Created> create(Optional<Active> replacing, Instant now) {
        UUID id = UUID.randomUUID();
        long generation = replacing.map(Active::generation).orElse(0L) + 1;
        var dataKey = kms.generateDataKey(r -> r.keyId(kmsKeyId).keySpec(DataKeySpec.AES_256).encryptionContext(context(id)));
        var branchKey = new BranchKey(id, dataKey.plaintext().asByteArray());
        var tag = SdkBytes.fromByteArray(PointerTag.of(branchKey, now, generation));
        var newKey = TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(TableLayout.PK, s(PREFIX + id), TableLayout.SK, s(SORT),
                        "wrapped", AttributeValue.fromB(SdkBytes.fromByteArray(dataKey.ciphertextBlob().asByteArray())),
                        "createdAt", s(now.toString())))
                .conditionExpression("attribute_not_exists(pk)")).build();
        var marker = TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(TableLayout.PK, s(GENERATION + generation), TableLayout.SK, s(SORT),
                        "branchKeyId", s(id.toString()), "createdAt", s(now.toString())))
                .conditionExpression("attribute_not_exists(pk)")).build();
        var pointer = TransactWriteItem.builder().put(p -> {
            p.tableName(table).item(Map.of(TableLayout.PK, s(ACTIVE), TableLayout.SK, s(SORT),
                    "branchKeyId", s(id.toString()), "createdAt", s(now.toString()),
                    "generation", AttributeValue.fromN(Long.toString(generation)), "tag", AttributeValue.fromB(tag)));
            replacing.ifPresentOrElse(
                    previous -> p.conditionExpression("branchKeyId = :previous")
                            .expressionAttributeValues(Map.of(":previous", s(previous.branchKeyId().toString()))),
                    () -> p.conditionExpression("attribute_not_exists(pk)"));
        }).build();
        boolean won;
        try {
            won = Transactions.writeIfConditionsHold(dynamo, List.of(newKey, marker, pointer));
        } catch (TransactionCanceledException e) {
            won = false;
            if (e.cancellationReasons().stream().noneMatch(reason -> "TransactionConflict".equals(reason.code()))) {
                branchKey.close();
                throw e;
            }
        } catch (RuntimeException e) {
            branchKey.close();
            throw e;
        }
        if (!won) {
            branchKey.close();
            return Optional.empty();
        }
        return Optional.of(new Created(branchKey, new Active(id, now, generation, Optional.of(tag))));
    }

    private Optional<Active> readPointer() {
        return read(ACTIVE).map(item -> new Active(UUID.fromString(item.get("branchKeyId").s()),
                Instant.parse(item.get("createdAt").s()),
                item.containsKey("generation") ? Long.parseLong(item.get("generation").n()) : 0,
                Optional.ofNullable(item.get("tag")).map(AttributeValue::b)));
    }

    private boolean generationExists(long generation) {
        return read(GENERATION + generation).isPresent();
    }

    private static Tampered tampered(String what) {
        LOG.errorf("OPERATOR: %s; nothing is sealed until an operator restores it", what);
        return new Tampered(what);
    }

    private Optional<Map<String, AttributeValue>> read(String pk) {
        var response = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(SORT))));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
    }

    private static Map<String, String> context(UUID id) {
        return Map.of(CONTEXT_KEY, id.toString());
    }
}
