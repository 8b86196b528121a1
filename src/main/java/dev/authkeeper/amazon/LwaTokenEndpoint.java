package dev.authkeeper.amazon;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.marketplace.TokenResult;

/** One call to the LWA token endpoint, its answer classified by {@link LwaAnswerClassifier}. */
@ApplicationScoped
public class LwaTokenEndpoint {

    private static final Logger LOG = Logger.getLogger(LwaTokenEndpoint.class);

    private final LwaApi api;
    private final LwaAnswerClassifier classifier;

    public LwaTokenEndpoint(@RestClient LwaApi api, ObjectMapper json) {
        this.api = api;
        this.classifier = new LwaAnswerClassifier(json);
    }

    public TokenResult grant(Map<String, String> form) {
        var body = new MultivaluedHashMap<String, String>();
        form.forEach(body::add);
        try (Response response = call(body)) {
            String text = response.hasEntity() ? response.readEntity(String.class) : "";
            return classifier.classify(response.getStatus(), text, Optional.ofNullable(response.getHeaderString("Retry-After")));
        } catch (ProcessingException e) {
            LOG.warnf("LWA token endpoint unreachable or too slow: %s", e.getClass().getSimpleName());
            return new TokenResult.Transient("no answer from LWA (" + rootCause(e) + ")", Optional.empty());
        }
    }

    private Response call(MultivaluedHashMap<String, String> body) {
        try {
            return api.token(body);
        } catch (WebApplicationException e) {
            return e.getResponse();
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
