package dev.authkeeper.statuspage;

import io.quarkus.qute.TemplateData;
import java.util.List;
import java.util.Locale;

import dev.authkeeper.config.PageConfig;

/**
 * Every colour of the status page, {@code #rrggbb}: the integrator's accent from configuration,
 * the rest fixed. {@link #pairs()} lists each colour with the one it is seen on and the contrast
 * WCAG 2 AA asks of it.
 */
@TemplateData
public record Palette(String accent, String accentText, String text, String muted, String page, String card, String border,
        String ok, String okBackground, String problem, String problemBackground, String warning, String warningBackground) {

    /** WCAG 2 AA for normal text. */
    public static final double AA_TEXT = 4.5;
    /** WCAG 2 AA for user-interface components such as a focus ring. */
    public static final double AA_NON_TEXT = 3.0;

    /** A colour on the one it is seen on, and the contrast they need. */
    public record Pair(String name, String foreground, String background, double minimum) {

        public double contrast() {
            return contrast(foreground, background);
        }

        public boolean sufficient() {
            return contrast() >= minimum;
        }

        /** WCAG 2 contrast ratio of two {@code #rrggbb} colours, from 1 to 21. */
        public static double contrast(String a, String b) {
            double la = luminance(a);
            double lb = luminance(b);
            return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
        }

        /** WCAG 2 relative luminance. */
        static double luminance(String hex) {
            int rgb = Integer.parseInt(hex.substring(1).toLowerCase(Locale.ROOT), 16);
            return 0.2126 * linear(rgb >> 16 & 0xff) + 0.7152 * linear(rgb >> 8 & 0xff) + 0.0722 * linear(rgb & 0xff);
        }

        private static double linear(int channel) {
            double c = channel / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
        }
    }

    public static Palette of(PageConfig config) {
        return new Palette(config.accentColor(), config.accentTextColor(), "#1d2330", "#4b5563", "#f6f7f9", "#ffffff", "#d0d5dd",
                "#14632e", "#e8f5ec", "#a61b1b", "#fdecec", "#7a3e00", "#fff4e5");
    }

    public List<Pair> pairs() {
        return List.of(
                new Pair("button and header text on the accent colour", accentText, accent, AA_TEXT),
                new Pair("focus ring (the accent colour) on the page", accent, page, AA_NON_TEXT),
                new Pair("text on a card", text, card, AA_TEXT),
                new Pair("text on the page", text, page, AA_TEXT),
                new Pair("secondary text on a card", muted, card, AA_TEXT),
                new Pair("secondary text on the page", muted, page, AA_TEXT),
                new Pair("\"Connected\"", ok, okBackground, AA_TEXT),
                new Pair("\"Needs reauthorization\"", problem, problemBackground, AA_TEXT),
                new Pair("expiry warning", warning, warningBackground, AA_TEXT));
    }
}
