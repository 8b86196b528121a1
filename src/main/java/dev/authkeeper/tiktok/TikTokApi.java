package dev.authkeeper.tiktok;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;

/**
 * TikTok Shop's token host. Both token calls are GETs whose whole query (app secret included) the
 * caller builds, so the URL is never logged or put into an exception message by AuthKeeper;
 * connect timeout and pool are configured under {@code quarkus.rest-client.tiktok}.
 */
@RegisterRestClient(configKey = "tiktok")
public interface TikTokApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> token(@Url String uri);

    /** A signed Partner API call with the seller's access token. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> call(@Url String uri, @HeaderParam("x-tts-access-token") String accessToken);
}
