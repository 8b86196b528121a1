package dev.authkeeper.authorization;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.Page;
import dev.authkeeper.http.Pages;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Uris;
import dev.authkeeper.table.ConnectionId;

/** What the callback shows the seller: each way it can end, in the marketplace's words. */
@ApplicationScoped
public class CallbackPages {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy").withZone(ZoneOffset.UTC);

    private final Pages pages;
    private final AuthKeeperConfig config;

    public CallbackPages(Pages pages, AuthKeeperConfig config) {
        this.pages = pages;
        this.config = config;
    }

    ApiGatewayResponse refused(Marketplace marketplace, String reason) {
        return pages.render(Page.of(400, "This authorization cannot be completed", reason, StartAgain.from(marketplace)));
    }

    ApiGatewayResponse declined(Marketplace marketplace, String reason) {
        return pages.render(Page.of(200, marketplace.displayName() + " was not connected", reason,
                "Nothing was changed. " + StartAgain.from(marketplace)));
    }

    ApiGatewayResponse otherAccount(Marketplace marketplace, String launchedFor, String named) {
        return pages.render(Page.of(400, "This authorization names a different " + marketplace.displayName() + " account",
                marketplace.displayName() + " started this authorization for the account " + launchedFor
                        + ", but it came back for " + named + ". Nothing was changed.",
                StartAgain.from(marketplace)));
    }

    ApiGatewayResponse codeExpired(Marketplace marketplace) {
        return pages.render(Page.of(400, "The authorization code has expired",
                marketplace.displayName() + " did not accept the authorization: it is valid for a few minutes and only once.",
                StartAgain.from(marketplace)));
    }

    ApiGatewayResponse appRefused(Marketplace marketplace) {
        return pages.render(Page.of(502, "We could not finish connecting your account",
                "This is a problem on our side, not with your " + marketplace.displayName() + " account or anything you did. "
                        + "Our team has been alerted.",
                "Please try again later from " + StartAgain.place(marketplace) + "."));
    }

    ApiGatewayResponse noAnswer(Marketplace marketplace) {
        return pages.render(Page.of(503, marketplace.displayName() + " did not answer in time",
                "Your account was not connected because " + marketplace.displayName() + "'s sign-in service did not respond.",
                "Please wait a minute, then start again from " + StartAgain.place(marketplace) + "."));
    }

    ApiGatewayResponse unexpectedAnswer(Marketplace marketplace) {
        return pages.render(Page.of(502, marketplace.displayName() + " gave an unexpected answer",
                "Your account was not connected and nothing was changed. Our team can see what happened.",
                "Please try again later from " + StartAgain.place(marketplace) + "."));
    }

    ApiGatewayResponse heldByAnotherMerchant(Marketplace marketplace, ConnectionId id) {
        return pages.render(Page.of(409, "This " + marketplace.displayName() + " account is connected to another account",
                "The " + marketplace.displayName() + " account " + id.accountId() + " is already connected to a different "
                        + config.integratorName() + " account, so nothing was changed.",
                "Our support team has been told and will sort out which account it belongs to. "
                        + "If you also have that other account, you can sign in with it and reconnect from there."));
    }

    /** The end of a connected authorization: the integrator's success page where it has one, else ours. */
    ApiGatewayResponse connected(Marketplace marketplace, ConnectionId id, Optional<ConnectionId> expected, Instant expiresAt) {
        if (config.successUrl().isPresent()) {
            var query = new LinkedHashMap<String, String>();
            query.put("connection", id.value());
            expected.ifPresent(e -> query.put("expected_connection", e.value()));
            return ApiGatewayResponse.redirect(Uris.withQuery(config.successUrl().get(), query));
        }
        String until = "It stays authorized until " + DAY.format(expiresAt) + "; you will be reminded before then.";
        if (expected.isPresent()) {
            return pages.render(Page.of(200, "A different " + marketplace.displayName() + " account was connected",
                    "You signed in to " + marketplace.displayName() + " as " + id.accountId() + ", but this authorization was started for "
                            + expected.get().accountId() + ". " + id.accountId() + " is now connected as a new connection.",
                    expected.get().accountId() + " is still disconnected. To repair it, sign out of " + marketplace.displayName() + " "
                            + "(or use a private window), then authorize again signed in as " + expected.get().accountId() + ".",
                    until));
        }
        return pages.render(Page.of(200, "Your " + marketplace.displayName() + " account is connected",
                "The " + marketplace.displayName() + " account " + id.accountId() + " is now connected to " + config.integratorName() + ".",
                "Orders, settings and mappings you already set up are kept.", until));
    }

    ApiGatewayResponse otherBrowserOrAccount(Marketplace marketplace) {
        return pages.render(Page.of(403, "This authorization was started in another browser",
                "This authorization was started in another browser or by another account of " + config.integratorName()
                        + ", so it cannot be completed here. Nothing was changed.",
                "Start again from " + StartAgain.place(marketplace) + ", or from the newest reconnect link, in this browser "
                        + "and signed in to " + config.integratorName() + " as the account you want to connect."));
    }

    ApiGatewayResponse signedOut(Marketplace marketplace) {
        return pages.render(Page.of(403, "You are not signed in to " + config.integratorName(),
                "To finish connecting, this browser must be signed in to " + config.integratorName()
                        + " as the account that started the authorization. Nothing was changed.",
                "Sign in to " + config.integratorName() + " in this browser, then start again from "
                        + StartAgain.place(marketplace) + "."));
    }

    ApiGatewayResponse otherApp(Marketplace marketplace) {
        return pages.render(Page.of(400, "This authorization was started for another app",
                marketplace.displayName() + " sent this authorization to the wrong address, so it cannot be completed. Nothing was changed.",
                StartAgain.from(marketplace)));
    }

    ApiGatewayResponse staleState(Marketplace marketplace) {
        return pages.render(Page.of(400, "This authorization link has expired or was already used",
                "For your security each authorization link works once and for ten minutes.",
                StartAgain.from(marketplace)));
    }
}
