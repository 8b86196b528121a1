package dev.authkeeper.api;

import dev.authkeeper.http.ApiGatewayRequest;

/** A request to one of the API's routes, with the IAM principal that signed it. */
public record ApiCall(ApiRoute route, ApiGatewayRequest request, Caller caller) {
}
