package dev.authkeeper.notification;

import dev.authkeeper.app.App;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;

/**
 * A marketplace's own signals (webhooks, push notifications) for one of its apps: verified before
 * anything in them is read, answered as the marketplace expects, each delivery acted on once.
 */
public interface NotificationReceiver {

    /** The marketplace whose deliveries this receives, such as {@code shopify}. */
    String marketplace();

    ApiGatewayResponse receive(App app, ApiGatewayRequest request);
}
