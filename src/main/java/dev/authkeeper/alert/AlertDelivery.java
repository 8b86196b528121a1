package dev.authkeeper.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AlertConfig;

/**
 * Sends recorded alerts and marks them sent. When two or more of one merchant's connections need
 * reauthorization in the same run, they get one digest instead of one message each.
 */
@ApplicationScoped
public class AlertDelivery {

    private static final Logger LOG = Logger.getLogger(AlertDelivery.class);

    private final AlertOutbox outbox;
    private final AlertTexts texts;
    private final AlertPublisher publisher;
    private final AlertConfig config;
    private final Clock clock;

    public AlertDelivery(AlertOutbox outbox, AlertTexts texts, AlertPublisher publisher, AlertConfig config, Clock clock) {
        this.outbox = outbox;
        this.texts = texts;
        this.publisher = publisher;
        this.config = config;
        this.clock = clock;
    }

    /** Sends alerts this run recorded (and so already holds the lease of); returns how many went out. */
    public int deliver(List<Alert> recorded) {
        var incidentsByMerchant = new LinkedHashMap<String, List<Alert>>();
        var single = new ArrayList<Alert>();
        for (Alert alert : recorded) {
            if (alert.kind() == AlertKind.NEEDS_REAUTHORIZATION && alert.merchantId().isPresent()) {
                incidentsByMerchant.computeIfAbsent(alert.merchantId().get(), m -> new ArrayList<>()).add(alert);
            } else {
                single.add(alert);
            }
        }
        int sent = 0;
        for (var entry : incidentsByMerchant.entrySet()) {
            if (entry.getValue().size() >= 2) {
                sent += sendDigest(entry.getKey(), entry.getValue());
            } else {
                single.addAll(entry.getValue());
            }
        }
        for (Alert alert : single) {
            sent += send(alert);
        }
        return sent;
    }

    /** Sends alerts whose publish failed or whose run ended before sending them; returns how many went out. */
    public int redeliverPending() {
        Instant now = clock.instant();
        var leased = outbox.unclaimed(now).stream()
                .filter(alert -> outbox.lease(alert, now, now.plus(config.publishLease())))
                .toList();
        if (!leased.isEmpty()) {
            LOG.infof("Sending %d alert(s) recorded earlier but not sent then", leased.size());
        }
        return deliver(leased);
    }

    private int send(Alert alert) {
        Optional<String> messageId = publisher.publish(alert.kind().audience(), texts.render(alert));
        messageId.ifPresent(id -> outbox.markSent(alert, id, clock.instant(), Optional.empty()));
        return messageId.isPresent() ? 1 : 0;
    }

    private int sendDigest(String merchantId, List<Alert> alerts) {
        Optional<String> messageId = publisher.publish(AlertKind.Audience.MERCHANT, texts.renderDigest(merchantId, alerts));
        if (messageId.isEmpty()) {
            return 0;
        }
        LOG.infof("Merchant %s: %d connections failed together, sent one digest", merchantId, alerts.size());
        for (Alert alert : alerts) {
            outbox.markSent(alert, messageId.get(), clock.instant(), Optional.of("digest"));
        }
        return 1;
    }
}
