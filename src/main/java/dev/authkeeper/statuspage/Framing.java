package dev.authkeeper.statuspage;

import java.util.Optional;

import dev.authkeeper.http.ApiGatewayResponse;

/**
 * Who may show the status page in a frame, as headers. {@code frame-ancestors} decides in every
 * current browser; {@code X-Frame-Options} repeats it for older ones only where it can say the
 * same ({@code 'none'}, {@code 'self'}): it cannot name other origins, and a {@code DENY} would
 * forbid the framing the integrator allowed. No script or base URI on the page; a form only where
 * an account must be named before connecting it.
 *
 * @param frameAncestors the checked sources ({@code authkeeper.page.frame-ancestors})
 * @param formAction     where the page's forms may lead, redirects included (browsers check each
 *                       step of a form's navigation): {@code 'none'} when the page has no form
 */
record Framing(String frameAncestors, String formAction) {

    String contentSecurityPolicy() {
        return "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action " + formAction + "; frame-ancestors "
                + frameAncestors;
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
