package dev.authkeeper.local.shopify;

import static dev.authkeeper.local.simulator.Html.escape;
import static dev.authkeeper.local.simulator.Html.hidden;

import java.io.IOException;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.local.shopify.SimulatedShopify.App;
import dev.authkeeper.local.simulator.Html;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Rejected;

/** The shop admin's pages: the simulator's index, a shop's admin with its apps, and the OAuth consent page. */
final class ShopifyAdmin {

    private final SimulatedShopify shopify;

    ShopifyAdmin(SimulatedShopify shopify) {
        this.shopify = shopify;
    }

    void index(HttpExchange ex) throws IOException {
        String body = "<form method=\"get\" action=\"/simulator/open\"><label>Shop <input name=\"shop\" value=\""
                + escape(SimulatedShopify.DEFAULT_SHOP) + "\"></label> <button>Open its admin</button></form>";
        Html.page(ex, SimulatedShopify.BRAND, 200, "Simulated Shopify (local only)", body);
    }

    /** A shop's admin: per app, the link Shopify opens the app with, its tokens, and the merchant's actions. */
    void admin(HttpExchange ex, String shop) throws IOException {
        StringBuilder body = new StringBuilder("<p>Shop <b>").append(escape(shop)).append("</b>, id ")
                .append(shopify.shopId(shop)).append(".</p>");
        for (App app : shopify.settings().apps()) {
            String action = "/" + shop + "/admin/simulator/";
            body.append("<h2>App <b>").append(escape(app.name())).append("</b></h2>")
                    .append("<p><a href=\"").append(escape(shopify.launchUri(app.name(), shop).toString())).append("\">Open/Install app</a></p>")
                    .append("<p>Live refresh tokens: ").append(shopify.liveRefreshTokenCount(app.name(), shop)).append(".</p>")
                    .append(Html.button(action + "uninstall", "Uninstall (sends app/uninstalled)", "app", app.name()))
                    .append(Html.button(action + "revoke", "Revoke its tokens (no webhook)", "app", app.name()))
                    .append(Html.button(action + "reinstall-elsewhere", "Reinstall elsewhere (another install replaces the tokens)",
                            "app", app.name()))
                    .append(Html.button(action + "shop-redact", "Send shop/redact", "app", app.name()));
        }
        Html.page(ex, SimulatedShopify.BRAND, 200, "Shopify admin", body.toString());
    }

    void authorizePage(HttpExchange ex, String shop) throws IOException {
        Map<String, String> q = Http.query(ex);
        App app = requireApp(q);
        String scope = Http.required(q, "scope");
        String state = Http.required(q, "state");
        if (!q.getOrDefault("grant_options[]", "").isBlank()) {
            throw new Rejected("Online (per-user) access tokens are not simulated; leave grant_options[] empty.");
        }
        String body = "<p>The app <b>" + escape(app.name()) + "</b> wants access to <b>" + escape(shop) + "</b> with the scopes <code>"
                + escape(scope) + "</code>.</p>"
                + "<form method=\"post\" action=\"" + escape("/" + shop + "/admin/oauth/authorize") + "\">"
                + hidden("client_id", app.clientId()) + hidden("scope", scope) + hidden("redirect_uri", app.redirectUri().toString())
                + hidden("state", state)
                + "<button name=\"decision\" value=\"approve\">Approve</button> "
                + "<button name=\"decision\" value=\"decline\">Decline</button></form>";
        Html.page(ex, SimulatedShopify.BRAND, 200, "Install " + app.name(), body);
    }

    /**
     * Approve: to the redirect URI with {@code code, hmac, host, shop, state, timestamp}. Decline: our
     * choice, as Shopify documents no redirect for it: the same signed parameters with
     * {@code error=access_denied} in place of the code.
     */
    void authorizeDecision(HttpExchange ex, String shop) throws IOException {
        Map<String, String> f = Http.form(ex);
        App app = requireApp(f);
        String scope = Http.required(f, "scope");
        String state = Http.required(f, "state");
        String decision = f.get("decision");
        if (!"approve".equals(decision) && !"decline".equals(decision)) {
            throw new Rejected("Choose Approve or Decline.");
        }
        Map<String, String> callback = decision.equals("approve")
                ? shopify.signedParameters(app, shop, "code", shopify.authorizationCode(app.name(), shop, scope), "state", state)
                : shopify.signedParameters(app, shop, "error", "access_denied", "state", state);
        Http.redirect(ex, Http.withQuery(app.redirectUri(), callback));
    }

    private App requireApp(Map<String, String> p) {
        App app = shopify.settings().apps().stream().filter(a -> a.clientId().equals(p.get("client_id"))).findFirst()
                .orElseThrow(() -> new Rejected("Oauth error invalid_request: the client_id is not a known app."));
        if (!app.redirectUri().toString().equals(p.get("redirect_uri"))) {
            throw new Rejected("Oauth error invalid_request: the redirect_uri is not registered for this app.");
        }
        return app;
    }
}
