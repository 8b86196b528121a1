package dev.authkeeper.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Sealing and opening against DynamoDB Local and KMS on MiniStack, each test from a table without branch keys. */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class TokenCipherTest extends SealingTestBase {

    static final String CONNECTION = "amazon:NA:A1CIPHER00001";
    static final String OTHER_CONNECTION = "amazon:NA:A1CIPHER00002";
    static final String REFRESH_TOKEN = "Atzr|IwEBIRefreshTokenOfTheCipherTest";
    static final int MANY = 1_000;

    SealedToken seal(String token) {
        return cipher.seal(CONNECTION, new Secret(token));
    }

    String open(SealedToken sealed) {
        return cipher.open(CONNECTION, sealed).value();
    }

    /** {@code count} seals then their opens, checking each token comes back. */
    void sealAndOpen(int count) {
        var sealed = new ArrayList<SealedToken>();
        for (int i = 0; i < count; i++) {
            sealed.add(seal(REFRESH_TOKEN + i));
        }
        for (int i = 0; i < count; i++) {
            assertThat(open(sealed.get(i))).isEqualTo(REFRESH_TOKEN + i);
        }
    }

    @Test
    void theFirstSealCreatesTheBranchKeyWithOneGenerateDataKeyAndThenNoKmsCallAtAll() {
        sealAndOpen(MANY);

        assertThat(calls.count("Kms.GenerateDataKey")).isEqualTo(1);
        assertThat(calls.countService("Kms")).isEqualTo(1);
        assertThat(calls.all()).containsExactly("DynamoDb.GetItem", "Kms.GenerateDataKey", "DynamoDb.TransactWriteItems");
        assertThat(items.keyIds()).containsExactly(items.activeId());
    }

    @Test
    void aColdInstanceUnwrapsTheBranchKeyWithExactlyOneDecrypt() {
        var sealedBefore = new ArrayList<SealedToken>();
        for (int i = 0; i < MANY; i++) {
            sealedBefore.add(seal(REFRESH_TOKEN + i));
        }
        branchKeys.forget();
        calls.reset();

        for (int i = 0; i < MANY; i++) {
            assertThat(open(sealedBefore.get(i))).isEqualTo(REFRESH_TOKEN + i);
        }
        sealAndOpen(MANY);

        assertThat(calls.count("Kms.Decrypt")).isEqualTo(1);
        assertThat(calls.countService("Kms")).isEqualTo(1);
        // The branch key on the first open; on the first seal, the active pointer and the check that no
        // later generation exists (a pointer set back).
        assertThat(calls.count("DynamoDb.GetItem")).isEqualTo(3);
    }

    @Test
    void aWarmInstanceSealsAndOpensWithoutAnyAwsCall() {
        seal("warm-up");
        calls.reset();

        sealAndOpen(MANY);

        assertThat(calls.all()).isEmpty();
    }

    @Test
    void afterTheCacheTtlTheBranchKeyIsUnwrappedOnceMore() {
        var sealed = seal(REFRESH_TOKEN);
        calls.reset();

        clock.advance(keys.cacheTtl().minusSeconds(1));
        assertThat(open(sealed)).isEqualTo(REFRESH_TOKEN);
        assertThat(calls.all()).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(open(sealed)).isEqualTo(REFRESH_TOKEN);
        sealAndOpen(10);

        assertThat(calls.count("Kms.Decrypt")).isEqualTo(1);
        assertThat(calls.countService("Kms")).isEqualTo(1);
    }

    @Test
    void aLegacyTokenOpensNeedsResealingAndOpensAgainOnceResealed() {
        var legacy = sealLegacy(CONNECTION, REFRESH_TOKEN);
        calls.reset();

        assertThat(open(legacy)).isEqualTo(REFRESH_TOKEN);
        assertThat(calls.all()).containsExactly("Kms.Decrypt");
        assertThat(cipher.needsResealing(legacy)).isTrue();

        var resealed = cipher.seal(CONNECTION, cipher.open(CONNECTION, legacy));

        assertThat(resealed).isInstanceOf(SealedToken.Hierarchical.class);
        assertThat(cipher.needsResealing(resealed)).isFalse();
        assertThat(open(resealed)).isEqualTo(REFRESH_TOKEN);
    }

    @Test
    void aLegacyTokenDoesNotOpenForAnotherConnectionOrAsAnAccessToken() {
        var legacy = sealLegacy(CONNECTION, REFRESH_TOKEN);

        assertThatThrownBy(() -> cipher.open(OTHER_CONNECTION, legacy))
                .isInstanceOf(TokenCipher.CannotOpen.class).hasMessageNotContaining(REFRESH_TOKEN);
        assertThatThrownBy(() -> cipher.open(TokenKind.ACCESS, CONNECTION, legacy))
                .isInstanceOf(TokenCipher.CannotOpen.class).hasMessageNotContaining(REFRESH_TOKEN);
    }

    @Test
    void bothFormatsGoThroughDynamoDbAndComeBackAsTheyWere() {
        var legacy = sealLegacy(CONNECTION, REFRESH_TOKEN);
        var access = cipher.seal(TokenKind.ACCESS, CONNECTION, new Secret("Atza|access"));
        var key = Map.of("pk", AttributeValue.fromS("CONNECTION#" + CONNECTION), "sk", AttributeValue.fromS("CONNECTION"));
        var item = new HashMap<>(key);
        item.put("token", TokenAttributes.sealedToken(legacy));
        item.put("accessToken", TokenAttributes.sealedToken(access));
        dynamo.putItem(r -> r.tableName(LocalAwsResource.TABLE).item(item));
        try {
            var stored = dynamo.getItem(r -> r.tableName(LocalAwsResource.TABLE).key(key)).item();

            assertThat(stored.get("token").hasM()).isTrue();
            assertThat(stored.get("accessToken").b()).isNotNull();
            assertThat(TokenAttributes.sealedToken(stored)).isInstanceOf(SealedToken.Legacy.class);
            assertThat(open(TokenAttributes.sealedToken(stored))).isEqualTo(REFRESH_TOKEN);
            assertThat(cipher.open(TokenKind.ACCESS, CONNECTION, TokenAttributes.sealedToken(stored, "accessToken")).value())
                    .isEqualTo("Atza|access");
            assertThatThrownBy(() -> TokenAttributes.sealedToken(stored, "missing")).isInstanceOf(IllegalArgumentException.class);
        } finally {
            dynamo.deleteItem(r -> r.tableName(LocalAwsResource.TABLE).key(key));
        }
    }

    @Test
    void aTokenCopiedOntoAnotherConnectionDoesNotOpen() {
        var sealed = seal(REFRESH_TOKEN);

        assertThatThrownBy(() -> cipher.open(OTHER_CONNECTION, sealed))
                .isInstanceOf(TokenCipher.CannotOpen.class).hasMessageNotContaining(REFRESH_TOKEN);
    }

    @Test
    void anAccessTokenNeverOpensAsARefreshTokenNorTheOtherWayRound() {
        var refresh = cipher.seal(TokenKind.REFRESH, CONNECTION, new Secret(REFRESH_TOKEN));
        var access = cipher.seal(TokenKind.ACCESS, CONNECTION, new Secret("Atza|access"));

        assertThat(cipher.open(TokenKind.ACCESS, CONNECTION, access).value()).isEqualTo("Atza|access");
        assertThatThrownBy(() -> cipher.open(TokenKind.ACCESS, CONNECTION, refresh)).isInstanceOf(TokenCipher.CannotOpen.class);
        assertThatThrownBy(() -> cipher.open(TokenKind.REFRESH, CONNECTION, access)).isInstanceOf(TokenCipher.CannotOpen.class);
        assertThatThrownBy(() -> cipher.open(CONNECTION, access)).isInstanceOf(TokenCipher.CannotOpen.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"version, 0", "branch key id, 1", "branch key id, 16", "salt, 17", "salt, 48", "nonce, 49", "nonce, 60",
            "ciphertext, 61", "tag, -16", "tag, -1"})
    void aFlippedBitAnywhereStopsTheTokenFromOpening(String part, int index) {
        byte[] bytes = ((SealedToken.Hierarchical) seal(REFRESH_TOKEN)).bytes();
        byte[] tampered = bytes.clone();
        int at = index < 0 ? bytes.length + index : index;
        tampered[at] ^= 0x10;

        assertThatThrownBy(() -> open(new SealedToken.Hierarchical(tampered)))
                .isInstanceOf(TokenCipher.CannotOpen.class).hasMessageNotContaining(REFRESH_TOKEN);
        assertThat(open(new SealedToken.Hierarchical(bytes))).isEqualTo(REFRESH_TOKEN);
    }

    @Test
    void aTokenNamingAnUnknownBranchKeyDoesNotOpen() {
        byte[] bytes = ((SealedToken.Hierarchical) seal(REFRESH_TOKEN)).bytes();
        UUID unknown = UUID.randomUUID();
        ByteBuffer.wrap(bytes, 1, 16).putLong(unknown.getMostSignificantBits()).putLong(unknown.getLeastSignificantBits());
        calls.reset();

        assertThatThrownBy(() -> open(new SealedToken.Hierarchical(bytes)))
                .isInstanceOf(TokenCipher.CannotOpen.class).hasMessageContaining(unknown.toString())
                .hasMessageNotContaining(REFRESH_TOKEN);
        assertThat(calls.all()).containsExactly("DynamoDb.GetItem");
    }

    @Test
    void sealedTokensShowNoContent() {
        var sealed = seal(REFRESH_TOKEN);

        assertThat(sealed.toString()).doesNotContain(REFRESH_TOKEN).doesNotContainPattern("[0-9a-f]{16}");
        assertThat(sealLegacy(CONNECTION, REFRESH_TOKEN).toString()).doesNotContain(REFRESH_TOKEN).contains("Legacy");
    }

    SealedToken.Legacy sealLegacy(String connectionId, String token) {
        return LegacyTokens.seal(kms, LocalAwsResource.KEY_ALIAS, connectionId, token);
    }
}
