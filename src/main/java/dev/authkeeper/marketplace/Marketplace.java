package dev.authkeeper.marketplace;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.authkeeper.crypto.Secret;

/**
 * What a marketplace contributes to the authorization flows: its parameter names, hosts and token
 * endpoint. The flows themselves are marketplace-neutral. An integrator may register several apps
 * with one marketplace; every call names the app it is for by its configured name.
 */
public interface Marketplace {

    /** The portal of a {@link #singleOrigin()}. */
    String CONSENT_PAGE = "consent-page";

    /** The marketplace's facts (its data file), read and checked at start-up. */
    MarketplaceFacts facts();

    /** Short, stable id used in connection ids, such as {@code amazon}. */
    default String id() {
        return facts().id();
    }

    /** The name sellers know, such as {@code Amazon}. */
    default String displayName() {
        return facts().displayName();
    }

    /** A region code of this marketplace in words, such as {@code Europe}. */
    default String regionName(String region) {
        return facts().regionName(region);
    }

    /**
     * When an authorization given at {@code authorizedAt} ends unless the seller renews it: the
     * marketplace's re-consent rule, else the life of a refresh token that is not refreshed.
     */
    default Instant authorizationExpiresAt(Instant authorizedAt) {
        var facts = facts();
        return facts.authorization().reconsentEvery().or(() -> facts.token().refreshToken().window())
                .map(authorizedAt::plus).orElse(Instant.MAX);
    }

    /**
     * The account id again under the marketplace's own name (Amazon's {@code sellingPartnerId},
     * Shopify's {@code shopDomain}), beside the neutral {@code accountId} of answers and events.
     */
    default Map<String, String> accountFields(String accountId) {
        return Map.of(facts().account().eventField(), accountId);
    }

    /**
     * Where a seller consents for an account of a marketplace whose consent happens on the
     * account's own host (a Shopify shop), the account named as a person types it: its full name,
     * or the short one the host suffix completes ({@code acme-store}). Empty for anything else.
     */
    default Optional<Origin> accountOrigin(String typed) {
        var suffix = facts().accountHost().map(MarketplaceFacts.AccountHost::suffix);
        if (suffix.isEmpty() || typed == null) {
            return Optional.empty();
        }
        String name = typed.strip();
        return canonicalAccount(name.contains(".") ? name : name + suffix.get())
                .flatMap(account -> origin(URI.create("https://" + account)));
    }

    /** The account id as connections store it, if {@code raw} is one of this marketplace's. */
    default Optional<String> canonicalAccount(String raw) {
        return facts().account().canonical(raw);
    }

    /** Checks a launch request (Amazon's Login URI call) made for {@code app}. */
    LaunchCheck checkLaunch(String app, Parameters parameters);

    /** Where to send the seller after a valid launch, carrying the app's own {@code state}. */
    URI continueLaunch(LaunchRequest request, Secret state);

    /** The consent origin a signed link names, if it is one of this marketplace's. */
    Optional<Origin> origin(URI uri);

    /** The marketplace's API endpoint for connections of {@code region}, where access tokens are used; empty for an unknown region. */
    default Optional<URI> apiEndpoint(String region) {
        return Optional.ofNullable(facts().regions().get(region)).map(r -> URI.create(r.apiEndpoint()));
    }

    /** Whether {@code app} serves the consent origin's region. */
    boolean serves(String app, Origin origin);

    /** The consent page of {@code app} for a website-initiated authorization. */
    URI consentUri(String app, Origin origin, Secret state);

    /**
     * The consent page of {@code app} with the S256 challenge of {@code pkce}, which the flow
     * creates and keeps with the state when the facts say {@code pkce}. A marketplace without PKCE
     * is given none and need not override this.
     */
    default URI consentUri(String app, Origin origin, Secret state, Optional<Pkce> pkce) {
        return consentUri(app, origin, state);
    }

    /** Checks the marketplace's redirect to {@code app}'s callback (the state is the flow's business). */
    CallbackCheck checkCallback(String app, Parameters parameters);

    /**
     * Exchanges an authorization code issued to {@code app} for {@code accountId} (whose own host
     * the token endpoint may live on); a {@link TokenResult.Granted} always carries the refresh token to store.
     */
    TokenResult exchangeCode(String app, String accountId, Secret code);

    /**
     * Exchanges a code whose redirect named no account ({@link CallbackCheck.ApprovedUnnamed}): a
     * {@link TokenResult.Granted} always carries the refresh token to store and names the account
     * ({@link TokenResult.Granted#accountId()}), read once from the marketplace with the fresh grant.
     */
    default TokenResult exchangeUnnamedCode(String app, Secret code) {
        throw new UnsupportedOperationException(displayName() + " names the account in its redirect");
    }

    /**
     * Exchanges a code as the callback received it: for the account it named, else as an unnamed
     * one, and with the PKCE verifier the flow kept with the state where the marketplace uses PKCE
     * (Etsy), which then overrides this.
     */
    default TokenResult exchangeCode(String app, Optional<String> accountId, Secret code, Optional<Pkce> pkce) {
        return accountId.map(account -> exchangeCode(app, account, code)).orElseGet(() -> exchangeUnnamedCode(app, code));
    }

    /** A refresh grant for {@code accountId} with {@code app}'s credentials that ends by {@code deadline}. */
    TokenResult refresh(String app, String accountId, Secret refreshToken, Instant deadline);

    /**
     * Whether an access token can prove an authorization without a refresh grant ({@link #probe}):
     * worth it where every refresh rotates the refresh token (Shopify), so refreshes are kept for
     * when the access token is gone or the refresh token nears the end of its life.
     */
    default boolean probesAccessTokens() {
        return false;
    }

    /**
     * A call of the marketplace's API with an access token of {@code accountId} that changes
     * nothing and ends by {@code deadline}; only where {@link #probesAccessTokens()}.
     */
    default AccessProbe probe(String accountId, Secret accessToken, Instant deadline) {
        throw new UnsupportedOperationException(displayName() + " proves authorizations by refresh grants only");
    }

    /** Whether the marketplace issued non-expiring tokens that {@link #migrate} trades for expiring ones (Shopify). */
    default boolean migratesNonExpiringTokens() {
        return false;
    }

    /**
     * Trades a non-expiring access token of {@code accountId}, issued to {@code app}, for an expiring
     * one with a refresh token, without the seller; only where {@link #migratesNonExpiringTokens()}.
     * A {@link TokenResult.Granted} always carries the refresh token to store.
     */
    default TokenResult migrate(String app, String accountId, Secret accessToken, Instant deadline) {
        throw new UnsupportedOperationException(displayName() + " has no non-expiring tokens");
    }

    /** Asks the marketplace to issue {@code app} a new client secret; the secret itself arrives by another way. */
    RotationRequest requestNewClientSecret(String app);

    /** The marketplace's regions, such as {@code NA}, {@code EU} and {@code FE} for Amazon; none for a marketplace without regions. */
    default List<String> regions() {
        return List.copyOf(facts().regions().keySet());
    }

    /** Where a seller of {@code region} approves a new connection, if the region is one of this marketplace's. */
    Optional<Origin> defaultOrigin(String region);

    /**
     * Where every seller approves a new connection, for a marketplace with neither regions nor
     * per-account hosts (Etsy's consent page, eBay's sign-in: the facts' {@code consentPortal}); empty for others.
     */
    default Optional<Origin> singleOrigin() {
        return facts().consentPortal().map(portal -> new Origin(URI.create("https://" + portal.host()), Optional.empty(), CONSENT_PAGE));
    }
}
