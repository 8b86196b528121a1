package dev.authkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;

/**
 * The integrator API's published contract, {@code docs/api/openapi.yaml}, applied to answers: the
 * route must be in the document, the status among the route's responses, each required header
 * present and valid, and the body valid against the response's schema (OpenAPI 3.1 dialect, format
 * assertions on, {@code $ref}s resolved within the document). The document is the only source: no
 * schema is repeated here.
 */
public final class ApiContract {

    public static final Path DOCUMENT = Path.of("docs/api/openapi.yaml");
    /** Where the document is registered for {@code $ref} resolution; never fetched. */
    private static final String IRI = "https://authkeeper.invalid/docs/api/openapi.yaml";
    private static final String JSON = "application/json";
    private static final ObjectMapper READER = new ObjectMapper();

    private static final JsonNode DOC = read();
    /** The OpenAPI 3.1 dialect, told that the document's own top-level fields are not schema keywords. */
    private static final Dialect DIALECT = Dialect.builder(Dialects.getOpenApi31())
            .keywords(Stream.of("openapi", "info", "servers", "security", "tags", "paths", "components").map(NonValidationKeyword::new).toList())
            .build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(DIALECT, builder -> builder
            .schemas(Map.of(IRI, text()))
            .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private ApiContract() {
    }

    /** The document's operations as API Gateway route keys: {@code GET /v1/connections/{id}}. */
    public static TreeSet<String> routeKeys() {
        var keys = new TreeSet<String>();
        DOC.path("paths").properties().forEach(path -> path.getValue().properties().stream()
                .filter(op -> op.getValue().has("responses"))
                .forEach(op -> keys.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return keys;
    }

    /**
     * Fails, naming every finding, unless the answer {@code status}, {@code headers}, {@code body}
     * to a request on {@code routeKey} is one the document allows.
     */
    public static void requireValid(String routeKey, int status, Map<String, String> headers, String body) {
        require(findings(routeKey, status, headers, body), "The answer " + status + " to " + routeKey + " breaks " + DOCUMENT, body);
    }

    /** What is wrong with the answer, if anything. */
    public static List<String> findings(String routeKey, int status, Map<String, String> headers, String body) {
        var findings = new ArrayList<String>();
        String[] parts = routeKey.split(" ", 2);
        String operation = "/paths/" + escape(parts.length == 2 ? parts[1] : "") + "/" + parts[0].toLowerCase(Locale.ROOT);
        if (DOC.at(operation).isMissingNode()) {
            findings.add("the document has no operation " + routeKey);
            return findings;
        }
        String response = resolve(operation + "/responses/" + status);
        if (DOC.at(response).isMissingNode()) {
            findings.add("the status " + status + " is not documented for " + routeKey);
            return findings;
        }
        DOC.at(response + "/headers").properties().forEach(header -> {
            String pointer = resolve(response + "/headers/" + escape(header.getKey()));
            if (DOC.at(pointer + "/required").asBoolean(false)) {
                Optional<String> value = header(headers, header.getKey());
                value.ifPresentOrElse(v -> check(pointer + "/schema", TextNode.valueOf(v), "header " + header.getKey(), findings::add),
                        () -> findings.add("the required header " + header.getKey() + " is missing"));
            }
        });
        JsonNode content = DOC.at(response + "/content");
        boolean empty = body == null || body.isEmpty();
        if (content.isMissingNode()) {
            if (!empty) {
                findings.add("the status " + status + " has no body in the document, yet one came");
            }
        } else if (!content.has(JSON)) {
            findings.add("the document gives " + routeKey + " " + status + " no " + JSON + " body");
        } else if (empty) {
            findings.add("a " + JSON + " body is documented, none came");
        } else {
            header(headers, "Content-Type").filter(type -> type.startsWith(JSON))
                    .ifPresentOrElse(type -> { }, () -> findings.add("Content-Type is not " + JSON));
            checkBody(response + "/content/" + escape(JSON) + "/schema", body, findings);
        }
        return findings;
    }

    /**
     * The same for a request that went over HTTP to {@code method} and {@code path} (a raw path,
     * query and all) through a gateway: a path no route matches must get the gateway's own 404.
     */
    public static void requireValidAt(String method, String path, int status, Map<String, String> headers, String body) {
        String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Optional<String> route = routeKeys().stream()
                .filter(key -> key.startsWith(method + " "))
                .filter(key -> rawPath.matches(key.substring(key.indexOf(' ') + 1).replaceAll("\\{\\w+}", "[^/]+")))
                .findFirst();
        if (route.isPresent()) {
            requireValid(route.get(), status, headers, body);
            return;
        }
        var findings = new ArrayList<String>();
        if (status != 404) {
            findings.add("a request no route matches gets the gateway's 404");
        }
        checkBody("/components/schemas/GatewayMessage", body, findings);
        require(findings, "The answer " + status + " to " + method + " " + rawPath + " (no route) is not the gateway's", body);
    }

    /**
     * Fails unless the answer is a 4xx refusal in the document's {@code Problem} shape, with
     * {@code Cache-Control: no-store}: for events outside the contract, which API Gateway never sends.
     */
    public static void requireProblem(int status, Map<String, String> headers, String body) {
        var findings = new ArrayList<String>();
        if (status < 400 || status > 499) {
            findings.add("a refusal is a 4xx");
        }
        if (!header(headers, "Cache-Control").filter("no-store"::equals).isPresent()) {
            findings.add("Cache-Control is not no-store");
        }
        checkBody("/components/schemas/Problem", body, findings);
        require(findings, "The answer " + status + " is not a documented problem", body);
    }

    /** What is wrong with {@code value} for the schema at {@code pointer} in the document (its own examples, say). */
    public static List<String> schemaFindings(String pointer, JsonNode value) {
        var findings = new ArrayList<String>();
        check(pointer, value, "value", findings::add);
        return findings;
    }

    /** The document, as a tree. */
    public static JsonNode document() {
        return DOC;
    }

    private static void require(List<String> findings, String what, String body) {
        if (!findings.isEmpty()) {
            throw new AssertionError(what + ":\n  " + String.join("\n  ", findings) + "\nbody: " + body);
        }
    }

    private static void checkBody(String pointer, String body, List<String> findings) {
        try {
            check(pointer, READER.readTree(body == null ? "" : body), "body", findings::add);
        } catch (IOException e) {
            findings.add("the body is not JSON");
        }
    }

    private static void check(String pointer, JsonNode value, String what, Consumer<String> findings) {
        Schema schema = SCHEMAS.getSchema(SchemaLocation.of(IRI + "#" + URLEncoder.encode(pointer, StandardCharsets.UTF_8)
                .replace("%2F", "/").replace("%7E", "~")));
        schema.validate(value).forEach(error -> findings.accept(what + ": " + error));
    }

    /** Follows a {@code $ref} at {@code pointer}, as responses and headers may be components. */
    private static String resolve(String pointer) {
        JsonNode ref = DOC.at(pointer + "/$ref");
        return ref.isTextual() ? ref.asText().substring(1) : pointer;
    }

    private static Optional<String> header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    /** A JSON pointer token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String text() {
        try {
            return Files.readString(DOCUMENT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
