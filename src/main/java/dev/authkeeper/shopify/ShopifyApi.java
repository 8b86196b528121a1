package dev.authkeeper.shopify;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;

/**
 * A shop's admin: every call names its whole URL, because each shop is its own host
 * ({@link ShopHosts} decides which). Connect timeout and pool are configured under
 * {@code quarkus.rest-client.shopify}; a deadline cancels the {@link Uni}, as for LWA.
 */
@RegisterRestClient(configKey = "shopify")
public interface ShopifyApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> token(@Url String uri, String body);

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> graphql(@Url String uri, @HeaderParam(ShopifyPost.ACCESS_TOKEN_HEADER) String accessToken, String body);
}
