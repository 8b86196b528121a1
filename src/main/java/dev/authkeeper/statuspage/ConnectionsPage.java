package dev.authkeeper.statuspage;

import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * What the status page shows a signed-in merchant: each connection in words, with the button it
 * needs, and one button per region to connect another account. Every link is minted for this
 * rendering; the template escapes every value.
 */
@TemplateData
public record ConnectionsPage(String integrator, String marketplace, String merchant, List<Row> connections, List<Connect> connect,
        Palette palette) {

    /**
     * One connection. {@code tone} marks the card ({@code ok}, {@code warning}, {@code problem},
     * {@code neutral}), {@code statusTone} the status badge; {@code note} says why, or what to do,
     * when there is something to say; {@code expires} only while the authorization is in force;
     * the instants are ISO-8601 for {@code <time datetime>}.
     */
    @TemplateData
    public record Row(String elementId, String connectionId, String account, String region, String status, String statusTone,
            String tone, String noteLabel, String note, String lastChecked, String lastCheckedAt, String expires, String expiresAt,
            String expiryWarning, Action action) {
    }

    /** A link styled as a button. */
    @TemplateData
    public record Action(String label, String href) {
    }

    /** Connect a new account in a region. */
    @TemplateData
    public record Connect(String region, String href) {
    }
}
