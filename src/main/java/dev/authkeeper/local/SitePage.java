package dev.authkeeper.local;

import static dev.authkeeper.local.simulator.Html.escape;

import java.util.List;
import java.util.Map;

import dev.authkeeper.http.ApiGatewayResponse;

/** The frame of every page of the local run's stand-in for the integrator's site. */
final class SitePage {

    private SitePage() {
    }

    static ApiGatewayResponse of(int status, String title, String body) {
        String html = """
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%1$s</title>
                <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
                td,th{padding:.3rem .8rem;text-align:left;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;overflow-wrap:anywhere}</style></head>
                <body><p style="color:#a15c00">AuthKeeper local run: a stand-in for the integrator's site</p>
                <h1>%1$s</h1>%2$s</body></html>
                """.formatted(escape(title), body);
        return new ApiGatewayResponse(status, Map.of("Content-Type", "text/html; charset=utf-8", "Cache-Control", "no-store"),
                List.of(), html);
    }
}
