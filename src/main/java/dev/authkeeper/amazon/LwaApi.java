package dev.authkeeper.amazon;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/**
 * Login with Amazon's token endpoint; the base URL, connect timeout and pool are configured under
 * {@code quarkus.rest-client.lwa}. The answer arrives once its body is complete; cancelling the
 * {@link Uni} resets the request and closes its connection, which is how a deadline cuts a slow answer.
 */
@RegisterRestClient(configKey = "lwa")
@Path("/auth/o2/token")
public interface LwaApi {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> token(MultivaluedMap<String, String> form);
}
