package dev.authkeeper.local.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;

/** The simulators' HTML: one page frame in the marketplace's colours, forms and escaping. */
public final class Html {

    /**
     * How a simulator's pages look.
     *
     * @param name       the header on every page, e.g. "Simulated Seller Central (local only)"
     * @param header     CSS of the header bar
     * @param button     CSS of the buttons
     */
    public record Brand(String name, String header, String button) {}

    private Html() {
    }

    public static void page(HttpExchange ex, Brand brand, int status, String title, String body) throws IOException {
        String page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title><style>"
                + "body{font-family:system-ui,sans-serif;margin:0;color:#111}"
                + "header{" + brand.header() + ";padding:.8em 1.5em;font-weight:600}"
                + "main{max-width:46em;padding:1em 1.5em}"
                + "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3em .8em;text-align:left}"
                + "form{margin:.5em 0}button{" + brand.button() + ";border-radius:6px;padding:.3em 1em}"
                + "</style></head><body><header>" + escape(brand.name()) + "</header><main><h1>"
                + escape(title) + "</h1>" + body + "</main></body></html>";
        Http.send(ex, status, "text/html;charset=UTF-8", page.getBytes(StandardCharsets.UTF_8));
    }

    public static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
    }

    /** A form that flips a switch of the simulator by posting {@code on} to {@code action}. */
    public static String toggle(String label, String action, boolean on) {
        return "<form method=\"post\" action=\"" + escape(action) + "\">" + escape(label) + ": <b>" + (on ? "on" : "off") + "</b> "
                + hidden("on", Boolean.toString(!on)) + "<button>Turn " + (on ? "off" : "on") + "</button></form>";
    }

    /** A one-button form posting these hidden fields to {@code action}. */
    public static String button(String action, String label, String... namesAndValues) {
        StringBuilder form = new StringBuilder("<form method=\"post\" action=\"").append(escape(action)).append("\">");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.append(hidden(namesAndValues[i], namesAndValues[i + 1]));
        }
        return form.append("<button>").append(escape(label)).append("</button></form>").toString();
    }

    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
