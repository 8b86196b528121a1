package dev.authkeeper.local;

import static dev.authkeeper.local.simulator.Html.escape;
import static dev.authkeeper.local.simulator.Html.hidden;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.local.AmazonAuthorizations.Authorization;
import dev.authkeeper.local.AmazonAuthorizations.Launch;
import dev.authkeeper.local.AmazonSecrets.ClientSecrets;
import dev.authkeeper.local.SimulatedAmazon.App;
import dev.authkeeper.local.simulator.Html;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Rejected;

/** Seller Central's pages: the home page with the simulator's controls, the launch, confirm and consent pages. */
final class AmazonPages {

    static final String CONFIRM_PATH = "/apps/authorize/confirm/";

    private final SimulatedAmazon amazon;
    private final AmazonAuthorizations authorizations;
    private final AmazonSecrets secrets;
    private final AmazonTokens tokens;

    AmazonPages(SimulatedAmazon amazon, AmazonAuthorizations authorizations, AmazonSecrets secrets, AmazonTokens tokens) {
        this.amazon = amazon;
        this.authorizations = authorizations;
        this.secrets = secrets;
        this.tokens = tokens;
    }

    void home(HttpExchange ex) throws IOException {
        List<Authorization> issued = authorizations.issued();
        Map<String, ClientSecrets> all = secrets.all();
        StringBuilder rows = new StringBuilder();
        for (Authorization a : issued) {
            rows.append("<tr><td>").append(escape(a.app())).append("</td><td>").append(escape(a.sellingPartnerId()))
                    .append("</td><td>").append(a.issuedAt().truncatedTo(ChronoUnit.SECONDS))
                    .append("</td><td>").append(a.revoked() ? "revoked" : "active").append("</td><td>");
            if (!a.revoked()) {
                rows.append(Html.button("/simulator/revoke", "Revoke", "app", a.app(), "selling_partner_id", a.sellingPartnerId()));
            }
            rows.append("</td></tr>");
        }
        StringBuilder apps = new StringBuilder();
        Instant now = amazon.now();
        for (App app : amazon.settings().apps()) {
            ClientSecrets secret = all.get(app.name());
            apps.append("<h2>App <b>").append(escape(app.name())).append("</b>").append(app.draft() ? " (draft)" : "").append("</h2>")
                    .append("<p>Application id <code>").append(escape(app.applicationId())).append("</code>, Login URI <code>")
                    .append(escape(app.loginUri().toString())).append("</code>, redirect URI <code>")
                    .append(escape(app.redirectUri().toString())).append("</code>.</p>")
                    .append("<form method=\"get\" action=\"/simulator/launch\">").append(hidden("app", app.name()))
                    .append("<label>Selling partner id <input name=\"selling_partner_id\" value=\"").append(SimulatedAmazon.DEFAULT_SELLER)
                    .append("\"></label> <button>Authorize ").append(escape(app.name())).append("</button></form>")
                    .append("<p>Client secret issued ").append(secret.issuedAt().truncatedTo(ChronoUnit.SECONDS))
                    .append(secret.previousWorks(now)
                            ? "; the previous one works until " + secret.previousValidUntil().truncatedTo(ChronoUnit.SECONDS) : "")
                    .append(".</p>")
                    .append("<form method=\"post\" action=\"/simulator/rotate\">").append(hidden("app", app.name()))
                    .append("<button>Rotate client secret</button> (what rotateApplicationClientSecret does: a new secret, sent "
                            + "to the notifications queue; the old one works seven more days)</form>")
                    .append(Html.button("/simulator/expiry-notice", "Send expiry notice", "app", app.name()));
        }
        String body = apps
                + "<h2>Authorizations</h2>"
                + (issued.isEmpty() ? "<p>None yet.</p>"
                        : "<table><tr><th>App</th><th>Selling partner id</th><th>Issued at</th><th>Status</th><th></th></tr>"
                                + rows + "</table>")
                + "<h2>Login with Amazon</h2>"
                + Html.toggle("Client secret expired", "/simulator/client-secret-expired", secrets.allExpired())
                + Html.toggle("LWA outage", "/simulator/outage", tokens.outage());
        Html.page(ex, SimulatedAmazon.BRAND, 200, "Simulated Seller Central (local only)", body);
    }

    /** Seller Central calls the app's Login URI exactly like this when the seller clicks "Authorize app". */
    void launch(HttpExchange ex) throws IOException {
        Map<String, String> q = Http.query(ex);
        String seller = Http.required(q, "selling_partner_id");
        App app = amazon.appNamed(q.get("app"));
        String callback = amazon.baseUri() + CONFIRM_PATH + app.applicationId();
        String amazonState = authorizations.launch(app.name(), seller);
        Http.redirect(ex, app.draft()
                ? Http.withQuery(app.loginUri(), "amazon_callback_uri", callback, "amazon_state", amazonState, "selling_partner_id", seller,
                        "version", "beta")
                : Http.withQuery(app.loginUri(), "amazon_callback_uri", callback, "amazon_state", amazonState,
                        "selling_partner_id", seller));
    }

    void confirmPage(HttpExchange ex, String applicationId) throws IOException {
        Map<String, String> q = Http.query(ex);
        App app = requireApp(applicationId, q.get("redirect_uri"));
        Launch launch = authorizations.launchOf(q.get("amazon_state")).filter(l -> l.app().equals(app.name()))
                .orElseThrow(() -> new Rejected("amazon_state is unknown or expired: start again from Seller Central."));
        String state = Http.required(q, "state");
        String body = "<p>AuthKeeper wants access to selling partner account <b>" + escape(launch.sellingPartnerId())
                + "</b>.</p>"
                + "<form method=\"post\" action=\"" + escape(CONFIRM_PATH + applicationId) + "\">"
                + hidden("state", state) + hidden("amazon_state", q.get("amazon_state"))
                + signedInAs(launch.sellingPartnerId()) + decisionButtons() + "</form>";
        Html.page(ex, SimulatedAmazon.BRAND, 200, "Confirm authorization", body);
    }

    void confirmDecision(HttpExchange ex, String applicationId) throws IOException {
        Map<String, String> f = Http.form(ex);
        App app = requireApp(applicationId, null);
        String state = Http.required(f, "state");
        String decision = decision(f);
        Launch launch = authorizations.consumeLaunch(f.get("amazon_state")).filter(l -> l.app().equals(app.name()))
                .orElseThrow(() -> new Rejected("amazon_state is unknown, expired or already used: start again from Seller Central."));
        String seller = Optional.ofNullable(Http.nonBlank(f.get("selling_partner_id"))).orElse(launch.sellingPartnerId());
        decide(ex, app, decision, state, seller);
    }

    void consentPage(HttpExchange ex) throws IOException {
        Map<String, String> q = Http.query(ex);
        App app = requireApp(Http.required(q, "application_id"), q.get("redirect_uri"));
        String state = Http.required(q, "state");
        String body = "<p>The app " + escape(app.name()) + " wants access to your selling partner account.</p>"
                + "<form method=\"post\" action=\"/apps/authorize/consent\">"
                + hidden("application_id", app.applicationId()) + hidden("state", state)
                + signedInAs(SimulatedAmazon.DEFAULT_SELLER) + decisionButtons() + "</form>";
        Html.page(ex, SimulatedAmazon.BRAND, 200, "Authorize " + app.name(), body);
    }

    void consentDecision(HttpExchange ex) throws IOException {
        Map<String, String> f = Http.form(ex);
        App app = requireApp(Http.required(f, "application_id"), null);
        decide(ex, app, decision(f), Http.required(f, "state"), Http.required(f, "selling_partner_id"));
    }

    private App requireApp(String applicationId, String redirectUri) {
        App app = amazon.settings().apps().stream().filter(a -> a.applicationId().equals(applicationId)).findFirst()
                .orElseThrow(() -> new Rejected("This application id is not known to Seller Central."));
        if (redirectUri != null && !app.redirectUri().toString().equals(redirectUri)) {
            throw new Rejected("redirect_uri is not registered for this app");
        }
        return app;
    }

    private static String signedInAs(String sellingPartnerId) {
        return "<p><label>Signed in to Amazon as <input name=\"selling_partner_id\" value=\""
                + escape(sellingPartnerId) + "\"></label></p>";
    }

    private static String decisionButtons() {
        return "<button name=\"decision\" value=\"approve\">Approve</button> "
                + "<button name=\"decision\" value=\"deny\">Deny</button>";
    }

    private static String decision(Map<String, String> form) {
        String decision = form.get("decision");
        if (!"approve".equals(decision) && !"deny".equals(decision)) {
            throw new Rejected("Choose Approve or Deny.");
        }
        return decision;
    }

    private void decide(HttpExchange ex, App app, String decision, String state, String seller) throws IOException {
        if (decision.equals("approve")) {
            Http.redirect(ex, Http.withQuery(app.redirectUri(),
                    "state", state, "selling_partner_id", seller, "spapi_oauth_code", amazon.authorizationCode(app.name(), seller)));
        } else {
            Http.redirect(ex, Http.withQuery(app.redirectUri(),
                    "state", state, "error", "access_denied",
                    "error_description", "The seller declined the authorization"));
        }
    }
}
