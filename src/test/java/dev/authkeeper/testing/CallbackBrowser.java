package dev.authkeeper.testing;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.authkeeper.app.App;
import dev.authkeeper.authorization.BrowserBindings;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.session.MerchantSessions;

/**
 * One browser at the callback: states issued in it (as the Login URI and the authorize route
 * issue them), its cookies when signed in as a merchant, and the redirect back from Amazon.
 */
public final class CallbackBrowser {

    public static final URI SELLER_CENTRAL = URI.create("https://sellercentral.amazon.com");

    private final String binding = BrowserCookies.newBinding();
    private final OAuthStates states;
    private final MerchantSessions sessions;
    private final SimulatedAmazon amazon;

    public CallbackBrowser(OAuthStates states, MerchantSessions sessions, SimulatedAmazon amazon) {
        this.states = states;
        this.sessions = sessions;
        this.amazon = amazon;
    }

    public String binding() {
        return binding;
    }

    /** A state as the Login URI issues it in this browser. */
    public String state(String merchant, Optional<String> expectedAccount) {
        return state(merchant, expectedAccount, "amazon", Instant.now(), Flow.MARKETPLACE);
    }

    public String state(String merchant, Optional<String> expectedAccount, String marketplace, Instant created, Flow flow) {
        return state(merchant, expectedAccount, marketplace, App.DEFAULT, created, flow);
    }

    /** A state issued for {@code app}. */
    public String state(String merchant, Optional<String> expectedAccount, String marketplace, String app, Instant created, Flow flow) {
        var browser = new BrowserBindings.Binding(new Secret(binding));
        var pending = new PendingAuthorization(merchant, flow, marketplace, app, SELLER_CENTRAL, Optional.of("NA"),
                expectedAccount, browser.hash(), created, created.plus(Duration.ofMinutes(10)));
        return states.issue(pending, browser.flowId(pending)).value();
    }

    /** This browser's cookies, signed in as {@code merchant}. */
    public String[] signedIn(String merchant) {
        return new String[] {BrowserCookies.session(sessions, merchant), BrowserCookies.binding(binding)};
    }

    public static String callbackQuery(String state, String seller, String code) {
        return "state=" + state + "&selling_partner_id=" + seller + "&spapi_oauth_code=" + code;
    }

    /** Amazon's redirect after {@code seller} approved, opened here signed in as {@code merchant}. */
    public ApiGatewayResponse callback(String merchant, String state, String seller) {
        return Lambda.get("/callback", callbackQuery(state, seller, amazon.authorizationCode(seller)), signedIn(merchant));
    }
}
