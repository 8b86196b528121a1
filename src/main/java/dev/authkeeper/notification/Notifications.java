package dev.authkeeper.notification;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.authorization.AppRoutes;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;

/** {@code POST /notifications/{app}}: a delivery goes to the receiver of its app's marketplace. */
@ApplicationScoped
public class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);

    private final AppRoutes routes;
    private final Map<String, NotificationReceiver> receivers;

    public Notifications(AppRoutes routes, Instance<NotificationReceiver> receivers) {
        this.routes = routes;
        this.receivers = StreamSupport.stream(receivers.spliterator(), false)
                .collect(Collectors.toUnmodifiableMap(NotificationReceiver::marketplace, Function.identity()));
    }

    public ApiGatewayResponse handle(ApiGatewayRequest request) {
        App app = routes.of(request, "notifications");
        var receiver = receivers.get(app.marketplace());
        if (receiver == null) {
            LOG.infof("A delivery for app %s, whose marketplace sends no notifications here: refused", app.name());
            return ApiGatewayResponse.json(404, "{\"error\":\"not_found\",\"message\":\"This app's marketplace sends no notifications here.\"}", Map.of());
        }
        return receiver.receive(app, request);
    }
}
