package dev.authkeeper.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/**
 * Format 2 byte for byte. The expected bytes were computed outside this code base, with Python's
 * {@code cryptography} package (its HKDF and AESGCM), from the same inputs.
 */
class HierarchicalFormatTest {

    static final HexFormat HEX = HexFormat.of();
    static final UUID BRANCH_KEY_ID = UUID.fromString("5f0c8a4e-3b1d-4c7a-9e2f-0123456789ab");
    static final byte[] BRANCH_KEY = HkdfTest.range(0x00, 0x20);
    static final byte[] SALT = HkdfTest.range(0x20, 0x40);
    static final byte[] NONCE = HkdfTest.range(0x40, 0x4c);
    static final String CONNECTION = "amazon:NA:A1SELLER0001";
    static final String REFRESH_TOKEN = "Atzr|IwEBIExample-refresh-token";

    /** Salt first, then nonce: the order in which the format draws them. */
    static Consumer<byte[]> fixedSaltThenNonce() {
        var source = ByteBuffer.allocate(SALT.length + NONCE.length).put(SALT).put(NONCE).flip();
        return into -> source.get(into);
    }

    static BranchKey branchKey() {
        return new BranchKey(BRANCH_KEY_ID, BRANCH_KEY.clone());
    }

    static byte[] sealRefresh() {
        return new HierarchicalFormat(fixedSaltThenNonce()).seal(branchKey(), TokenKind.REFRESH, CONNECTION,
                REFRESH_TOKEN.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRefreshTokenSealsToTheKnownBytes() {
        assertThat(HEX.formatHex(sealRefresh())).isEqualTo("02" + "5f0c8a4e3b1d4c7a9e2f0123456789ab"
                + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" + "404142434445464748494a4b"
                + "30c8b7df65a34df9a0278fc6b41a6c3d17a1dabeb10a25f0f901d4a343afb6"
                + "d87dfe7c631c965dff6c14f5d9e676cf");
    }

    @Test
    void anAccessTokenSealsToTheKnownBytes() {
        byte[] sealed = new HierarchicalFormat(fixedSaltThenNonce()).seal(branchKey(), TokenKind.ACCESS, "amazon:EU:A1SELLER0002",
                "Atza|IwEBIExample-access-token".getBytes(StandardCharsets.UTF_8));

        assertThat(HEX.formatHex(sealed)).isEqualTo("025f0c8a4e3b1d4c7a9e2f0123456789ab"
                + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b"
                + "39c7231f677e029ade90a8f2e2bed29f7f9c6c761e0e90e719c396575f737fa84103f7857e7bf1830fb8781b5019");
    }

    @Test
    void theKnownBytesOpenAndNameTheirBranchKey() {
        byte[] sealed = sealRefresh();

        assertThat(HierarchicalFormat.branchKeyId(sealed)).isEqualTo(BRANCH_KEY_ID);
        assertThat(new String(new HierarchicalFormat(b -> { }).open(branchKey(), TokenKind.REFRESH, CONNECTION, sealed),
                StandardCharsets.UTF_8)).isEqualTo(REFRESH_TOKEN);
    }

    @Test
    void everyFlippedBitAfterTheBranchKeyIdStopsTheTokenFromOpening() {
        byte[] sealed = sealRefresh();
        var format = new HierarchicalFormat(b -> { });
        int checked = 0;
        for (int bit = 0; bit < sealed.length * 8; bit++) {
            int index = bit / 8;
            if (index >= 1 && index <= HierarchicalFormat.BRANCH_KEY_ID_BYTES) {
                continue; // another branch key id: TokenCipherTest, where keys are looked up
            }
            byte[] tampered = sealed.clone();
            tampered[index] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> format.open(branchKey(), TokenKind.REFRESH, CONNECTION, tampered))
                    .as("bit %d (byte %d)", bit, index).isInstanceOf(TokenCipher.CannotOpen.class);
            checked++;
        }
        assertThat(checked).isEqualTo((sealed.length - HierarchicalFormat.BRANCH_KEY_ID_BYTES) * 8);
    }

    @Test
    void anotherConnectionOrKindOrBranchKeyDoesNotOpenIt() {
        byte[] sealed = sealRefresh();
        var format = new HierarchicalFormat(b -> { });
        byte[] otherMaterial = BRANCH_KEY.clone();
        otherMaterial[0] ^= 1;

        assertThatThrownBy(() -> format.open(branchKey(), TokenKind.REFRESH, "amazon:NA:A1SELLER0009", sealed))
                .isInstanceOf(TokenCipher.CannotOpen.class).hasMessageNotContaining(REFRESH_TOKEN);
        assertThatThrownBy(() -> format.open(branchKey(), TokenKind.ACCESS, CONNECTION, sealed))
                .isInstanceOf(TokenCipher.CannotOpen.class);
        assertThatThrownBy(() -> format.open(new BranchKey(BRANCH_KEY_ID, otherMaterial), TokenKind.REFRESH, CONNECTION, sealed))
                .isInstanceOf(TokenCipher.CannotOpen.class);
    }

    @Test
    void aTruncatedTokenIsRefusedBeforeAnyKeyIsLookedUp() {
        byte[] sealed = sealRefresh();
        byte[] headerAndHalfATag = java.util.Arrays.copyOf(sealed, HierarchicalFormat.HEADER_BYTES + 8);

        assertThatThrownBy(() -> HierarchicalFormat.branchKeyId(headerAndHalfATag)).isInstanceOf(TokenCipher.CannotOpen.class);
    }
}
