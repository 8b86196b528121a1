package dev.authkeeper.local;

import static dev.authkeeper.local.simulator.Html.escape;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.session.MerchantSessions;

/**
 * The local site's sign-in page: it sets the signed session cookie, checking the signed return
 * address first, as a real sign-in page must.
 */
final class LocalSignIn {

    private final MerchantSessions sessions;
    private final URI publicBaseUrl;
    private final Clock clock;

    LocalSignIn(MerchantSessions sessions, URI publicBaseUrl, Clock clock) {
        this.sessions = sessions;
        this.publicBaseUrl = publicBaseUrl;
        this.clock = clock;
    }

    ApiGatewayResponse form(HttpExchange exchange) {
        var query = Http.parameters(Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
        String returnTo = query.getOrDefault("return_to", "");
        String signature = query.getOrDefault("return_sig", "");
        return SitePage.of(200, "Sign in to your integrator account", """
                <p>This stands in for the integrator's own sign-in page.</p>
                <form method="post" action="/local/sign-in">
                  <label>Merchant id <input name="merchant" value="merchant-1" pattern="[A-Za-z0-9._:@-]{1,128}" required></label>
                  <input type="hidden" name="return_to" value="%s">
                  <input type="hidden" name="return_sig" value="%s">
                  <button>Sign in</button>
                </form>
                """.formatted(escape(returnTo), escape(signature)));
    }

    ApiGatewayResponse signIn(HttpExchange exchange) throws IOException {
        var form = Http.parameters(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String merchant = form.getOrDefault("merchant", "");
        if (!MerchantSessions.MERCHANT_ID.matcher(merchant).matches()) {
            return SitePage.of(400, "Sign-in failed", "<p>A merchant id is letters, digits and . _ : @ - only.</p>");
        }
        String returnTo = form.getOrDefault("return_to", "");
        String next = "/local/connections";
        if (!returnTo.isEmpty()) {
            // What every integrator's sign-in page must do: follow only a return address AuthKeeper signed.
            if (!returnTo.startsWith(publicBaseUrl + "/") || !sessions.isSignedReturn(returnTo, form.get("return_sig"))) {
                return SitePage.of(400, "Sign-in failed", "<p>The return address is not signed by AuthKeeper.</p>");
            }
            next = returnTo;
        }
        String token = sessions.sessionToken(merchant, clock.instant().plus(Duration.ofHours(8)));
        return new ApiGatewayResponse(303, Map.of("Location", next, "Cache-Control", "no-store"),
                List.of(sessions.cookieName() + "=" + token + "; Path=/; HttpOnly; SameSite=Lax"), "");
    }
}
