package dev.authkeeper.local;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.sweep.SweepWorker;

/** Opens the local run's own pages ({@link LocalSite}) over the services the run started. */
@ApplicationScoped
public class LocalSites {

    private final MerchantSessions sessions;
    private final ReauthorizeLinks links;
    private final ConnectionRepository connections;
    private final SweepWorker sweep;
    private final AuthKeeperConfig config;
    private final Clock clock;

    public LocalSites(MerchantSessions sessions, ReauthorizeLinks links, ConnectionRepository connections, SweepWorker sweep,
            AuthKeeperConfig config, Clock clock) {
        this.sessions = sessions;
        this.links = links;
        this.connections = connections;
        this.sweep = sweep;
        this.config = config;
        this.clock = clock;
    }

    LocalSite open(Optional<LocalInbox> inbox, Optional<LocalEvents> events, URI sellerCentral) {
        return new LocalSite(new LocalSignIn(sessions, config.publicBaseUrl(), clock),
                new LocalConnectionsPage(sessions, links, connections, sweep, sellerCentral, clock), new LocalDeliveries(inbox, events),
                sellerCentral);
    }
}
