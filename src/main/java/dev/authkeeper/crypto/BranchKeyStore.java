package dev.authkeeper.crypto;

import static dev.authkeeper.connection.Attributes.s;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.TableLayout;
import dev.authkeeper.connection.Transactions;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;

/**
 * Branch keys in the table: {@code BRANCH_KEY#<uuid>} holds a 32-byte AES key as KMS wrapped it
 * (encryption context {@code authkeeper:branch-key} = the uuid), {@code BRANCH_KEY#ACTIVE} names
 * the key new tokens are sealed under. Reads are strongly consistent: a key another instance has
 * just created must be found.
 */
@ApplicationScoped
class BranchKeyStore {

    static final String PREFIX = "BRANCH_KEY#";
    static final String SORT = "BRANCH_KEY";
    static final String ACTIVE = PREFIX + "ACTIVE";
    static final String CONTEXT_KEY = "authkeeper:branch-key";

    /** What the active pointer says. */
    record Active(UUID branchKeyId, Instant createdAt) {
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

    Optional<Active> readActive() {
        return read(ACTIVE).map(item -> new Active(UUID.fromString(item.get("branchKeyId").s()),
                Instant.parse(item.get("createdAt").s())));
    }

    /** The plaintext of a branch key (one GetItem, one KMS Decrypt), or empty if no such key exists. */
    Optional<byte[]> unwrap(UUID id) {
        return read(PREFIX + id).map(item -> kms.decrypt(r -> r.keyId(kmsKeyId).ciphertextBlob(item.get("wrapped").b())
                .encryptionContext(context(id))).plaintext().asByteArray());
    }

    /**
     * Creates a branch key and makes it active in one transaction, provided the pointer still
     * names {@code replacing} (or is absent when there is none). Empty when another instance got
     * there first, or is writing its own key at this moment (a transaction conflict): the caller
     * reads the pointer again and uses that key.
     */
    Optional<BranchKey> create(Optional<UUID> replacing, Instant now) {
        UUID id = UUID.randomUUID();
        var dataKey = kms.generateDataKey(r -> r.keyId(kmsKeyId).keySpec(DataKeySpec.AES_256).encryptionContext(context(id)));
        var branchKey = new BranchKey(id, dataKey.plaintext().asByteArray());
        var newKey = TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(TableLayout.PK, s(PREFIX + id), TableLayout.SK, s(SORT),
                        "wrapped", AttributeValue.fromB(SdkBytes.fromByteArray(dataKey.ciphertextBlob().asByteArray())),
                        "createdAt", s(now.toString())))
                .conditionExpression("attribute_not_exists(pk)")).build();
        var pointer = TransactWriteItem.builder().put(p -> {
            p.tableName(table).item(Map.of(TableLayout.PK, s(ACTIVE), TableLayout.SK, s(SORT),
                    "branchKeyId", s(id.toString()), "createdAt", s(now.toString())));
            replacing.ifPresentOrElse(
                    previous -> p.conditionExpression("branchKeyId = :previous")
                            .expressionAttributeValues(Map.of(":previous", s(previous.toString()))),
                    () -> p.conditionExpression("attribute_not_exists(pk)"));
        }).build();
        boolean won;
        try {
            won = Transactions.writeIfConditionsHold(dynamo, List.of(newKey, pointer));
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
        return Optional.of(branchKey);
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
