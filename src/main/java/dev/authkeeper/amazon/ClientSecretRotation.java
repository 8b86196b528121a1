package dev.authkeeper.amazon;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.RotationRequest;
import io.smallrye.mutiny.TimeoutException;

/**
 * rotateApplicationClientSecret ({@code POST /applications/2023-11-30/clientSecret}) with a
 * grantless token of scope {@code sellingpartnerapi::client_credential:rotation}. Amazon answers
 * 204 and sends the new secret in an APPLICATION_OAUTH_CLIENT_NEW_SECRET notification; errors are
 * {@code {"errors":[{"code","message","details"}]}}, of which only the sanitized code is kept.
 */
@ApplicationScoped
class ClientSecretRotation {

    static final String SCOPE = "sellingpartnerapi::client_credential:rotation";
    private static final Pattern CODE = Pattern.compile("[A-Za-z]{1,40}");

    private final SpApi api;
    private final ObjectMapper json;
    private final Duration timeout;

    ClientSecretRotation(@RestClient SpApi api, ObjectMapper json, AmazonConfig config) {
        this.api = api;
        this.json = json;
        this.timeout = config.lwa().callTimeout();
    }

    RotationRequest rotate(Secret grantlessToken) {
        Response response;
        try {
            response = api.rotateClientSecret(grantlessToken.value())
                    .onFailure(WebApplicationException.class).recoverWithItem(e -> ((WebApplicationException) e).getResponse())
                    .ifNoItem().after(timeout).fail()
                    .await().indefinitely();
        } catch (TimeoutException e) {
            return new RotationRequest.Transient("no answer from SP-API within " + timeout.toMillis() + " ms");
        } catch (RuntimeException e) {
            return new RotationRequest.Transient("no answer from SP-API (" + e.getClass().getSimpleName() + ")");
        }
        try (response) {
            int status = response.getStatus();
            if (status >= 200 && status < 300) {
                return new RotationRequest.Accepted();
            }
            String described = "HTTP " + status + errorCode(response.hasEntity() ? response.readEntity(String.class) : "");
            return status == 429 || status >= 500 ? new RotationRequest.Transient(described) : new RotationRequest.Refused(status, described);
        }
    }

    /** " " and the first error's code, when it is a plain word; nothing else of the body. */
    private String errorCode(String body) {
        try {
            JsonNode code = json.readTree(body).path("errors").path(0).path("code");
            return code.isTextual() && CODE.matcher(code.asText()).matches() ? " " + code.asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
