package dev.authkeeper.shopify;

import java.net.URI;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.crypto.Secret;

/**
 * One JSON POST to a shop: the body goes out with {@code Content-Type} and {@code Accept}
 * {@code application/json}, and the access token, when there is one, as
 * {@value #ACCESS_TOKEN_HEADER}. The body may hold a client secret or a token, so
 * {@code toString} names only the address.
 */
public record ShopifyPost(URI uri, Optional<Secret> accessToken, ObjectNode body) {

    public static final String ACCESS_TOKEN_HEADER = "X-Shopify-Access-Token";

    /** The body as JSON text. */
    public String json() {
        return body.toString();
    }

    @Override
    public String toString() {
        return "POST " + uri;
    }
}
