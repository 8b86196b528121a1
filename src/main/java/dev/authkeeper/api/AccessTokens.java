package dev.authkeeper.api;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.config.ApiConfig;
import dev.authkeeper.config.Backoff;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.crypto.TokenKind;
import dev.authkeeper.table.ConnectionId;
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
    private final AccessTokenMint mint;
    private final InactiveAnswers inactive;
    private final TokenCipher cipher;
    private final ApiConfig config;
    private final Clock clock;

    public AccessTokens(AccessTokenCache cache, AccessTokenMint mint, InactiveAnswers inactive, TokenCipher cipher, ApiConfig config,
            Clock clock) {
        this.cache = cache;
        this.mint = mint;
        this.inactive = inactive;
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
                return inactive.of(id, item, status);
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
                return mint.mint(CheckedConnection.of(item), owner, deadline);
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
}
