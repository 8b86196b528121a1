package dev.authkeeper.marketplace;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/** Reading a marketplace's JSON answers without trusting them: anything not of the expected shape reads as absent. */
public final class JsonAnswer {

    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");

    private final ObjectReader json;

    public JsonAnswer(ObjectMapper json) {
        this.json = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The body as a JSON object; empty for an HTML page, an empty or truncated body, or JSON of another shape. */
    public Optional<JsonNode> object(String body) {
        if (body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A non-empty string at {@code field}. */
    public static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** A positive whole number of seconds, as a JSON number or a string of digits; empty for anything else. */
    public static Optional<Long> positiveSeconds(JsonNode value) {
        String seconds = value.isIntegralNumber() || value.isTextual() ? value.asText() : "";
        return SECONDS.matcher(seconds).matches() && Long.parseLong(seconds) > 0 ? Optional.of(Long.parseLong(seconds)) : Optional.empty();
    }
}
