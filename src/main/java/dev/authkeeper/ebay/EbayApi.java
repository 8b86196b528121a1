package dev.authkeeper.ebay;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;

/**
 * eBay's token endpoint, Identity API and Notification API's public keys; every call names its
 * whole URL ({@link EbayHosts}). Connect timeout and pool are configured under
 * {@code quarkus.rest-client.ebay}; a deadline cancels the {@link Uni}, as for LWA.
 */
@RegisterRestClient(configKey = "ebay")
public interface EbayApi {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> token(@Url String uri, @HeaderParam("Authorization") String basic, MultivaluedMap<String, String> form);

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> get(@Url String uri, @HeaderParam("Authorization") String bearer);
}
