package dev.authkeeper.function;

import dev.authkeeper.amazon.AppNotification;
import dev.authkeeper.amazon.AppNotifications;
import dev.authkeeper.app.CredentialsCheck;
import io.quarkus.funqy.Funq;

/**
 * The apps' own credentials: Amazon's client-secret notifications, one SQS record each (Funqy's
 * advanced event handling reads each record's body as an {@link AppNotification} and reports the
 * records that throw as batch item failures, so they come back and finally reach the dead-letter
 * queue), and the daily check of every app's secret, invoked by EventBridge Scheduler.
 */
public class AppCredentialsFunctions {

    private final AppNotifications notifications;
    private final CredentialsCheck check;

    public AppCredentialsFunctions(AppNotifications notifications, CredentialsCheck check) {
        this.notifications = notifications;
        this.check = check;
    }

    @Funq("app-notifications")
    public void notification(AppNotification notification) {
        notifications.handle(notification);
    }

    @Funq("app-credentials-check")
    public CredentialsCheck.Report check() {
        return check.run();
    }
}
