package dev.authkeeper.connection;

import java.util.Map;
import java.util.Optional;

import dev.authkeeper.crypto.SealedToken;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Short hands for DynamoDB attribute values. */
public final class Attributes {

    private Attributes() {
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static AttributeValue sealedToken(SealedToken token) {
        return AttributeValue.fromM(Map.of(
                "wrappedKey", AttributeValue.fromB(SdkBytes.fromByteArray(token.wrappedKey())),
                "nonce", AttributeValue.fromB(SdkBytes.fromByteArray(token.nonce())),
                "ciphertext", AttributeValue.fromB(SdkBytes.fromByteArray(token.ciphertext()))));
    }

    /** The sealed refresh token of a connection item. */
    public static SealedToken sealedToken(Map<String, AttributeValue> item) {
        var token = item.get("token").m();
        return new SealedToken(token.get("wrappedKey").b().asByteArray(), token.get("nonce").b().asByteArray(),
                token.get("ciphertext").b().asByteArray());
    }

    public static Optional<String> string(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
    }

    public static Optional<Long> number(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::n).map(Long::parseLong);
    }
}
