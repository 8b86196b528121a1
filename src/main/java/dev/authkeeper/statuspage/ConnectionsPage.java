package dev.authkeeper.statuspage;

import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * What the status page shows a signed-in merchant: each connection in its marketplace's words, with
 * the button it needs, and for each app the deployment serves a way to connect another account.
 * Every link is minted for this rendering; the template escapes every value.
 *
 * @param marketplaces   the configured marketplaces' names, joined with "and" ("Amazon and Shopify")
 * @param anyMarketplace the same joined with "or", for "no … account"
 */
@TemplateData
public record ConnectionsPage(String integrator, String marketplaces, String anyMarketplace, String merchant, List<Row> connections,
        List<Connect> connect, Palette palette) {

    /**
     * One connection. {@code region} is absent for a marketplace without regions; {@code tone}
     * marks the card ({@code ok}, {@code warning}, {@code problem}, {@code neutral}),
     * {@code statusTone} the status badge; {@code note} says why, or what to do, when there is
     * something to say; {@code expires} only while the authorization is in force; the instants are
     * ISO-8601 for {@code <time datetime>}.
     */
    @TemplateData
    public record Row(String elementId, String connectionId, String marketplace, String account, String region, String status,
            String statusTone, String tone, String noteLabel, String note, String lastChecked, String lastCheckedAt, String expires,
            String expiresAt, String expiryWarning, Action action) {
    }

    /** A link styled as a button. */
    @TemplateData
    public record Action(String label, String href) {
    }

    /**
     * Connecting a new account of one app: a signed link per region for a marketplace with
     * regions, else a form that asks which account (a Shopify shop) before a link can be minted.
     */
    @TemplateData
    public record Connect(String elementId, String title, String intro, List<Action> links, AccountForm form) {
    }

    /**
     * A {@code GET} form to the connect route: {@code app} rides along hidden, the merchant types
     * the account into {@code account}.
     */
    @TemplateData
    public record AccountForm(String action, String app, String label, String hint, String button) {
    }
}
