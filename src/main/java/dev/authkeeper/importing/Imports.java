package dev.authkeeper.importing;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.authorization.AuthorizationRecorder;
import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.Connection;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.marketplace.TokenResult;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.table.ConnectionId;

/**
 * Imports authorizations an integrator already holds. Each is proven with one grant (a refresh,
 * or the migration of a non-expiring token) before it is stored sealed, exactly as a callback
 * stores a fresh one, with the same events; an unproven token is never stored. An account already
 * authorized for the same merchant is left alone before the marketplace is asked, so importing the
 * same items again changes nothing and spends no grant.
 */
@ApplicationScoped
public class Imports {

    private static final Logger LOG = Logger.getLogger(Imports.class);
    /** Longer is no token any marketplace issues; refusing it keeps a pasted file out of a grant request. */
    static final int MAX_TOKEN_LENGTH = 4096;

    private final Marketplaces marketplaces;
    private final Apps apps;
    private final ConnectionRepository connections;
    private final TokenCipher cipher;
    private final AuthorizationRecorder recorder;
    private final Clock clock;

    public Imports(Marketplaces marketplaces, Apps apps, ConnectionRepository connections, TokenCipher cipher, AuthorizationRecorder recorder,
            Clock clock) {
        this.marketplaces = marketplaces;
        this.apps = apps;
        this.connections = connections;
        this.cipher = cipher;
        this.recorder = recorder;
        this.clock = clock;
    }

    /** An item checked: where it goes and the one grant that proves it, or what is wrong with it. */
    private sealed interface Check {
        record Valid(Marketplace marketplace, App app, ConnectionId id, Origin origin, String merchantId, Secret token,
                boolean nonExpiring) implements Check {
        }

        record Refused(String problem) implements Check {
        }
    }

    /** Imports one item; the grant ends by {@code deadline}, and what the import tells is published by {@code publishBy}. */
    public ImportOutcome importOne(ImportItem item, Instant deadline, Instant publishBy) {
        return switch (check(item)) {
            case Check.Refused refused -> new ImportOutcome.Invalid(refused.problem());
            case Check.Valid valid -> prove(valid, deadline, publishBy);
        };
    }

    private ImportOutcome prove(Check.Valid valid, Instant deadline, Instant publishBy) {
        ConnectionId id = valid.id();
        Optional<Connection> existing = connections.find(id);
        if (existing.isPresent() && existing.get().status() != ConnectionStatus.DISCONNECTED) {
            if (!existing.get().merchantId().equals(valid.merchantId())) {
                LOG.warnf("Import of %s for merchant %s refused: merchant %s holds it", id, valid.merchantId(), existing.get().merchantId());
                return new ImportOutcome.Conflict(id);
            }
            if (existing.get().status() == ConnectionStatus.ACTIVE) {
                return new ImportOutcome.AlreadyPresent(id);
            }
        }
        if (!clock.instant().isBefore(deadline)) {
            return new ImportOutcome.Retry(Optional.of(id), "time_budget", Optional.empty());
        }
        TokenResult proof = valid.nonExpiring()
                ? valid.marketplace().migrate(valid.app().name(), id.accountId(), valid.token(), deadline)
                : valid.marketplace().refresh(valid.app().name(), id.accountId(), valid.token(), deadline);
        return switch (proof) {
            case TokenResult.Granted granted -> store(valid, granted.refreshToken().orElse(valid.token()), publishBy);
            case TokenResult.AuthorizationRejected rejected -> {
                LOG.infof("Import of %s for merchant %s rejected by %s: %s", id, valid.merchantId(), valid.marketplace().displayName(),
                        rejected.error());
                yield new ImportOutcome.Rejected(id, rejected.error());
            }
            case TokenResult.ApplicationRejected rejected -> {
                LOG.errorf("OPERATOR: %s refused app %s itself (HTTP %d, %s) while importing %s: check its client id and secret.",
                        valid.marketplace().displayName(), valid.app().name(), rejected.status(), rejected.error(), id);
                yield new ImportOutcome.Retry(Optional.of(id), "app_credentials_refused", Optional.empty());
            }
            case TokenResult.Transient failure -> new ImportOutcome.Retry(Optional.of(id), "marketplace_unavailable", failure.retryAfter());
            case TokenResult.Unexpected unexpected -> {
                LOG.warnf("Import of %s: %s gave an unexpected answer (%s); nothing stored", id, valid.marketplace().displayName(),
                        unexpected.description());
                yield new ImportOutcome.Retry(Optional.of(id), "unexpected_answer", Optional.empty());
            }
        };
    }

    private ImportOutcome store(Check.Valid item, Secret refreshToken, Instant publishBy) {
        Instant now = clock.instant();
        ConnectionId id = item.id();
        var authorization = new Authorization(id, item.merchantId(), item.app().name(), item.origin().uri(), Flow.IMPORT,
                cipher.seal(id.value(), refreshToken), now, item.marketplace().authorizationExpiresAt(now));
        return switch (recorder.record(authorization, publishBy)) {
            case ConnectionRepository.Recorded.HeldByAnotherMerchant held -> {
                LOG.warnf("Import of %s for merchant %s refused: another merchant connected it meanwhile", id, item.merchantId());
                yield new ImportOutcome.Conflict(id);
            }
            case ConnectionRepository.Recorded.Saved saved -> {
                LOG.infof("Connection %s imported for merchant %s with app %s%s", id, item.merchantId(), item.app().name(),
                        item.nonExpiring() ? " (non-expiring token migrated)" : "");
                yield new ImportOutcome.Imported(id, item.nonExpiring());
            }
        };
    }

    /** The item made canonical, or what is wrong with it (never quoting a value: it may be a token pasted in the wrong field). */
    private Check check(ImportItem item) {
        Optional<Marketplace> found = Optional.ofNullable(item.marketplace()).flatMap(marketplaces::find);
        if (found.isEmpty()) {
            return invalid("marketplace must be one of " + String.join(", ", marketplaces.all().stream().map(Marketplace::id).toList()) + ".");
        }
        Marketplace marketplace = found.get();
        Optional<App> app = item.app().isPresent() ? item.app().flatMap(apps::find).filter(a -> a.marketplace().equals(marketplace.id()))
                : apps.all().stream().filter(a -> a.marketplace().equals(marketplace.id()))
                        .min((a, b) -> Boolean.compare(!a.isDefault(), !b.isDefault()));
        if (app.isEmpty()) {
            return invalid(item.app().isPresent() ? "app is not one of this deployment's " + marketplace.displayName() + " apps."
                    : "this deployment has no " + marketplace.displayName() + " app.");
        }
        Optional<String> account = Optional.ofNullable(item.accountId()).flatMap(marketplace::canonicalAccount);
        if (account.isEmpty()) {
            return invalid("accountId is not a " + marketplace.facts().account().words() + " (" + marketplace.displayName() + ").");
        }
        if (marketplace.facts().hasRegions() != item.region().isPresent()) {
            return invalid(marketplace.facts().hasRegions() ? "region is required: one of " + String.join(", ", marketplace.regions()) + "."
                    : marketplace.displayName() + " has no regions: leave region out.");
        }
        if (item.region().isPresent() && !app.get().serves(item.region().get())) {
            return invalid("region must be one of the app's regions: " + String.join(", ", app.get().regions().stream().sorted().toList()) + ".");
        }
        if (item.merchantId() == null || !MerchantSessions.MERCHANT_ID.matcher(item.merchantId()).matches()) {
            return invalid("merchantId is not a merchant id: 1 to 128 letters, digits and . _ : @ - only.");
        }
        var id = new ConnectionId(marketplace.id(), item.region(), account.get());
        Optional<Origin> origin = item.region().isPresent() ? marketplace.defaultOrigin(item.region().get())
                : marketplace.origin(URI.create("https://" + account.get()));
        if (origin.isEmpty()) {
            return invalid(marketplace.displayName() + " accounts cannot be imported.");
        }
        if (item.refreshToken().isPresent() == item.accessToken().isPresent()) {
            return invalid("give exactly one of refreshToken and accessToken.");
        }
        boolean nonExpiring = item.accessToken().isPresent();
        if (nonExpiring && !marketplace.migratesNonExpiringTokens()) {
            return invalid(marketplace.displayName() + " has no non-expiring tokens to migrate: give refreshToken.");
        }
        Secret token = item.refreshToken().or(item::accessToken).orElseThrow();
        if (token.value().isBlank() || token.value().length() > MAX_TOKEN_LENGTH) {
            return invalid((nonExpiring ? "accessToken" : "refreshToken") + " must be a token of at most " + MAX_TOKEN_LENGTH + " characters.");
        }
        return new Check.Valid(marketplace, app.get(), id, origin.get(), item.merchantId(), token, nonExpiring);
    }

    private static Check invalid(String problem) {
        return new Check.Refused(problem);
    }
}
