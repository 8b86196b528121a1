package dev.authkeeper.api;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.table.ConnectionId;

/**
 * Reads the parts of an API request strictly: path parameters, and JSON bodies of a few string
 * fields. Whatever does not fit is refused with a message that names the part, never its value.
 */
@ApplicationScoped
class ApiRequests {

    /** Bodies are a few short fields; anything longer is not one of them. */
    static final int MAX_BODY_BYTES = 4096;
    private static final int MAX_ID_LENGTH = 130;

    private final ObjectReader reader;
    private final Marketplaces marketplaces;

    ApiRequests(ObjectMapper json, Marketplaces marketplaces) {
        this.marketplaces = marketplaces;
        this.reader = json.reader()
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The connection id in the path: {@code amazon:NA:A1…} or {@code shopify:acme.myshopify.com}, escaped or not. */
    ConnectionId connectionId(ApiGatewayRequest request) {
        return connectionId(pathParameter(request, "id"), "The connection id in the path");
    }

    /** The merchant id in the path: letters, digits and {@code ._:@-}, at most 128. */
    static String merchantId(ApiGatewayRequest request) {
        return merchantId(pathParameter(request, "merchantId"), "The merchant id in the path");
    }

    /** A connection id made canonical by its marketplace's account rule, so one account is one connection however it is spelled. */
    ConnectionId connectionId(String value, String what) {
        return Optional.of(value).filter(v -> v.length() <= MAX_ID_LENGTH).flatMap(marketplaces::parse)
                .orElseThrow(() -> ApiProblem.badRequest(what + " is not a connection id of this deployment's marketplaces ("
                        + marketplaces.all().stream().map(Marketplace::id).collect(Collectors.joining(", ")) + "): it is the marketplace, "
                        + "the region where the marketplace has regions, and the account, as in the connectionId of an answer."));
    }

    static String merchantId(String value, String what) {
        if (!MerchantSessions.MERCHANT_ID.matcher(value).matches()) {
            throw ApiProblem.badRequest(what + " is not a merchant id: 1 to 128 letters, digits and . _ : @ - only, "
                    + "the id your site puts in the session cookie.");
        }
        return value;
    }

    /** API Gateway decodes path parameters; a client may still have escaped one twice. */
    private static String pathParameter(ApiGatewayRequest request, String name) {
        String raw = request.pathParameter(name).orElse("");
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("The path has a broken %-escape.");
        }
    }

    /**
     * The body's fields, each a string, all among {@code allowed}; an absent or empty body has none.
     * Refused: more than {@link #MAX_BODY_BYTES}, not valid UTF-8, not one JSON object, a field
     * given twice or unknown, a value that is not a string.
     */
    Map<String, String> fields(ApiGatewayRequest request, List<String> allowed) {
        var fields = new LinkedHashMap<String, String>();
        Optional<JsonNode> read = object(request, MAX_BODY_BYTES, example(allowed), "this route takes a few short fields");
        if (read.isEmpty()) {
            return fields;
        }
        JsonNode body = read.get();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            var field = it.next();
            if (!allowed.contains(field.getKey())) {
                throw ApiProblem.badRequest("The body has a field this route does not take; it takes " + String.join(", ", allowed) + ".");
            }
            if (!field.getValue().isTextual()) {
                throw ApiProblem.badRequest("The field " + field.getKey() + " must be a string.");
            }
            fields.put(field.getKey(), field.getValue().textValue());
        }
        return fields;
    }

    /**
     * The body as one JSON object of at most {@code maxBytes}; empty for an absent or empty body.
     * Refused: larger ({@code what} says what the route takes), not valid UTF-8, not one JSON
     * object, a field given twice. {@code example} shows a body the route takes.
     */
    Optional<JsonNode> object(ApiGatewayRequest request, int maxBytes, String example, String what) {
        byte[] bytes = bytes(request, maxBytes, what);
        if (bytes.length == 0) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            body = reader.readTree(utf8(bytes));
        } catch (IOException e) {
            throw ApiProblem.badRequest("The body is not valid JSON. Send one JSON object, such as " + example + ".");
        }
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("The body must be one JSON object, such as " + example + ".");
        }
        return Optional.of(body);
    }

    private static byte[] bytes(ApiGatewayRequest request, int maxBytes, String what) {
        String body = request.body();
        if (body == null || body.isEmpty()) {
            return new byte[0];
        }
        if (body.length() > maxBytes * 2) {
            throw tooLarge(maxBytes, what);
        }
        byte[] bytes = request.rawBody().orElseThrow(() -> ApiProblem.badRequest("The body could not be read."));
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes, what);
        }
        return bytes;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiProblem.badRequest("The body is not valid UTF-8.");
        }
    }

    private static ApiProblem tooLarge(int maxBytes, String what) {
        return new ApiProblem(413, "body_too_large", "The body is larger than " + maxBytes + " bytes; " + what + ".");
    }

    private static String example(List<String> allowed) {
        return allowed.isEmpty() ? "{}" : "{\"" + allowed.get(0) + "\": \"...\"}";
    }
}
