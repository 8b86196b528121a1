package dev.authkeeper.local;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.local.SimulatedAmazon.App;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Reply;

/** Login with Amazon's token endpoint ({@code POST /auth/o2/token}): its grants, answers and error bodies. */
final class AmazonTokens {

    private static final String ROTATION_SCOPE = "sellingpartnerapi::client_credential:rotation";
    private static final int ACCESS_TOKEN_SECONDS = 3600;

    private final SimulatedAmazon amazon;
    private final AmazonAuthorizations authorizations;
    private final AmazonSecrets secrets;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean outage;
    private volatile boolean grantsOfAnotherClient;

    AmazonTokens(SimulatedAmazon amazon, AmazonAuthorizations authorizations, AmazonSecrets secrets) {
        this.amazon = amazon;
        this.authorizations = authorizations;
        this.secrets = secrets;
    }

    void outage(boolean on) {
        outage = on;
    }

    boolean outage() {
        return outage;
    }

    void grantsOfAnotherClient(boolean on) {
        grantsOfAnotherClient = on;
    }

    void reset() {
        outage = false;
        grantsOfAnotherClient = false;
    }

    /** The answer to a token call whose body held these parameters (null: neither a form nor a JSON object). */
    Reply answer(Map<String, String> p, String grantType) {
        if (outage) {
            return error(500, "server_error", "Internal server error");
        } else if (p == null) {
            return error(400, "invalid_request", "The request is malformed");
        }
        Optional<App> client = amazon.settings().apps().stream().filter(a -> a.clientId().equals(p.get("client_id"))).findFirst()
                .filter(a -> secrets.accepts(a, String.valueOf(p.get("client_secret"))));
        if (client.isEmpty()) {
            return error(401, "invalid_client", "Client authentication failed");
        } else if (grantType == null) {
            return missing("grant_type");
        } else if (grantType.equals("refresh_token") && grantsOfAnotherClient) {
            return error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token");
        }
        return switch (grantType) {
            case "authorization_code" -> exchangeCode(client.get(), p);
            case "refresh_token" -> refresh(client.get(), p);
            case "client_credentials" -> grantless(client.get(), p);
            default -> error(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server");
        };
    }

    /** An error body in LWA's shape for an injected status; 401 is LWA's exact invalid_client. */
    Reply injected(int status) {
        return switch (status) {
            case 401 -> error(status, "invalid_client", "Client authentication failed");
            case 429 -> error(status, "too_many_requests", "Rate exceeded");
            case 503 -> error(status, "temporarily_unavailable", "Service unavailable");
            default -> status >= 500
                    ? error(status, "server_error", "Internal server error")
                    : error(status, "invalid_request", "Simulated failure");
        };
    }

    private Reply exchangeCode(App app, Map<String, String> p) {
        String code = Http.nonBlank(p.get("code"));
        String redirectUri = Http.nonBlank(p.get("redirect_uri"));
        if (code == null) {
            return missing("code");
        } else if (redirectUri == null) {
            return missing("redirect_uri");
        }
        return authorizations.redeem(app.name(), code, redirectUri).map(this::tokens)
                .orElseGet(() -> error(400, "invalid_grant", "The request has an invalid grant parameter : code"));
    }

    private Reply refresh(App app, Map<String, String> p) {
        String presented = Http.nonBlank(p.get("refresh_token"));
        if (presented == null) {
            return missing("refresh_token");
        }
        return authorizations.refresh(app.name(), presented).map(this::tokens)
                .orElseGet(() -> error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"));
    }

    /** A grantless token: only for the rotation scope, with no refresh token, as LWA answers it. */
    private Reply grantless(App app, Map<String, String> p) {
        if (!ROTATION_SCOPE.equals(p.get("scope"))) {
            return error(400, "invalid_scope", "The request has an invalid parameter : scope");
        }
        return Reply.json(200, json.createObjectNode().put("access_token", secrets.grantless(app, ACCESS_TOKEN_SECONDS))
                .put("token_type", "bearer").put("expires_in", ACCESS_TOKEN_SECONDS));
    }

    private Reply tokens(String refreshToken) {
        ObjectNode body = json.createObjectNode()
                .put("access_token", "Atza|" + amazon.newToken(48))
                .put("refresh_token", refreshToken)
                .put("token_type", "bearer")
                .put("expires_in", ACCESS_TOKEN_SECONDS);
        return Reply.json(200, body);
    }

    private Reply missing(String parameter) {
        return error(400, "invalid_request", "The request is missing a required parameter : " + parameter);
    }

    /** LWA's error body: error_description first, then error. */
    private Reply error(int status, String error, String description) {
        return Reply.json(status, json.createObjectNode().put("error_description", description).put("error", error));
    }
}
