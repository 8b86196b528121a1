package dev.authkeeper.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measuring one marketplace rewrites its row of the per-marketplace table and keeps the others' rows as they stood. */
class MarketplaceReportTest {

    static final String AMAZON_ROW = "| amazon | 2,000 | 1.000 | 0.000 | 0.000 | 60.0 | 0.0715 | 0.0195 (0.0000) | 0.50 | 647 / 647 | 479 / 479 |";
    static final String EBAY_ROW = "| ebay | 2,000 | 1.000 | 0.000 | 0.000 | 61.5 | 0.0708 | 0.0200 (0.0000) | 0.50 | 615 / 615 | 460 / 460 |";
    static final String OLD_ETSY_ROW = "| etsy | 1,000 | 1.000 | 0.000 | 1.000 | 1061.0 | 0.0668 | 3.0195 (3.0000) | 0.50 | 700 / 700 | 400 / 400 |";

    @TempDir
    Path directory;

    @Test
    void aMarketplaceMeasuredAloneReplacesOnlyItsOwnRow() throws IOException {
        Files.writeString(directory.resolve("sweep-cost-etsy.json"), """
                {"marketplace": "etsy", "sizes": {"itemMedian": 726, "itemMax": 730, "indexMedian": 425, "indexMax": 426},
                 "runs": [{"name": "64 in flight", "checked": 2000, "tokenCalls": 2000, "probeCalls": 0, "connectionWrites": 2000,
                           "capacity": {"UpdateItem CONNECTION#": {"calls": 2000, "units": 6000}, "Query checks": {"calls": 20, "units": 120}},
                           "awsCalls": {"DynamoDb.UpdateItem": 2000, "DynamoDb.Query": 20, "Kms.Decrypt": 1}}]}
                """);
        String current = "\nWritten 2026-12-07 …\n\n| marketplace | … |\n|---|\n" + AMAZON_ROW + "\n" + OLD_ETSY_ROW + "\n" + EBAY_ROW + "\n";

        var lines = new MarketplaceReport(directory).markdown(current).lines().filter(line -> line.startsWith("| ") && !line.startsWith("| marketplace"))
                .toList();

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(AMAZON_ROW);
        assertThat(lines.get(1)).isEqualTo("| etsy | 2,000 | 1.000 | 0.000 | 1.000 | 1010.0 | 0.0600 | 3.0000 (3.0000) | 0.50 | 726 / 730 | 425 / 426 |");
        assertThat(lines.get(2)).isEqualTo(EBAY_ROW);
    }
}
