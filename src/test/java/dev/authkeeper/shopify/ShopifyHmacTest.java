package dev.authkeeper.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.testing.RequestProperties;

/**
 * Known signatures are computed here, independently, over literal strings spelled as Shopify's
 * library spells the signed query; the properties then show that any change to what was signed
 * fails.
 */
class ShopifyHmacTest {

    static final Secret CURRENT = new Secret("shpss_current-client-secret");
    static final Secret PREVIOUS = new Secret("shpss_previous-client-secret");
    static final long SIGNED_AT = 1_796_000_000L;
    static final String HOST = "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYWNtZQ";

    final ShopifyHmac hmac = new ShopifyHmac(clockAt(SIGNED_AT + 30));

    static Clock clockAt(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    static byte[] hmacSha256(Secret key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.value().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(message);
    }

    static String hex(Secret key, String message) throws Exception {
        return HexFormat.of().formatHex(hmacSha256(key, message.getBytes(StandardCharsets.UTF_8)));
    }

    /** A callback as Shopify sends it, decoded, with an hmac computed over the literal signed text. */
    static Map<String, String> callback(Secret key) throws Exception {
        var query = new LinkedHashMap<String, String>();
        query.put("state", "4f1c2a9d7e");
        query.put("code", "0907a61c0c8d55e99db179b68161bc00");
        query.put("timestamp", String.valueOf(SIGNED_AT));
        query.put("shop", "acme.myshopify.com");
        query.put("host", HOST);
        query.put("hmac", hex(key, "code=0907a61c0c8d55e99db179b68161bc00&host=" + HOST
                + "&shop=acme.myshopify.com&state=4f1c2a9d7e&timestamp=" + SIGNED_AT));
        return query;
    }

    @Test
    void aCallbackSignedWithTheClientSecretIsVerified() throws Exception {
        assertThat(hmac.checkQuery(callback(CURRENT), List.of(CURRENT))).isEqualTo(new HmacCheck.Verified(CURRENT));
    }

    @Test
    void valuesAreSignedEncodedWithSpacesAsPercent20AndTheSignatureParametersLeftOut() throws Exception {
        var query = new LinkedHashMap<String, String>();
        query.put("timestamp", String.valueOf(SIGNED_AT));
        query.put("shop", "acme.myshopify.com");
        query.put("return to", "https://x.test/a b?c=d&e~f*g");
        query.put("locale", "fr");
        query.put("signature", "from-an-app-proxy");
        query.put("hmac", hex(CURRENT, "locale=fr&return%20to=https%3A%2F%2Fx.test%2Fa%20b%3Fc%3Dd%26e%7Ef*g"
                + "&shop=acme.myshopify.com&timestamp=" + SIGNED_AT));

        assertThat(hmac.checkQuery(query, List.of(CURRENT))).isEqualTo(new HmacCheck.Verified(CURRENT));
        assertThat(ShopifyHmac.signQuery(query, CURRENT)).isEqualTo(query.get("hmac"));
    }

    @Test
    void anUpperCaseHexSignatureIsTheSameSignature() throws Exception {
        var query = callback(CURRENT);
        query.put("hmac", query.get("hmac").toUpperCase());

        assertThat(hmac.checkQuery(query, List.of(CURRENT))).isEqualTo(new HmacCheck.Verified(CURRENT));
    }

    @Test
    void duringARotationEitherSecretIsAcceptedAndTheOneThatSignedIsNamed() throws Exception {
        assertThat(hmac.checkQuery(callback(PREVIOUS), List.of(CURRENT, PREVIOUS))).isEqualTo(new HmacCheck.Verified(PREVIOUS));
        assertThat(hmac.checkQuery(callback(CURRENT), List.of(CURRENT, PREVIOUS))).isEqualTo(new HmacCheck.Verified(CURRENT));
        assertThat(hmac.checkQuery(callback(PREVIOUS), List.of(CURRENT))).isEqualTo(new HmacCheck.BadSignature());
        assertThat(hmac.checkQuery(callback(new Secret("another app's secret")), List.of(CURRENT, PREVIOUS)))
                .isEqualTo(new HmacCheck.BadSignature());
    }

    @ParameterizedTest
    @ValueSource(longs = {-90, 0, 90})
    void aTimestampWithinTheToleranceEitherWayIsFresh(long offset) throws Exception {
        var check = new ShopifyHmac(clockAt(SIGNED_AT + offset)).checkQuery(callback(CURRENT), List.of(CURRENT));

        assertThat(check).isEqualTo(new HmacCheck.Verified(CURRENT));
    }

    @ParameterizedTest
    @ValueSource(longs = {-91, 91, 86_400, -86_400})
    void aTimestampBeyondTheToleranceEitherWayIsStale(long offset) throws Exception {
        var check = new ShopifyHmac(clockAt(SIGNED_AT + offset)).checkQuery(callback(CURRENT), List.of(CURRENT));

        assertThat(check).isEqualTo(new HmacCheck.Stale(Duration.ofSeconds(offset)));
    }

    @Test
    void theToleranceIsConfigurable() throws Exception {
        var strict = new ShopifyHmac(clockAt(SIGNED_AT + 11), Duration.ofSeconds(10));

        assertThat(strict.checkQuery(callback(CURRENT), List.of(CURRENT))).isEqualTo(new HmacCheck.Stale(Duration.ofSeconds(11)));
        assertThatThrownBy(() -> new ShopifyHmac(Clock.systemUTC(), Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aForgedOldQueryIsABadSignatureNotStale() throws Exception {
        var forged = callback(new Secret("guess"));

        var check = new ShopifyHmac(clockAt(SIGNED_AT + 3_600)).checkQuery(forged, List.of(CURRENT));

        assertThat(check).isEqualTo(new HmacCheck.BadSignature());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-hex", "0907a61c", "zz07a61c0c8d55e99db179b68161bc000907a61c0c8d55e99db179b68161bc00",
        "0907a61c0c8d55e99db179b68161bc000907a61c0c8d55e99db179b68161bc0000",
        "CQehwMjVXpnbF5toFhvAAJB6YcDI1V6Z2xebaBYbwAA="})
    void aSignatureThatIsNotHexSha256IsMalformed(String signature) throws Exception {
        var query = callback(CURRENT);
        query.put("hmac", signature);

        assertThat(hmac.checkQuery(query, List.of(CURRENT))).isInstanceOf(HmacCheck.Malformed.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "-5", "1.7e9", "1796000000 ", "17960000001234"})
    void aTimestampThatIsNotEpochSecondsIsMalformed(String timestamp) throws Exception {
        var query = callback(CURRENT);
        query.put("timestamp", timestamp);

        assertThat(hmac.checkQuery(query, List.of(CURRENT))).isInstanceOf(HmacCheck.Malformed.class);
    }

    @Test
    void aQueryWithoutSignatureOrTimestampIsMalformedAndSaysWhichWithoutRepeatingValues() throws Exception {
        var unsigned = callback(CURRENT);
        unsigned.remove("hmac");
        var undated = callback(CURRENT);
        undated.remove("timestamp");

        assertThat(hmac.checkQuery(unsigned, List.of(CURRENT))).isEqualTo(new HmacCheck.Malformed("hmac is missing."));
        assertThat(hmac.checkQuery(undated, List.of(CURRENT))).isEqualTo(new HmacCheck.Malformed("timestamp is missing."));
    }

    @Test
    void withoutACandidateSecretNothingCanBeChecked() {
        assertThatThrownBy(() -> hmac.checkQuery(Map.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hmac.checkWebhook(new byte[0], Optional.of("x"), List.of(new Secret(""))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Parameters as a hostile or an ordinary request may carry them, always with a timestamp. */
    static Gen<Map<String, String>> queries() {
        Gen<String> text = RequestProperties.hostile().mix(strings().basicLatinAlphabet().ofLengthBetween(0, 12), 50);
        return lists().of(text.zip(text, Map::entry)).ofSizeBetween(0, 6).map(entries -> {
            var query = new LinkedHashMap<String, String>();
            entries.forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
            query.remove("hmac");
            query.remove("signature");
            query.put("timestamp", String.valueOf(SIGNED_AT));
            return query;
        });
    }

    @Test
    void anyChangedAddedOrRemovedParameterFails() {
        qt().withExamples(400).forAll(queries(), integers().between(0, 99), integers().between(0, 3), strings().basicLatinAlphabet().ofLengthBetween(1, 3))
                .checkAssert((query, pick, change, extra) -> {
                    var signed = new LinkedHashMap<>(query);
                    signed.put("hmac", ShopifyHmac.signQuery(query, CURRENT));
                    assertThat(hmac.checkQuery(signed, List.of(CURRENT))).isEqualTo(new HmacCheck.Verified(CURRENT));

                    var names = List.copyOf(query.keySet());
                    String name = names.get(pick % names.size());
                    var tampered = new LinkedHashMap<>(signed);
                    switch (change) {
                        case 0 -> tampered.put(name, query.get(name) + extra);
                        case 1 -> tampered.put(name + extra, tampered.remove(name));
                        case 2 -> tampered.put(absentName(tampered, name + extra), extra);
                        default -> tampered.remove(name);
                    }
                    assertThat(hmac.checkQuery(tampered, List.of(CURRENT))).as("after change %d of %s", change, name)
                            .isNotInstanceOf(HmacCheck.Verified.class);
                });
    }

    static String absentName(Map<String, String> query, String name) {
        return query.containsKey(name) ? absentName(query, name + "x") : name;
    }

    @Test
    void anyChangedCharacterOfTheSignatureFails() {
        qt().withExamples(300).forAll(queries(), integers().between(0, 63), integers().between(1, 15)).checkAssert((query, at, delta) -> {
            String signature = ShopifyHmac.signQuery(query, CURRENT);
            char changed = Character.forDigit((Character.digit(signature.charAt(at), 16) + delta) % 16, 16);
            var tampered = new LinkedHashMap<>(query);
            tampered.put("hmac", signature.substring(0, at) + changed + signature.substring(at + 1));

            assertThat(hmac.checkQuery(tampered, List.of(CURRENT))).isEqualTo(new HmacCheck.BadSignature());
        });
    }

    static final byte[] WEBHOOK_BODY = "{\"id\":690933842,\"name\":\"Acme\",\"myshopify_domain\":\"acme.myshopify.com\"}"
            .getBytes(StandardCharsets.UTF_8);

    static Optional<String> webhookHeader(Secret key, byte[] body) throws Exception {
        return Optional.of(Base64.getEncoder().encodeToString(hmacSha256(key, body)));
    }

    @Test
    void aWebhookSignedOverItsRawBodyIsVerified() throws Exception {
        var header = webhookHeader(CURRENT, WEBHOOK_BODY);

        assertThat(hmac.checkWebhook(WEBHOOK_BODY, header, List.of(CURRENT))).isEqualTo(new HmacCheck.Verified(CURRENT));
        assertThat(ShopifyHmac.signWebhook(WEBHOOK_BODY, CURRENT)).isEqualTo(header.get());
    }

    @Test
    void aWebhookSignedWithThePreviousSecretIsVerifiedWhileItIsACandidate() throws Exception {
        var header = webhookHeader(PREVIOUS, WEBHOOK_BODY);

        assertThat(hmac.checkWebhook(WEBHOOK_BODY, header, List.of(CURRENT, PREVIOUS))).isEqualTo(new HmacCheck.Verified(PREVIOUS));
        assertThat(hmac.checkWebhook(WEBHOOK_BODY, header, List.of(CURRENT))).isEqualTo(new HmacCheck.BadSignature());
    }

    @Test
    void theSameJsonWrittenAgainIsNotWhatWasSigned() throws Exception {
        var header = webhookHeader(CURRENT, WEBHOOK_BODY);
        byte[] rewritten = "{\"id\": 690933842, \"name\": \"Acme\", \"myshopify_domain\": \"acme.myshopify.com\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(hmac.checkWebhook(rewritten, header, List.of(CURRENT))).isEqualTo(new HmacCheck.BadSignature());
    }

    @Test
    void aWebhookWithoutAUsableSignatureIsMalformed() throws Exception {
        String tooShort = Base64.getEncoder().encodeToString(new byte[31]);
        String hexInstead = HexFormat.of().formatHex(hmacSha256(CURRENT, WEBHOOK_BODY));

        for (var header : List.of(Optional.<String>empty(), Optional.of(""), Optional.of("not base64!"), Optional.of(tooShort),
                Optional.of(hexInstead))) {
            assertThat(hmac.checkWebhook(WEBHOOK_BODY, header, List.of(CURRENT))).as("header %s", header)
                    .isInstanceOf(HmacCheck.Malformed.class);
        }
    }

    @Test
    void anyChangedByteOfTheBodyOrTheSignatureFails() {
        Gen<byte[]> bodies = lists().of(integers().between(0, 255)).ofSizeBetween(1, 300).map(values -> {
            byte[] bytes = new byte[values.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = values.get(i).byteValue();
            }
            return bytes;
        });
        qt().withExamples(400).forAll(bodies, integers().between(0, 1_000), integers().between(1, 255), arbitrary().pick(true, false))
                .checkAssert((body, at, delta, inBody) -> {
                    String header = ShopifyHmac.signWebhook(body, CURRENT);
                    byte[] signature = Base64.getDecoder().decode(header);
                    byte[] tamperedBody = body.clone();
                    if (inBody) {
                        tamperedBody[at % body.length] += delta.byteValue();
                    } else {
                        signature[at % signature.length] += delta.byteValue();
                    }
                    var check = hmac.checkWebhook(tamperedBody, Optional.of(Base64.getEncoder().encodeToString(signature)), List.of(CURRENT));

                    assertThat(check).isEqualTo(new HmacCheck.BadSignature());
                });
    }
}
