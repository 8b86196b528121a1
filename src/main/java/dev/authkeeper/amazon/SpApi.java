package dev.authkeeper.amazon;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/**
 * The Selling Partner API's Application Management operation; the regional endpoint (NA, EU or FE)
 * is {@code quarkus.rest-client.sp-api.url}. SP-API calls carry an LWA access token only (SigV4 has
 * not been needed since 2023).
 */
@RegisterRestClient(configKey = "sp-api")
@Path("/applications/2023-11-30/clientSecret")
public interface SpApi {

    /** rotateApplicationClientSecret: no body; 204 with no content when accepted, the new secret comes by notification. */
    @POST
    Uni<Response> rotateClientSecret(@HeaderParam("x-amz-access-token") String grantlessToken);
}
