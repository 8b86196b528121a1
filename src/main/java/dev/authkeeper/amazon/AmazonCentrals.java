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
import dev.authkeeper.marketplace.Origin;

/**
 * The Seller Central and Vendor Central hosts of every Amazon region: the only places a Login URI
 * may send a seller back to and the only consent pages a link may open. Matching is by exact host
 * (never by suffix), so look-alikes such as {@code sellercentral.amazon.com.evil.example} fail.
 */
@ApplicationScoped
public class AmazonCentrals {

    public static final String SELLER_CENTRAL = "seller-central";
    public static final String VENDOR_CENTRAL = "vendor-central";

    /** SP-API regions: NA (North America), EU (Europe, Middle East, India, Africa), FE (Far East). */
    private static final Map<String, String> SELLER_CENTRAL_HOSTS = Map.ofEntries(
            Map.entry("sellercentral.amazon.com", "NA"),
            Map.entry("sellercentral.amazon.ca", "NA"),
            Map.entry("sellercentral.amazon.com.mx", "NA"),
            Map.entry("sellercentral.amazon.com.br", "NA"),
            Map.entry("sellercentral-europe.amazon.com", "EU"),
            Map.entry("sellercentral.amazon.co.uk", "EU"),
            Map.entry("sellercentral.amazon.de", "EU"),
            Map.entry("sellercentral.amazon.fr", "EU"),
            Map.entry("sellercentral.amazon.it", "EU"),
            Map.entry("sellercentral.amazon.es", "EU"),
            Map.entry("sellercentral.amazon.nl", "EU"),
            Map.entry("sellercentral.amazon.se", "EU"),
            Map.entry("sellercentral.amazon.pl", "EU"),
            Map.entry("sellercentral.amazon.com.be", "EU"),
            Map.entry("sellercentral.amazon.ie", "EU"),
            Map.entry("sellercentral.amazon.com.tr", "EU"),
            Map.entry("sellercentral.amazon.ae", "EU"),
            Map.entry("sellercentral.amazon.sa", "EU"),
            Map.entry("sellercentral.amazon.eg", "EU"),
            Map.entry("sellercentral.amazon.in", "EU"),
            Map.entry("sellercentral.amazon.co.za", "EU"),
            Map.entry("sellercentral.amazon.co.jp", "FE"),
            Map.entry("sellercentral.amazon.com.au", "FE"),
            Map.entry("sellercentral.amazon.sg", "FE"));

    private static final Map<String, String> VENDOR_CENTRAL_HOSTS = Map.ofEntries(
            Map.entry("vendorcentral.amazon.com", "NA"),
            Map.entry("vendorcentral.amazon.ca", "NA"),
            Map.entry("vendorcentral.amazon.com.mx", "NA"),
            Map.entry("vendorcentral.amazon.com.br", "NA"),
            Map.entry("vendorcentral.amazon.co.uk", "EU"),
            Map.entry("vendorcentral.amazon.de", "EU"),
            Map.entry("vendorcentral.amazon.fr", "EU"),
            Map.entry("vendorcentral.amazon.it", "EU"),
            Map.entry("vendorcentral.amazon.es", "EU"),
            Map.entry("vendorcentral.amazon.nl", "EU"),
            Map.entry("vendorcentral.amazon.se", "EU"),
            Map.entry("vendorcentral.amazon.pl", "EU"),
            Map.entry("vendorcentral.amazon.com.be", "EU"),
            Map.entry("vendorcentral.amazon.com.tr", "EU"),
            Map.entry("vendorcentral.amazon.ae", "EU"),
            Map.entry("vendorcentral.amazon.sa", "EU"),
            Map.entry("vendorcentral.amazon.eg", "EU"),
            Map.entry("vendorcentral.amazon.in", "EU"),
            Map.entry("vendorcentral.amazon.co.za", "EU"),
            Map.entry("vendorcentral.amazon.co.jp", "FE"),
            Map.entry("vendorcentral.amazon.com.au", "FE"),
            Map.entry("vendorcentral.amazon.sg", "FE"));

    /** Where a new connection in each region is approved: the region's main Seller Central. */
    private static final Map<String, String> DEFAULT_SELLER_CENTRAL = Map.of(
            "NA", "sellercentral.amazon.com",
            "EU", "sellercentral-europe.amazon.com",
            "FE", "sellercentral.amazon.co.jp");

    private final Map<URI, Origin> origins;
    private final Map<String, Origin> defaults;

    public AmazonCentrals(AmazonConfig config) {
        var amazon = Stream.concat(
                SELLER_CENTRAL_HOSTS.entrySet().stream()
                        .map(e -> new Origin(URI.create("https://" + e.getKey()), e.getValue(), SELLER_CENTRAL)),
                VENDOR_CENTRAL_HOSTS.entrySet().stream()
                        .map(e -> new Origin(URI.create("https://" + e.getKey()), e.getValue(), VENDOR_CENTRAL)));
        var simulated = config.simulatedCentral().stream()
                .map(uri -> new Origin(originOf(uri), "NA", SELLER_CENTRAL));
        this.origins = Stream.concat(amazon, simulated)
                .collect(Collectors.toUnmodifiableMap(Origin::uri, o -> o));
        var defaults = new HashMap<String, Origin>();
        DEFAULT_SELLER_CENTRAL.forEach((region, host) -> defaults.put(region, origins.get(URI.create("https://" + host))));
        // The local run and the tests approve new connections in the simulated Seller Central.
        config.simulatedCentral().map(uri -> origins.get(originOf(uri))).ifPresent(o -> defaults.put(o.region(), o));
        this.defaults = Map.copyOf(defaults);
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
