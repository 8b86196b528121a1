package dev.authkeeper.notification;

import java.util.List;
import java.util.Map;

import dev.authkeeper.http.ApiGatewayResponse;

/** The answer to a delivery: its status and, but for a 204, {@code {"outcome":…,"message":…}}. */
public record Answer(int status, String outcome, String message) {

    public ApiGatewayResponse response() {
        return status == 204 ? new ApiGatewayResponse(204, Map.of(), List.of(), "")
                : ApiGatewayResponse.json(status, "{\"outcome\":\"" + outcome + "\",\"message\":\"" + message + "\"}", Map.of());
    }
}
