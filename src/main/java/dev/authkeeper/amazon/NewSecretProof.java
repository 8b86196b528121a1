package dev.authkeeper.amazon;

import java.util.LinkedHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.TokenResult;

/**
 * Proves a client secret that a notification brings before AuthKeeper stores it: one grantless
 * {@code client_credentials} grant with it at LWA. A secret Amazon issued works at once; one that
 * does not was not issued by Amazon for this client, so a message planted in the notifications
 * queue cannot replace a working secret with one that never worked.
 */
@ApplicationScoped
public class NewSecretProof {

    /** What LWA said about the secret. */
    public sealed interface Outcome {
        /** LWA accepted the client with this secret. */
        record Works() implements Outcome {
        }

        /** LWA refused the client with this secret: never store it. */
        record Refused(String error) implements Outcome {
        }

        /** LWA could not be asked now; ask again later. */
        record Unknown(String cause) implements Outcome {
        }
    }

    private final LwaTokenEndpoint lwa;

    NewSecretProof(LwaTokenEndpoint lwa) {
        this.lwa = lwa;
    }

    public Outcome prove(String clientId, Secret secret) {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "client_credentials");
        form.put("scope", ClientSecretRotation.SCOPE);
        form.put("client_id", clientId);
        form.put("client_secret", secret.value());
        return switch (lwa.grant(form)) {
            // An answer about the grant itself means LWA accepted the client, as AmazonMarketplace counts it.
            case TokenResult.Granted granted -> new Outcome.Works();
            case TokenResult.AuthorizationRejected rejected -> new Outcome.Works();
            case TokenResult.ApplicationRejected rejected -> new Outcome.Refused(rejected.error());
            case TokenResult.Unexpected unexpected -> new Outcome.Unknown("LWA answered HTTP " + unexpected.status());
            case TokenResult.Transient failure -> new Outcome.Unknown(failure.cause());
        };
    }
}
