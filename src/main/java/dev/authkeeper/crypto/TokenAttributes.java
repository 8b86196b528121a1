package dev.authkeeper.crypto;

import java.util.Map;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A sealed token as a DynamoDB attribute, in either of its formats. */
public final class TokenAttributes {

    private TokenAttributes() {
    }

    /** Format 2 as one binary attribute; format 1 as the map it has always been. */
    public static AttributeValue sealedToken(SealedToken token) {
        return switch (token) {
            case SealedToken.Hierarchical hierarchical -> AttributeValue.fromB(SdkBytes.fromByteArray(hierarchical.bytes()));
            case SealedToken.Legacy legacy -> AttributeValue.fromM(Map.of(
                    "wrappedKey", AttributeValue.fromB(SdkBytes.fromByteArray(legacy.wrappedKey())),
                    "nonce", AttributeValue.fromB(SdkBytes.fromByteArray(legacy.nonce())),
                    "ciphertext", AttributeValue.fromB(SdkBytes.fromByteArray(legacy.ciphertext()))));
        };
    }

    /** The sealed refresh token of a connection item. */
    public static SealedToken sealedToken(Map<String, AttributeValue> item) {
        return sealedToken(item, "token");
    }

    /** The sealed token in attribute {@code name}, in either format. */
    public static SealedToken sealedToken(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value != null && value.b() != null) {
            return new SealedToken.Hierarchical(value.b().asByteArray());
        }
        if (value != null && value.hasM()) {
            var token = value.m();
            return new SealedToken.Legacy(token.get("wrappedKey").b().asByteArray(), token.get("nonce").b().asByteArray(),
                    token.get("ciphertext").b().asByteArray());
        }
        throw new IllegalArgumentException("the item has no sealed token in attribute " + name);
    }
}
