package dev.authkeeper.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 5869, Appendix A, test cases 1 to 3 (HMAC-SHA256). */
class HkdfTest {

    static final HexFormat HEX = HexFormat.of();

    static byte[] range(int fromInclusive, int toExclusive) {
        byte[] bytes = new byte[toExclusive - fromInclusive];
        IntStream.range(0, bytes.length).forEach(i -> bytes[i] = (byte) (fromInclusive + i));
        return bytes;
    }

    static byte[] repeated(int value, int count) {
        byte[] bytes = new byte[count];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    static Stream<Arguments> rfc5869() {
        return Stream.of(
                Arguments.of("A.1 basic", repeated(0x0b, 22), range(0x00, 0x0d), range(0xf0, 0xfa), 42,
                        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
                        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                Arguments.of("A.2 longer inputs and output", range(0x00, 0x50), range(0x60, 0xb0), range(0xb0, 0x100), 82,
                        "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
                        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
                Arguments.of("A.3 empty salt and info", repeated(0x0b, 22), new byte[0], new byte[0], 42,
                        "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
                        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc5869")
    void matchesTheRfcTestVectors(String name, byte[] ikm, byte[] salt, byte[] info, int length, String prk, String okm) {
        assertThat(HEX.formatHex(Hkdf.extract(salt, ikm))).isEqualTo(prk);
        assertThat(HEX.formatHex(Hkdf.expand(HEX.parseHex(prk), info, length))).isEqualTo(okm);
        assertThat(HEX.formatHex(Hkdf.derive(ikm, salt, info, length))).isEqualTo(okm);
    }

    @Test
    void refusesLengthsTheRfcDoesNotAllow() {
        byte[] prk = new byte[32];
        assertThatThrownBy(() -> Hkdf.expand(prk, new byte[0], 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hkdf.expand(prk, new byte[0], 255 * 32 + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Hkdf.expand(prk, new byte[0], 255 * 32)).hasSize(255 * 32);
    }
}
