package dev.authkeeper.marketplace;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.authkeeper.crypto.Secret;

/**
 * What a marketplace contributes to the authorization flows: its parameter names, hosts and token
 * endpoint. The flows themselves are marketplace-neutral. An integrator may register several apps
 * with one marketplace; every call names the app it is for by its configured name.
 */
public interface Marketplace {

    /** Short, stable id used in connection ids, such as {@code amazon}. */
    String id();

    /** The name sellers know, such as {@code Amazon}. */
    String displayName();

    /** A region code of this marketplace in words, such as {@code Europe}. */
    String regionName(String region);

    /** Checks a launch request (Amazon's Login URI call) made for {@code app}. */
    LaunchCheck checkLaunch(String app, Parameters parameters);

    /** Where to send the seller after a valid launch, carrying the app's own {@code state}. */
    URI continueLaunch(LaunchRequest request, Secret state);

    /** The consent origin a signed link names, if it is one of this marketplace's. */
    Optional<Origin> origin(URI uri);

    /** The marketplace's API endpoint for connections of {@code region}, where access tokens are used; empty for an unknown region. */
    Optional<URI> apiEndpoint(String region);

    /** Whether {@code app} serves the consent origin's region. */
    boolean serves(String app, Origin origin);

    /** The consent page of {@code app} for a website-initiated authorization. */
    URI consentUri(String app, Origin origin, Secret state);

    /** Checks the marketplace's redirect to the callback (the state is the flow's business). */
    CallbackCheck checkCallback(Parameters parameters);

    /** Exchanges an authorization code issued to {@code app}; a {@link TokenResult.Granted} always carries the refresh token to store. */
    TokenResult exchangeCode(String app, Secret code);

    /** A refresh grant with {@code app}'s credentials, within the marketplace's own call timeout. */
    TokenResult refresh(String app, Secret refreshToken);

    /** A refresh grant with {@code app}'s credentials that also ends by {@code deadline}. */
    TokenResult refresh(String app, Secret refreshToken, Instant deadline);

    /** Asks the marketplace to issue {@code app} a new client secret; the secret itself arrives by another way. */
    RotationRequest requestNewClientSecret(String app);

    /** The marketplace's regions, such as {@code NA}, {@code EU} and {@code FE} for Amazon. */
    List<String> regions();

    /** Where a seller of {@code region} approves a new connection, if the region is one of this marketplace's. */
    Optional<Origin> defaultOrigin(String region);
}
