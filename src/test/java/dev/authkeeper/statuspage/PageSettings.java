package dev.authkeeper.statuspage;

import java.util.Map;

import dev.authkeeper.config.PageConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** {@link PageConfig} as the application reads it, defaults and converters included, from these properties only. */
final class PageSettings {

    private PageSettings() {
    }

    static PageConfig of(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(PageConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build()
                .getConfigMapping(PageConfig.class);
    }

    static PageConfig defaults() {
        return of(Map.of());
    }
}
