package dev.authkeeper.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Branch-key items changed in the table by someone who can write it but cannot use the key (any
 * principal but the token roles): a changed pointer, a pointer set back to an earlier key, a
 * changed or swapped wrapped key. Each is refused, with DynamoDB Local and MiniStack's KMS; nothing
 * is sealed under a key the change chose.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class BranchKeyIntegrityTest extends SealingTestBase {

    static final String CONNECTION = "amazon:EU:A1INTEGRITY01";

    @Test
    void aPointerChangedInTheTableIsRefusedByAColdInstanceAndNothingIsSealed() {
        var first = cipher.seal(CONNECTION, new Secret("under-the-first-key"));
        var firstKey = items.activeId();
        clock.advance(keys.rotation().plusMinutes(1));
        cipher.seal(CONNECTION, new Secret("under-the-second-key"));
        var secondKey = items.activeId();
        var pointer = items.item(BranchKeyStore.ACTIVE);

        var changes = Map.<String, Map<String, AttributeValue>>of(
                "another existing key", with(pointer, "branchKeyId", AttributeValue.fromS(firstKey.toString())),
                "a key made younger", with(pointer, "createdAt", AttributeValue.fromS(clock.instant().plusSeconds(3600).toString())),
                "the tag removed", without(pointer, "tag"),
                "a forged tag", with(pointer, "tag", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[32]))),
                "a legacy pointer without tag or generation", without(without(pointer, "tag"), "generation"));
        changes.forEach((change, changed) -> {
            items.put(changed);
            branchKeys.forget();

            assertThatThrownBy(() -> cipher.seal(CONNECTION, new Secret("must-not-be-sealed")))
                    .as(change).isInstanceOf(BranchKeyStore.Tampered.class).hasMessageNotContaining("must-not-be-sealed");
            assertThat(items.keyIds()).as(change + ": no key was created").containsExactlyInAnyOrder(firstKey, secondKey);
            assertThat(items.item(BranchKeyStore.ACTIVE)).as(change + ": the pointer is left for an operator").isEqualTo(changed);
        });

        items.put(pointer);
        branchKeys.forget();
        assertThat(BranchKeyItems.idOf(cipher.seal(CONNECTION, new Secret("restored")))).isEqualTo(secondKey);
        assertThat(cipher.open(CONNECTION, first).value()).isEqualTo("under-the-first-key");
    }

    @Test
    void aPointerSetBackToAnEarlierKeyWithItsOwnValidTagIsRefused() {
        cipher.seal(CONNECTION, new Secret("under-the-first-key"));
        var firstPointer = items.item(BranchKeyStore.ACTIVE);
        clock.advance(keys.rotation().plusMinutes(1));
        var second = cipher.seal(CONNECTION, new Secret("under-the-second-key"));
        var keysBefore = items.keyIds();

        items.put(firstPointer);
        branchKeys.forget();

        assertThatThrownBy(() -> cipher.seal(CONNECTION, new Secret("must-not-be-sealed")))
                .isInstanceOf(BranchKeyStore.Tampered.class).hasMessageContaining("generation 1").hasMessageContaining("generation 2");
        assertThat(items.keyIds()).containsExactlyInAnyOrderElementsOf(keysBefore);
        assertThat(cipher.open(CONNECTION, second).value()).as("opening needs no pointer").isEqualTo("under-the-second-key");
    }

    @Test
    void aWrappedKeyChangedOrSwappedInTheTableDoesNotUnwrapAndNothingOpensOrSealsWithIt() {
        var first = cipher.seal(CONNECTION, new Secret("under-the-first-key"));
        var firstKey = items.activeId();
        clock.advance(keys.rotation().plusMinutes(1));
        var second = cipher.seal(CONNECTION, new Secret("under-the-second-key"));
        var secondKey = items.activeId();
        var firstItem = items.item(BranchKeyStore.PREFIX + firstKey);
        var secondItem = items.item(BranchKeyStore.PREFIX + secondKey);
        byte[] flipped = secondItem.get("wrapped").b().asByteArray();
        flipped[flipped.length / 2] ^= 1;

        var changes = Map.of(
                "a changed wrapped key", with(secondItem, "wrapped", AttributeValue.fromB(SdkBytes.fromByteArray(flipped))),
                "another key's wrapped key", with(secondItem, "wrapped", firstItem.get("wrapped")));
        changes.forEach((change, changed) -> {
            items.put(changed);
            branchKeys.forget();

            assertThatThrownBy(() -> cipher.open(CONNECTION, second)).as(change).isInstanceOf(TokenCipher.CannotOpen.class)
                    .hasMessageNotContaining("under-the-second-key");
            assertThatThrownBy(() -> cipher.seal(CONNECTION, new Secret("must-not-be-sealed"))).as(change)
                    .isInstanceOfAny(TokenCipher.CannotOpen.class, BranchKeyStore.Tampered.class);
            assertThat(cipher.open(CONNECTION, first).value()).as(change + ": other keys still open").isEqualTo("under-the-first-key");
        });
    }

    @Test
    void aPointerFromBeforeTagsIsReplacedByATaggedKeyAndItsTokensStillOpen() {
        var old = cipher.seal(CONNECTION, new Secret("under-the-legacy-key"));
        var legacyKey = items.activeId();
        // As deployments wrote it before pointers carried a tag: no tag, no generation, no generation record.
        items.put(without(without(items.item(BranchKeyStore.ACTIVE), "tag"), "generation"));
        items.all().stream().filter(i -> i.get("pk").s().startsWith(BranchKeyStore.GENERATION))
                .forEach(i -> dynamo.deleteItem(r -> r.tableName(LocalAwsResource.TABLE).key(Map.of("pk", i.get("pk"), "sk", i.get("sk")))));
        branchKeys.forget();

        var fresh = cipher.seal(CONNECTION, new Secret("under-a-tagged-key"));

        UUID taggedKey = items.activeId();
        assertThat(taggedKey).isNotEqualTo(legacyKey);
        assertThat(BranchKeyItems.idOf(fresh)).isEqualTo(taggedKey);
        assertThat(items.item(BranchKeyStore.ACTIVE)).containsKeys("tag", "generation");
        assertThat(cipher.open(CONNECTION, old).value()).isEqualTo("under-the-legacy-key");
    }

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> item, String name, AttributeValue value) {
        var changed = new HashMap<>(item);
        changed.put(name, value);
        return changed;
    }

    private static Map<String, AttributeValue> without(Map<String, AttributeValue> item, String name) {
        var changed = new HashMap<>(item);
        changed.remove(name);
        return changed;
    }
}
