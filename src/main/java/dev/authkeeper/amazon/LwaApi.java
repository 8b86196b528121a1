package dev.authkeeper.amazon;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Login with Amazon's token endpoint; the base URL and timeouts are configured under {@code quarkus.rest-client.lwa}. */
@RegisterRestClient(configKey = "lwa")
@Path("/auth/o2/token")
public interface LwaApi {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    Response token(MultivaluedMap<String, String> form);
}
