package dev.authkeeper.statuspage;

import java.util.Optional;

import dev.authkeeper.http.ApiGatewayResponse;

/**
 * Who may show the status page in a frame, as headers. {@code frame-ancestors} decides in every
 * current browser; {@code X-Frame-Options} repeats it for older ones only where it can say the
 * same ({@code 'none'}, {@code 'self'}): it cannot name other origins, and a {@code DENY} would
 * forbid the framing the integrator allowed. No script, form or base URI on the page.
 *
 * @param frameAncestors the checked sources ({@code authkeeper.page.frame-ancestors})
 */
record Framing(String frameAncestors) {

    String contentSecurityPolicy() {
        return "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors " + frameAncestors;
    }

    Optional<String> xFrameOptions() {
        return switch (frameAncestors) {
            case "'none'" -> Optional.of("DENY");
            case "'self'" -> Optional.of("SAMEORIGIN");
            default -> Optional.empty();
        };
    }

    ApiGatewayResponse apply(ApiGatewayResponse response) {
        var framed = response.withHeader("Content-Security-Policy", contentSecurityPolicy());
        return xFrameOptions().map(value -> framed.withHeader("X-Frame-Options", value)).orElse(framed);
    }
}
