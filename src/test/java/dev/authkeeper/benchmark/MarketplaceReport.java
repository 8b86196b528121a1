package dev.authkeeper.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The per-marketplace table of BENCHMARKS.md, between its markers, from every
 * {@code sweep-cost-M.json} in the benchmark's directory (one file per {@code -Dbenchmark.marketplace}
 * run): what one check of each marketplace asks of AWS and of the marketplace, in the run with 64 in flight.
 * A marketplace measured in no file there ({@code infra/benchmark --marketplaces etsy} measures one)
 * keeps its row as it stood.
 */
final class MarketplaceReport {

    static final String SECTION = "marketplace-cost";
    private static final List<String> ORDER = List.of("amazon", "shopify", "etsy", "ebay", "tiktok");

    private final Path directory;

    MarketplaceReport(Path directory) {
        this.directory = directory;
    }

    void write() throws IOException {
        BenchmarksFile.replaceSection(SECTION, markdown(BenchmarksFile.section(SECTION)));
    }

    /** The table, with the rows of {@code current} (the section as it stands) for marketplaces not measured. */
    String markdown(String current) throws IOException {
        var rows = new ArrayList<String>();
        var json = new ObjectMapper();
        for (String marketplace : ORDER) {
            Path path = directory.resolve("sweep-cost-" + marketplace + ".json");
            if (Files.exists(path)) {
                rows.add(row(json.readTree(path.toFile())));
            } else {
                current.lines().filter(line -> line.startsWith("| " + marketplace + " |")).findFirst().map(line -> line + "\n").ifPresent(rows::add);
            }
        }
        var out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Written %s from `target/benchmark/sweep-cost-{marketplace}.json` (a marketplace not measured "
                + "then keeps its row from before); each marketplace's run with 64 in flight, its token endpoint answering after 100 ms.%n%n",
                LocalDate.now(ZoneOffset.UTC)));
        out.append("| marketplace | connections checked | token calls per check | probes per check | writes to connection items per check "
                + "| DynamoDB calls per 1,000 checks | read units per check | write units per check (of which to connections and their index entries) "
                + "| KMS calls per 1,000 checks | connection item, median / largest (bytes) | its `checks` index entry, median / largest (bytes) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        rows.forEach(out::append);
        return out.toString();
    }

    /** One marketplace's row, from its {@code sweep-cost-M.json}. */
    private static String row(JsonNode marketplace) {
        JsonNode run = measured(marketplace);
        double checks = run.get("checked").asDouble();
        double reads = 0;
        double writes = 0;
        double connectionWrites = 0;
        for (var kind : run.get("capacity").properties()) {
            double units = kind.getValue().get("units").asDouble();
            if (Stream.of("GetItem", "Query", "BatchGetItem", "Scan").anyMatch(read -> kind.getKey().startsWith(read + " "))) {
                reads += units;
            } else {
                writes += units;
                connectionWrites += kind.getKey().contains("CONNECTION#") ? units : 0;
            }
        }
        long dynamo = sum(run.get("awsCalls"), "DynamoDb.");
        long kms = sum(run.get("awsCalls"), "Kms.");
        JsonNode sizes = marketplace.get("sizes");
        return String.format(Locale.ROOT, "| %s | %,d | %.3f | %.3f | %.3f | %.1f | %.4f | %.4f (%.4f) | %.2f | %d / %d | %d / %d |%n",
                marketplace.get("marketplace").asText(), (long) checks, run.get("tokenCalls").asDouble() / checks,
                run.get("probeCalls").asDouble() / checks, run.get("connectionWrites").asDouble() / checks, 1000 * dynamo / checks,
                reads / checks, writes / checks, connectionWrites / checks, 1000 * kms / checks, sizes.get("itemMedian").asInt(),
                sizes.get("itemMax").asInt(), sizes.get("indexMedian").asInt(), sizes.get("indexMax").asInt());
    }

    /** The run with 64 checks in flight, after the JIT's warm-up runs. */
    static JsonNode measured(JsonNode figures) {
        for (JsonNode run : figures.get("runs")) {
            if (run.get("name").asText().equals("64 in flight")) {
                return run;
            }
        }
        throw new IllegalStateException(figures.get("marketplace").asText() + " has no run with 64 in flight");
    }

    private static long sum(JsonNode calls, String prefix) {
        long total = 0;
        for (var call : calls.properties()) {
            total += call.getKey().startsWith(prefix) ? call.getValue().asLong() : 0;
        }
        return total;
    }
}
