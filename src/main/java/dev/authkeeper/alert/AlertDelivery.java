package dev.authkeeper.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AlertConfig;

/**
 * Publishes recorded alerts and events and marks them sent. One merchant's "needs reauthorization"
 * alerts and reminders that fall within the group window reach the merchant as one digest, whichever
 * run or worker recorded them. While a mass rejection is investigated, what would tell a merchant
 * (or the integrator's app) that a connection needs reauthorization is not sent.
 */
@ApplicationScoped
public class AlertDelivery {

    private static final Logger LOG = Logger.getLogger(AlertDelivery.class);
    /** What one publish may take at most: SNS and EventBridge calls give up after 5 seconds. */
    public static final Duration PUBLISH_ALLOWANCE = Duration.ofSeconds(6);
    /** Connections named in one digest; more make another digest. */
    static final int DIGEST_LIMIT = 50;

    private final AlertOutbox outbox;
    private final AlertTexts texts;
    private final AlertPublisher publisher;
    private final Incidents incidents;
    private final AlertConfig config;
    private final Clock clock;

    public AlertDelivery(AlertOutbox outbox, AlertTexts texts, AlertPublisher publisher, Incidents incidents, AlertConfig config,
            Clock clock) {
        this.outbox = outbox;
        this.texts = texts;
        this.publisher = publisher;
        this.incidents = incidents;
        this.config = config;
        this.clock = clock;
    }

    /** What a delivery pass did. */
    public record Delivered(int messages, int entries, boolean stoppedEarly) {
        static final Delivered NONE = new Delivered(0, 0, false);

        public Delivered plus(Delivered other) {
            return new Delivered(messages + other.messages, entries + other.entries, stoppedEarly || other.stoppedEarly);
        }
    }

    /**
     * Sends what a request just recorded when it may go out now, within the time one publish may
     * take; what does not fit goes with the next pass.
     */
    public Delivered deliverNow(List<Alert> recorded) {
        return deliverNow(recorded, clock.instant().plus(PUBLISH_ALLOWANCE).plusSeconds(1));
    }

    /**
     * Sends what a write just recorded when it may go out now (events, operator alerts, a
     * "reconnected" notice). Grouped alerts wait for their siblings; what says a connection needs
     * reauthorization waits for the next pass, after the mass-rejection guard has weighed the run.
     */
    public Delivered deliverNow(List<Alert> recorded, Instant deadline) {
        return sendDue(recorded.stream().filter(a -> !a.kind().grouped() && !a.kind().heldDuringMassRejection()).toList(), deadline);
    }

    /**
     * Sends what a marketplace's own signal just recorded (its revocation: the marketplace said so,
     * no run of checks is left to weigh), each entry once its time has come, until {@code deadline}.
     * Grouped alerts still wait for their siblings, an open mass-rejection incident still holds
     * what it holds, and what fails to publish stays pending for the next pass.
     */
    public Delivered deliverSignalled(List<Alert> recorded, Instant deadline) {
        return sendDue(recorded, deadline);
    }

    private Delivered sendDue(List<Alert> recorded, Instant deadline) {
        Instant now = clock.instant();
        return send(recorded.stream().filter(a -> !a.deliverAt().isAfter(now)).map(List::of).toList(), deadline);
    }

    /** Sends every entry whose time has come, grouping each merchant's alerts, until {@code deadline}. */
    public Delivered deliverDue(Instant deadline) {
        Instant now = clock.instant();
        // Not-yet-due grouped alerts come along with a due sibling of the same merchant.
        List<Alert> pending = outbox.pending(now.plus(config.groupWindow()));
        var groups = new ArrayList<List<Alert>>();
        var byMerchant = new LinkedHashMap<String, List<Alert>>();
        for (Alert alert : pending) {
            if (alert.kind().grouped() && alert.merchantId().isPresent()) {
                byMerchant.computeIfAbsent(alert.merchantId().get(), m -> new ArrayList<>()).add(alert);
            } else if (!alert.deliverAt().isAfter(now)) {
                groups.add(List.of(alert));
            }
        }
        for (var alerts : byMerchant.values()) {
            if (alerts.stream().anyMatch(a -> !a.deliverAt().isAfter(now))) {
                for (int from = 0; from < alerts.size(); from += DIGEST_LIMIT) {
                    groups.add(alerts.subList(from, Math.min(alerts.size(), from + DIGEST_LIMIT)));
                }
            }
        }
        var delivered = send(groups, deadline);
        if (delivered.messages() > 0) {
            LOG.infof("Delivered %d message(s) carrying %d recorded alert(s) and event(s)%s", delivered.messages(),
                    delivered.entries(), delivered.stoppedEarly() ? "; the rest waits for the next pass (time budget)" : "");
        }
        return delivered;
    }

    private Delivered send(List<List<Alert>> groups, Instant deadline) {
        // Each app's mass-rejection incident read once per pass: one app's outage holds only its own alerts.
        var holding = new HashMap<String, Boolean>();
        Predicate<Alert> held = a -> a.kind().heldDuringMassRejection() && holding.computeIfAbsent(a.app().orElse(Incidents.DEFAULT_APP),
                app -> incidents.isOpenForApp(Incidents.Kind.MASS_REJECTION, app));
        var delivered = Delivered.NONE;
        for (var group : groups) {
            var sendable = group.stream().filter(held.negate()).toList();
            if (sendable.isEmpty()) {
                continue;
            }
            if (clock.instant().plus(PUBLISH_ALLOWANCE).isAfter(deadline)) {
                return delivered.plus(new Delivered(0, 0, true));
            }
            delivered = delivered.plus(sendGroup(sendable, deadline));
        }
        return delivered;
    }

    private Delivered sendGroup(List<Alert> group, Instant deadline) {
        Instant now = clock.instant();
        Instant leasedUntil = now.plus(config.publishLease());
        if (!outbox.lease(group, now, leasedUntil)) {
            return Delivered.NONE; // another publisher has it, or it was sent, held or cancelled meanwhile
        }
        Alert first = group.get(0);
        Optional<String> messageId = switch (first.kind().audience()) {
            case INTEGRATOR -> publisher.publishEvent(first.kind(), texts.eventDetail(first));
            case MERCHANT, OPERATOR -> group.size() == 1
                    ? publisher.publish(first.kind().audience(), texts.render(first))
                    : publisher.publish(AlertKind.Audience.MERCHANT, texts.renderDigest(first.merchantId().orElseThrow(), group));
        };
        if (messageId.isEmpty()) {
            outbox.publishFailed(group, leasedUntil); // pending again for the next pass, unless its connection works again by now
            return Delivered.NONE;
        }
        Optional<String> via = group.size() > 1 ? Optional.of("digest") : Optional.empty();
        var following = new ArrayList<Alert>();
        for (Alert alert : group) {
            following.addAll(outbox.markSent(alert, messageId.get(), clock.instant(), via));
        }
        if (group.size() > 1) {
            LOG.infof("Merchant %s: %d connections in one digest", first.merchantId().orElse("?"), group.size());
        }
        // A connection that worked again while this was being published: the fix follows at once.
        return new Delivered(1, group.size(), false).plus(send(following.stream().map(List::of).toList(), deadline));
    }
}
