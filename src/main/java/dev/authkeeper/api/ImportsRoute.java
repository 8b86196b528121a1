package dev.authkeeper.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.HttpEndpoint;
import dev.authkeeper.importing.ImportItem;
import dev.authkeeper.importing.ImportOutcome;
import dev.authkeeper.importing.Imports;
import dev.authkeeper.table.ConnectionId;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code POST /v1/imports}: a batch of authorizations the integrator already holds, each proven
 * and stored by {@link Imports}, answered item by item in the order sent. It is served by the
 * token function, whose role alone may seal tokens and read the apps' client secrets. Items are
 * proven a few at a time within a time budget well inside the function's timeout; those the
 * budget leaves untouched are answered {@code retry}.
 */
@ApplicationScoped
public class ImportsRoute {

    private static final Logger LOG = Logger.getLogger(ImportsRoute.class);
    static final int MAX_ITEMS = 100;
    /** Items proven at once: grants are network round trips, and a marketplace's pace is the caller's to keep (infra/import). */
    static final int PARALLEL = 8;
    private static final int MAX_CAUSES = 8;
    /** A hundred items with long tokens. */
    static final int MAX_BODY_BYTES = 512 * 1024;
    /** Grants start only this long after the request came (the function times out after 20 s, API Gateway after 30 s). */
    static final Duration GRANT_BUDGET = Duration.ofSeconds(14);
    /** Publishing what the imports recorded ends by then. */
    static final Duration PUBLISH_BUDGET = Duration.ofSeconds(17);
    private static final List<String> FIELDS = List.of("marketplace", "app", "accountId", "region", "merchantId", "refreshToken",
            "accessToken");
    private static final String EXAMPLE = "{\"items\": [{\"marketplace\": \"...\", \"accountId\": \"...\", "
            + "\"merchantId\": \"...\", \"refreshToken\": \"...\"}]}";

    /** One item's answer, at its place in the batch. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemResult(int index, String outcome, String connectionId, Boolean migrated, String reason, String message,
            Long retryAfterSeconds) {
    }

    @RegisterForReflection
    public record ImportAnswer(List<ItemResult> results) {
    }

    private final Imports imports;
    private final ApiRequests requests;
    private final Clock clock;

    public ImportsRoute(Imports imports, ApiRequests requests, Clock clock) {
        this.imports = imports;
        this.requests = requests;
        this.clock = clock;
    }

    public ApiAnswer handle(ApiCall call) {
        Instant started = clock.instant();
        JsonNode body = requests.object(call.request(), MAX_BODY_BYTES, EXAMPLE, "send at most " + MAX_ITEMS + " items a request")
                .orElseThrow(() -> ApiProblem.badRequest("The body must name the items to import, such as " + EXAMPLE + "."));
        JsonNode items = body.path("items");
        if (body.size() != 1 || !items.isArray() || items.isEmpty() || items.size() > MAX_ITEMS) {
            throw ApiProblem.badRequest("The body takes one field, items: an array of 1 to " + MAX_ITEMS + " authorizations, such as "
                    + EXAMPLE + ".");
        }
        var parsed = new ArrayList<Optional<ImportItem>>();
        items.forEach(node -> parsed.add(item(node)));
        var outcomes = new ImportOutcome[parsed.size()];
        // Items of one account go one after another (the second of two finds the first stored); accounts in parallel.
        var byAccount = new LinkedHashMap<String, List<Integer>>();
        for (int i = 0; i < parsed.size(); i++) {
            String account = parsed.get(i).map(ImportsRoute::account).orElse("#" + i);
            byAccount.computeIfAbsent(account, a -> new ArrayList<>()).add(i);
        }
        var tasks = new ArrayList<Future<?>>();
        try (ExecutorService workers = Executors.newFixedThreadPool(PARALLEL, Thread.ofVirtual().factory())) {
            byAccount.values().forEach(indexes -> tasks.add(workers.submit(() -> indexes.forEach(i ->
                    outcomes[i] = importOne(parsed.get(i), started)))));
        }
        tasks.forEach(ImportsRoute::requireDone);
        var results = new ArrayList<ItemResult>();
        var counts = new TreeMap<String, Integer>();
        for (int i = 0; i < outcomes.length; i++) {
            ItemResult result = result(i, outcomes[i]);
            results.add(result);
            counts.merge(result.outcome(), 1, Integer::sum);
        }
        LOG.infof("Import of %d items by %s: %s", items.size(), call.caller(), counts);
        return ApiAnswer.ok(new ImportAnswer(results));
    }

    /** One item's outcome; a failure on AuthKeeper's side (a store that kept changing, an outage) spoils that item only. */
    private ImportOutcome importOne(Optional<ImportItem> item, Instant started) {
        if (item.isEmpty()) {
            return new ImportOutcome.Invalid("an item is one JSON object of the string fields " + String.join(", ", FIELDS) + ".");
        }
        try {
            return imports.importOne(item.get(), started.plus(GRANT_BUDGET), started.plus(PUBLISH_BUDGET));
        } catch (RuntimeException e) {
            LOG.errorf(HttpEndpoint.withoutMessages(e, MAX_CAUSES), "An import item failed; it is answered retry");
            return new ImportOutcome.Retry(Optional.empty(), "internal_error", Optional.empty());
        }
    }

    /** A worker's failure, as if it had happened here. */
    private static void requireDone(Future<?> task) {
        try {
            task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException("an import failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while importing", e);
        }
    }

    /** One account however the item spells it: the marketplaces' account rules differ in case only. */
    private static String account(ImportItem item) {
        return item.marketplace() + "|" + item.region().orElse("") + "|" + Optional.ofNullable(item.accountId()).orElse("")
                .toLowerCase(Locale.ROOT);
    }

    /** The item's fields, when it is one object of known string fields; its values are never quoted. */
    private static Optional<ImportItem> item(JsonNode node) {
        if (!node.isObject()) {
            return Optional.empty();
        }
        var fields = new TreeMap<String, String>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var field = it.next();
            if (!FIELDS.contains(field.getKey()) || !field.getValue().isTextual()) {
                return Optional.empty();
            }
            fields.put(field.getKey(), field.getValue().textValue());
        }
        return Optional.of(new ImportItem(fields.get("marketplace"), Optional.ofNullable(fields.get("app")), fields.get("accountId"),
                Optional.ofNullable(fields.get("region")), fields.get("merchantId"),
                Optional.ofNullable(fields.get("refreshToken")).map(Secret::new), Optional.ofNullable(fields.get("accessToken")).map(Secret::new)));
    }

    private static ItemResult result(int index, ImportOutcome outcome) {
        return switch (outcome) {
            case ImportOutcome.Imported imported -> new ItemResult(index, "imported", imported.id().value(),
                    imported.migrated() ? Boolean.TRUE : null, null, null, null);
            case ImportOutcome.AlreadyPresent present -> new ItemResult(index, "already_present", present.id().value(), null, null,
                    "This account is already authorized for this merchant; nothing changed.", null);
            case ImportOutcome.Rejected rejected -> new ItemResult(index, "rejected", rejected.id().value(), null, rejected.reason(),
                    "The marketplace refused this token; nothing was stored. The merchant must authorize again.", null);
            case ImportOutcome.Invalid invalid -> new ItemResult(index, "invalid", null, null, null, invalid.problem(), null);
            case ImportOutcome.Conflict conflict -> new ItemResult(index, "conflict", conflict.id().value(), null, null,
                    "Another merchant holds this account; nothing changed. POST /v1/connections/{id}/transfer settles who it belongs to.",
                    null);
            case ImportOutcome.Retry retry -> new ItemResult(index, "retry", retry.id().map(ConnectionId::value).orElse(null), null,
                    retry.reason(),
                    "Nothing was concluded or stored; send this item again.",
                    retry.after().map(after -> Math.max(1, (after.toMillis() + 999) / 1000)).orElse(null));
        };
    }
}
