package dev.authkeeper.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.check.CheckOutcome;
import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.check.ConnectionProof;
import dev.authkeeper.config.ApiConfig;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.crypto.TokenKind;
import dev.authkeeper.table.ConnectionId;

/**
 * Mints a connection's access token for the request that holds its cache entry's lease: one refresh
 * grant, recorded as the sweep records it, then the token stored or the failure kept.
 */
@ApplicationScoped
public class AccessTokenMint {

    /** The token route's own category, which its log lines have always had. */
    private static final Logger LOG = Logger.getLogger(AccessTokens.class);

    private final AccessTokenCache cache;
    private final ConnectionProof proof;
    private final MintRecording recording;
    private final InactiveAnswers inactive;
    private final TokenCipher cipher;
    private final ApiConfig config;
    private final Clock clock;

    public AccessTokenMint(AccessTokenCache cache, ConnectionProof proof, MintRecording recording, InactiveAnswers inactive,
            TokenCipher cipher, ApiConfig config, Clock clock) {
        this.cache = cache;
        this.proof = proof;
        this.recording = recording;
        this.inactive = inactive;
        this.cipher = cipher;
        this.config = config;
        this.clock = clock;
    }

    /** This request holds the lease until {@code deadline} as {@code owner}. */
    AccessTokens.Answer mint(CheckedConnection connection, String owner, Instant deadline) {
        ConnectionId id = connection.id();
        // Released at the end unless a token was stored or a failure keeps callers away for a while.
        boolean leaseSettled = false;
        try {
            CheckOutcome outcome = proof.refresh(connection, deadline, () -> false);
            var recorded = recording.record(connection, outcome);
            Instant now = clock.instant();
            return switch (outcome) {
                case CheckOutcome.Valid valid -> {
                    if (recorded.result() == CheckRecorder.Result.SUPERSEDED) {
                        LOG.infof("Connection %s changed while its access token was minted; the caller is asked to come back", id);
                        yield new AccessTokens.Answer.Unavailable(AccessTokens.BUSY, Duration.ofSeconds(1));
                    }
                    // The recorder wrote a rotated (or re-sealed) refresh token, which moved the version on.
                    boolean tokenWritten = recorded.notes().contains(CheckRecorder.Note.TOKEN_ROTATED)
                            || recorded.notes().contains(CheckRecorder.Note.TOKEN_RESEALED);
                    long version = connection.version() + (tokenWritten ? 1 : 0);
                    Instant expiresAt = now.plus(valid.expiresIn());
                    var sealed = cipher.seal(TokenKind.ACCESS, id.value(), valid.accessToken());
                    leaseSettled = cache.store(id, owner, sealed, expiresAt, version);
                    if (!leaseSettled) {
                        LOG.infof("Connection %s: the lease ran out or the connection changed while minting; nothing cached or handed out", id);
                        yield inactive.now(id);
                    }
                    yield new AccessTokens.Answer.Token(valid.accessToken(), Instant.ofEpochSecond(expiresAt.getEpochSecond()), id,
                            connection.merchantId(), false);
                }
                case CheckOutcome.Revoked revoked -> recorded.result() == CheckRecorder.Result.HELD
                        ? new AccessTokens.Answer.HeldByMassRejection(id)
                        : inactive.now(id);
                case CheckOutcome.AppCredentialsBroken broken -> {
                    LOG.errorf("OPERATOR: %s refused the app's credentials (%s) for an access token of %s", id.marketplace(), broken.error(), id);
                    recording.credentialsBroken(broken.error(), now);
                    leaseSettled = true;
                    yield failed(id, owner, AccessTokens.APP_CREDENTIALS, now);
                }
                case CheckOutcome.Transient failure -> {
                    leaseSettled = true;
                    yield failed(id, owner, AccessTokens.THROTTLED, now);
                }
                case CheckOutcome.Unexpected unexpected -> {
                    LOG.warnf("OPERATOR: %s answered an access-token refresh of %s in a way it does not document (%s)", id.marketplace(), id,
                            unexpected.description());
                    leaseSettled = true;
                    yield failed(id, owner, AccessTokens.UNEXPECTED, now);
                }
            };
        } finally {
            if (!leaseSettled) {
                cache.release(id, owner);
            }
        }
    }

    private AccessTokens.Answer failed(ConnectionId id, String owner, String reason, Instant now) {
        Instant until = now.plus(config.retryAfter());
        cache.fail(id, owner, reason, until);
        return new AccessTokens.Answer.Unavailable(reason, config.retryAfter());
    }
}
