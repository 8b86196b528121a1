package dev.authkeeper.benchmark;

import java.util.List;

/** One marketplace's runs ({@code -Dbenchmark.marketplace=M}) and the sizes of its connection items afterwards. */
record MarketplaceFigures(String marketplace, List<SweepCostBenchmark.Run> runs, ItemSizes sizes) {
}
