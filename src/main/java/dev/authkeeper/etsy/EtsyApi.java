package dev.authkeeper.etsy;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;

/**
 * Etsy's token endpoint, named by its whole URL (the facts file's, or the simulated Etsy's).
 * Connect timeout and pool are configured under {@code quarkus.rest-client.etsy}; a deadline
 * cancels the {@link Uni}, as for LWA.
 */
@RegisterRestClient(configKey = "etsy")
public interface EtsyApi {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> token(@Url String uri, MultivaluedMap<String, String> form);
}
