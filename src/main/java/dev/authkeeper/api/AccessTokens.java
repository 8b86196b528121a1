package dev.authkeeper.api;

import static dev.authkeeper.table.Attributes.string;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.app.App;
import dev.authkeeper.check.CheckOutcome;
import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.check.ConnectionProof;
import dev.authkeeper.check.MassRejectionGuard;
import dev.authkeeper.config.ApiConfig;
import dev.authkeeper.config.Backoff;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.crypto.TokenKind;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An access token for a connection, on request. A cached one costs one DynamoDB read and no KMS
 * call (the branch key is cached). A new one is minted at most once per connection at a time across
 * all instances: the request that takes the cache entry's lease proves the connection with a refresh
 * grant, exactly as the sweep does, and records the outcome through {@link CheckRecorder} (a rotated
 * refresh token kept, an {@code invalid_grant} turned into NEEDS_REAUTHORIZATION with its alert and
 * event); the others wait a bounded time for its token.
 */
@ApplicationScoped
public class AccessTokens {

    private static final Logger LOG = Logger.getLogger(AccessTokens.class);
    /** The lease outlives the mint's LWA budget by this much: recording the outcome and writing the token. */
    private static final Duration RECORDING = Duration.ofSeconds(5);

    /** What a request for a token comes to. */
    public sealed interface Answer {
        record Token(Secret accessToken, Instant expiresAt, ConnectionId id, String merchantId, boolean cached) implements Answer {
        }

        record NotFound() implements Answer {
        }

        record Disconnected(Optional<Instant> since) implements Answer {
        }

        /** The seller must authorize again: why, since when, and where to send them. */
        record NeedsReauthorization(ConnectionId id, String merchantId, URI origin, Optional<String> reasonCode,
                Optional<Instant> since) implements Answer {
        }

        /** Refused while a mass rejection is investigated: probably not the seller's doing. */
        record HeldByMassRejection(ConnectionId id) implements Answer {
        }

        /** Not now: {@code reason} is one of the {@code error} codes of a 503. */
        record Unavailable(String reason, Duration retryAfter) implements Answer {
        }
    }

    static final String THROTTLED = "lwa_unavailable";
    static final String APP_CREDENTIALS = "app_credentials_rejected";
    static final String UNEXPECTED = "lwa_unexpected_answer";
    static final String BUSY = "try_again";

    private final AccessTokenCache cache;
    private final ConnectionProof proof;
    private final CheckRecorder recorder;
    private final MassRejectionGuard guard;
    private final Incidents incidents;
    private final AlertDelivery delivery;
    private final AlertOutbox outbox;
    private final TokenCipher cipher;
    private final ApiConfig config;
    private final Clock clock;

    public AccessTokens(AccessTokenCache cache, ConnectionProof proof, CheckRecorder recorder, MassRejectionGuard guard, Incidents incidents,
            AlertDelivery delivery, AlertOutbox outbox, TokenCipher cipher, ApiConfig config, Clock clock) {
        this.cache = cache;
        this.proof = proof;
        this.recorder = recorder;
        this.guard = guard;
        this.incidents = incidents;
        this.delivery = delivery;
        this.outbox = outbox;
        this.cipher = cipher;
        this.config = config;
        this.clock = clock;
    }

    public Answer get(ConnectionId id) {
        String owner = UUID.randomUUID().toString();
        Instant stopWaiting = clock.instant().plus(config.mintWait());
        Duration poll = config.mintPoll();
        while (true) {
            AccessTokenCache.Read read;
            try {
                read = cache.read(id);
            } catch (AccessTokenCache.Busy e) {
                return new Answer.Unavailable(BUSY, Duration.ofSeconds(1));
            }
            Instant now = clock.instant();
            if (read.connection().isEmpty()) {
                return new Answer.NotFound();
            }
            var item = read.connection().get();
            var status = ConnectionStatus.valueOf(item.get("status").s());
            if (status != ConnectionStatus.ACTIVE) {
                return settled(id, item, status);
            }
            long version = Long.parseLong(item.get("version").n());
            var entry = read.entry();
            if (entry.freshFor(version, now.plus(config.accessTokenMargin()))) {
                return token(id, item, entry, true);
            }
            if (entry.leased(now)) {
                if (entry.failure().isPresent()) {
                    return new Answer.Unavailable(entry.failure().get(), Duration.between(now, entry.leaseUntil().orElseThrow()));
                }
                if (now.isAfter(stopWaiting)) {
                    return new Answer.Unavailable(BUSY, Duration.ofSeconds(1));
                }
                // Growing pauses with jitter: fifty waiting callers read a few times each, not every 100 ms.
                Backoff.pause(Backoff.withJitter(poll));
                poll = poll.multipliedBy(2);
                continue;
            }
            Instant deadline = now.plus(config.mintBudget());
            if (cache.lease(id, version, owner, now, deadline.plus(RECORDING), now.plus(config.accessTokenMargin()))) {
                return mint(CheckedConnection.of(item), owner, deadline);
            }
            // Another request took the lease, or stored a token, since this one read: read again.
            if (clock.instant().isAfter(stopWaiting)) {
                return new Answer.Unavailable(BUSY, Duration.ofSeconds(1));
            }
        }
    }

    private Answer token(ConnectionId id, Map<String, AttributeValue> item, AccessTokenCache.Entry entry, boolean cached) {
        Secret token = cipher.open(TokenKind.ACCESS, id.value(), entry.token().orElseThrow());
        return new Answer.Token(token, entry.expiresAt().orElseThrow(), id, item.get("merchantId").s(), cached);
    }

    /** The answer for a connection that is not ACTIVE. */
    private Answer settled(ConnectionId id, Map<String, AttributeValue> item, ConnectionStatus status) {
        return switch (status) {
            case DISCONNECTED -> new Answer.Disconnected(string(item, "disconnectedAt").map(Instant::parse));
            case NEEDS_REAUTHORIZATION -> {
                String app = string(item, "app").orElse(App.DEFAULT);
                Optional<String> held = string(item, "incidentAlert").filter(sk -> switch (outbox.state(TableLayout.connectionKey(id), sk)) {
                    case HELD -> true;
                    case PENDING -> guard.holding(app);
                    case PUBLISHING, SENT, ABSENT -> false;
                });
                yield held.isPresent() ? new Answer.HeldByMassRejection(id)
                        : new Answer.NeedsReauthorization(id, item.get("merchantId").s(), URI.create(item.get("origin").s()),
                                string(item, "statusReason"), string(item, "needsReauthorizationSince").map(Instant::parse));
            }
            case ACTIVE -> throw new IllegalArgumentException("an ACTIVE connection is not settled");
        };
    }

    /** This request holds the lease: one refresh grant, recorded as the sweep records it, then the token stored or the failure kept. */
    private Answer mint(CheckedConnection connection, String owner, Instant deadline) {
        ConnectionId id = connection.id();
        // Released at the end unless a token was stored or a failure keeps callers away for a while.
        boolean leaseSettled = false;
        try {
            CheckOutcome outcome = proof.refresh(connection, deadline, () -> false);
            if (outcome instanceof CheckOutcome.Revoked) {
                // Weighed as the sweep's rejections are, before it is recorded: the request that shows an app's grants refused
                // en masse holds its own alert, and the ones before it are held before they go out.
                deliver(guard.count(MassRejectionGuard.Scope.of(connection), new MassRejectionGuard.Counts(1, 1), clock.instant()));
            }
            var recorded = recorder.record(connection, outcome);
            deliver(recorded.entries());
            Instant now = clock.instant();
            return switch (outcome) {
                case CheckOutcome.Valid valid -> {
                    if (recorded.result() == CheckRecorder.Result.SUPERSEDED) {
                        LOG.infof("Connection %s changed while its access token was minted; the caller is asked to come back", id);
                        yield new Answer.Unavailable(BUSY, Duration.ofSeconds(1));
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
                        yield settledNow(id);
                    }
                    yield new Answer.Token(valid.accessToken(), Instant.ofEpochSecond(expiresAt.getEpochSecond()), id,
                            connection.merchantId(), false);
                }
                case CheckOutcome.Revoked revoked -> recorded.result() == CheckRecorder.Result.HELD
                        ? new Answer.HeldByMassRejection(id)
                        : settledNow(id);
                case CheckOutcome.AppCredentialsBroken broken -> {
                    LOG.errorf("OPERATOR: %s refused the app's credentials (%s) for an access token of %s", id.marketplace(), broken.error(), id);
                    deliver(incidents.open(Incidents.Kind.APP_CREDENTIALS, broken.error(), now));
                    leaseSettled = true;
                    yield failed(id, owner, APP_CREDENTIALS, now);
                }
                case CheckOutcome.Transient failure -> {
                    leaseSettled = true;
                    yield failed(id, owner, THROTTLED, now);
                }
                case CheckOutcome.Unexpected unexpected -> {
                    LOG.warnf("OPERATOR: %s answered an access-token refresh of %s in a way it does not document (%s)", id.marketplace(), id,
                            unexpected.description());
                    leaseSettled = true;
                    yield failed(id, owner, UNEXPECTED, now);
                }
            };
        } finally {
            if (!leaseSettled) {
                cache.release(id, owner);
            }
        }
    }

    /** The connection's answer as it stands now when it is no longer ACTIVE; otherwise the caller is asked to come back. */
    private Answer settledNow(ConnectionId id) {
        var read = cache.read(id);
        return read.connection()
                .map(item -> ConnectionStatus.valueOf(item.get("status").s()))
                .filter(status -> status != ConnectionStatus.ACTIVE)
                .map(status -> settled(id, read.connection().get(), status))
                .orElseGet(() -> new Answer.Unavailable(BUSY, Duration.ofSeconds(1)));
    }

    private Answer failed(ConnectionId id, String owner, String reason, Instant now) {
        Instant until = now.plus(config.retryAfter());
        cache.fail(id, owner, reason, until);
        return new Answer.Unavailable(reason, config.retryAfter());
    }

    private void deliver(List<Alert> recorded) {
        if (!recorded.isEmpty()) {
            delivery.deliverNow(recorded);
        }
    }
}
