package dev.authkeeper.statuspage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PaletteTest {

    @Test
    void contrastIsWcagsRatio() {
        assertThat(Palette.Pair.contrast("#000000", "#ffffff")).isCloseTo(21.0, within(1e-9));
        assertThat(Palette.Pair.contrast("#ffffff", "#ffffff")).isCloseTo(1.0, within(1e-9));
        // Published figures: #767676 on white is the lightest grey that passes AA (4.54:1); #777777 fails (4.48:1).
        assertThat(Palette.Pair.contrast("#767676", "#FFFFFF")).isCloseTo(4.54, within(0.01));
        assertThat(Palette.Pair.contrast("#ffffff", "#777777")).isCloseTo(4.48, within(0.01));
    }

    @Test
    void everyDefaultColourMeetsWcagAa() {
        var palette = Palette.of(PageSettings.defaults());

        assertThat(palette.pairs()).hasSizeGreaterThanOrEqualTo(8).allSatisfy(pair -> assertThat(pair.contrast())
                .as(pair.name()).isGreaterThanOrEqualTo(pair.minimum()));
        assertThat(palette.pairs()).filteredOn(p -> p.name().contains("text")).allSatisfy(p -> assertThat(p.minimum()).isEqualTo(4.5));
    }

    @Test
    void anIntegratorsPaleAccentIsFoundWanting() {
        var palette = Palette.of(PageSettings.of(Map.of("authkeeper.page.accent-color", "#FFB020")));

        assertThat(palette.accent()).isEqualTo("#ffb020");
        assertThat(palette.pairs()).filteredOn(pair -> !pair.sufficient()).extracting(Palette.Pair::name)
                .containsExactlyInAnyOrder("button and header text on the accent colour", "focus ring (the accent colour) on the page");
    }

    @ParameterizedTest
    @ValueSource(strings = {"red", "#fff", "#12345g", "1f5fbf", "#1f5fbf;background:url(x)", "#1f5fbf\"><script>"})
    void aColourIsSixHexDigitsOrTheApplicationDoesNotStart(String value) {
        assertThatThrownBy(() -> PageSettings.of(Map.of("authkeeper.page.accent-text-color", value)))
                .hasStackTraceContaining("authkeeper.page.accent-text-color")
                .hasStackTraceContaining("#rrggbb");
    }
}
