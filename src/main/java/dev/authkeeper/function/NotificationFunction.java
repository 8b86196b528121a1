package dev.authkeeper.function;

import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.HttpEndpoint;
import dev.authkeeper.notification.Notifications;
import io.quarkus.funqy.Funq;

/** {@code POST /notifications/{app}}, behind API Gateway without IAM: a marketplace's signature on each delivery decides. */
public class NotificationFunction {

    private final HttpEndpoint endpoint;
    private final Notifications notifications;

    public NotificationFunction(HttpEndpoint endpoint, Notifications notifications) {
        this.endpoint = endpoint;
        this.notifications = notifications;
    }

    @Funq("notifications")
    public ApiGatewayResponse notifications(ApiGatewayRequest request) {
        return endpoint.serve("notifications", request, notifications::handle);
    }
}
