package dev.authkeeper.amazon;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.Origin;

/**
 * The Seller Central and Vendor Central hosts of every Amazon region (from Amazon's facts file): the
 * only places a Login URI may send a seller back to and the only consent pages a link may open.
 * Matching is by exact host (never by suffix), so look-alikes such as
 * {@code sellercentral.amazon.com.evil.example} fail.
 */
@ApplicationScoped
public class AmazonCentrals {

    public static final String SELLER_CENTRAL = "seller-central";
    public static final String VENDOR_CENTRAL = "vendor-central";
    static final String ID = "amazon";

    private final MarketplaceFacts facts;
    private final Map<URI, Origin> origins;
    private final Map<String, Origin> defaults;

    public AmazonCentrals(AmazonConfig config, MarketplaceFactsFiles files) {
        this.facts = files.load(ID);
        var amazon = facts.portals().entrySet().stream().flatMap(portal -> portal.getValue().hosts().entrySet().stream()
                .map(host -> new Origin(URI.create("https://" + host.getKey()), Optional.of(host.getValue()), portal.getKey())));
        var simulated = config.simulatedCentral().stream()
                .map(uri -> new Origin(originOf(uri), Optional.of("NA"), SELLER_CENTRAL));
        this.origins = Stream.concat(amazon, simulated)
                .collect(Collectors.toUnmodifiableMap(Origin::uri, o -> o));
        var defaults = new HashMap<String, Origin>();
        facts.regions().forEach((region, r) -> defaults.put(region, origins.get(URI.create("https://" + r.defaultPortalHost()))));
        // The local run and the tests approve new connections in the simulated Seller Central.
        config.simulatedCentral().map(uri -> origins.get(originOf(uri))).ifPresent(o -> defaults.put(o.region().orElseThrow(), o));
        this.defaults = Map.copyOf(defaults);
    }

    /** Amazon's facts file. */
    public MarketplaceFacts facts() {
        return facts;
    }

    /** The main Seller Central of an SP-API region (NA, EU, FE). */
    public Optional<Origin> defaultSellerCentral(String region) {
        return Optional.ofNullable(defaults.get(region));
    }

    /** The origin of an absolute URI, if it is exactly one of the allowed ones. */
    public Optional<Origin> find(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return Optional.empty();
        }
        return Optional.ofNullable(origins.get(originOf(uri)));
    }

    private static URI originOf(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return URI.create(scheme + "://" + host + (uri.getPort() == -1 ? "" : ":" + uri.getPort()));
    }
}
