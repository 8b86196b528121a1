package dev.authkeeper.local.simulator;

import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One answer of a token endpoint, built first and then sent at once, trickled or lost. */
public record Reply(int status, String contentType, byte[] body, Optional<String> retryAfter) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Reply json(int status, ObjectNode body) {
        try {
            return new Reply(status, "application/json;charset=UTF-8", JSON.writeValueAsBytes(body), Optional.empty());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    Reply withRetryAfter(Optional<String> seconds) {
        return new Reply(status, contentType, body, seconds);
    }
}
