package dev.authkeeper.config;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * The merchant's status page ({@code GET /connections}): who may frame it, and the integrator's
 * colours. Values are checked when the application starts, so a wrong one stops it with a message
 * naming the key instead of rendering a broken or frameable page.
 */
@ConfigMapping(prefix = "authkeeper.page")
public interface PageConfig {

    /**
     * The Content-Security-Policy {@code frame-ancestors} sources, separated by spaces or commas:
     * {@code 'none'} (the default: never framed), {@code 'self'}, or https origins such as
     * {@code https://app.example.com}.
     */
    @WithDefault("'none'")
    @WithConverter(FrameAncestors.class)
    String frameAncestors();

    /** Background of the header bar and the buttons, {@code #rrggbb}. */
    @WithDefault("#1f5fbf")
    @WithConverter(HexColor.class)
    String accentColor();

    /** Text on the accent colour, {@code #rrggbb}. */
    @WithDefault("#ffffff")
    @WithConverter(HexColor.class)
    String accentTextColor();

    /** A colour as {@code #rrggbb}, in lower case. */
    final class HexColor implements Converter<String> {

        private static final Pattern HEX = Pattern.compile("#[0-9a-fA-F]{6}");

        @Override
        public String convert(String value) {
            String trimmed = value.trim();
            if (!HEX.matcher(trimmed).matches()) {
                throw new IllegalArgumentException("a colour is written #rrggbb, such as #1f5fbf");
            }
            return trimmed.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code 'none'} alone, or any of {@code 'self'} and https origins (scheme, host and an
     * optional port; no path, no wildcard), joined by single spaces as CSP writes them.
     */
    final class FrameAncestors implements Converter<String> {

        private static final Pattern HTTPS_ORIGIN = Pattern.compile(
                "https://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?");
        private static final String HINT = "give 'none', or 'self' and https origins such as https://app.example.com";

        @Override
        public String convert(String value) {
            var sources = new LinkedHashSet<String>();
            for (String source : value.trim().split("[\\s,]+")) {
                String lower = source.toLowerCase(Locale.ROOT);
                if (!lower.equals("'none'") && !lower.equals("'self'") && !HTTPS_ORIGIN.matcher(lower).matches()) {
                    throw new IllegalArgumentException("frame-ancestors does not allow " + printable(source) + ": " + HINT);
                }
                sources.add(lower);
            }
            if (sources.contains("'none'") && sources.size() > 1) {
                throw new IllegalArgumentException("frame-ancestors 'none' stands alone: " + HINT);
            }
            return String.join(" ", sources);
        }

        private static String printable(String source) {
            return source.length() > 80 || !source.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? "this source" : source;
        }
    }
}
