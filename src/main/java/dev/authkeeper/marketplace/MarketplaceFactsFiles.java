package dev.authkeeper.marketplace;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * Reads the marketplaces' facts files from the classpath, each checked against the schema and
 * then for what a schema cannot say (a pattern that compiles, a default portal host that is one of
 * the marketplace's, the file named after its id). Anything wrong stops start-up with the file and
 * the key named, never a half-read marketplace.
 */
@ApplicationScoped
public class MarketplaceFactsFiles {

    static final String FOLDER = "marketplaces/";
    static final String SCHEMA = FOLDER + "marketplace.schema.json";

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,19}");

    private final ObjectMapper json;
    private final Schema schema;
    private final Map<String, MarketplaceFacts> loaded = new ConcurrentHashMap<>();

    public MarketplaceFactsFiles(ObjectMapper json) {
        this.json = json.copy()
                .registerModule(new Jdk8Module())
                .registerModule(new JavaTimeModule())
                .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(read(SCHEMA));
    }

    /** The facts of marketplace {@code id}, from {@code marketplaces/{id}.json}, read once. */
    public MarketplaceFacts load(String id) {
        if (!ID.matcher(id).matches()) {
            throw new InvalidFacts(FOLDER + "?", "\"" + id + "\" is not a marketplace id (a-z, 0-9 and -)");
        }
        return loaded.computeIfAbsent(id, key -> parse(FOLDER + key + ".json", key, read(FOLDER + key + ".json")));
    }

    /** Checks and reads one facts document; {@code file} names it in every complaint. */
    MarketplaceFacts parse(String file, String expectedId, JsonNode document) {
        var errors = schema.validate(document);
        if (!errors.isEmpty()) {
            throw new InvalidFacts(file, errors.stream().map(Object::toString).collect(Collectors.joining("; ")));
        }
        MarketplaceFacts facts;
        try {
            facts = json.treeToValue(document, MarketplaceFacts.class);
        } catch (JsonProcessingException e) {
            throw new InvalidFacts(file, e.getOriginalMessage());
        }
        var problems = new ArrayList<String>();
        if (!facts.id().equals(expectedId)) {
            problems.add("/id: is \"" + facts.id() + "\" but the file is named after \"" + expectedId + "\"");
        }
        try {
            Pattern.compile(facts.account().pattern());
        } catch (PatternSyntaxException e) {
            problems.add("/account/pattern: not a regular expression (" + e.getDescription() + ")");
        }
        facts.regions().forEach((code, region) -> {
            boolean known = facts.portals().values().stream().anyMatch(p -> code.equals(p.hosts().get(region.defaultPortalHost())));
            if (!known) {
                problems.add("/regions/" + code + "/defaultPortalHost: " + region.defaultPortalHost() + " is no portal host of region " + code);
            }
        });
        facts.portals().forEach((name, portal) -> portal.hosts().forEach((host, region) -> {
            if (!facts.regions().containsKey(region)) {
                problems.add("/portals/" + name + "/hosts/" + host + ": region " + region + " is not in /regions");
            }
        }));
        facts.wording().reasons().keySet().stream()
                .filter(code -> !ReauthorizationReason.isOne(code))
                .forEach(code -> problems.add("/wording/reasons/" + code + ": not a reason AuthKeeper gives (" + ReauthorizationReason.names() + ")"));
        if (!facts.wording().reasons().containsKey(ReauthorizationReason.REVOKED_OR_CHANGED.name())) {
            problems.add("/wording/reasons: " + ReauthorizationReason.REVOKED_OR_CHANGED + " is missing, the reason every marketplace can give");
        }
        if (facts.portals().isEmpty() && facts.accountHost().isEmpty() && facts.consentPortal().isEmpty()) {
            problems.add("/portals: empty, so /accountHost or /consentPortal is needed: a marketplace needs somewhere for sellers to consent");
        }
        if (facts.consentPortal().isPresent() && (facts.hasRegions() || facts.accountHost().isPresent())) {
            problems.add("/consentPortal: only for a marketplace with neither /regions nor /accountHost");
        }
        var refresh = facts.token().refreshToken();
        if (!refresh.keptAliveBy(facts.sweep().checkEvery())) {
            problems.add("/sweep/checkEvery: " + facts.sweep().checkEvery().toDays() + " days is more than a third of the refresh token's sliding "
                    + "window (" + refresh.window().get().toDays() + " days): a connection that misses two checks must still be kept alive by the third");
        }
        if (!problems.isEmpty()) {
            throw new InvalidFacts(file, String.join("; ", problems));
        }
        return facts;
    }

    private JsonNode read(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new InvalidFacts(resource, "the file is missing from the classpath");
            }
            return json.readTree(in);
        } catch (IOException e) {
            throw new InvalidFacts(resource, "not JSON (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A facts file that cannot be used: start-up stops with this message. */
    public static final class InvalidFacts extends IllegalStateException {

        InvalidFacts(String file, String problem) {
            super("Marketplace facts " + file + " are invalid: " + problem);
        }
    }
}
