package dev.authkeeper.statuspage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.authkeeper.http.ApiGatewayResponse;

class FramingTest {

    static Framing framing(String frameAncestors) {
        return new Framing(PageSettings.of(Map.of("authkeeper.page.frame-ancestors", frameAncestors)).frameAncestors(), "'none'");
    }

    @Test
    void byDefaultThePageIsNeverFramed() {
        var response = new Framing(PageSettings.defaults().frameAncestors(), "'none'").apply(ApiGatewayResponse.html(200, "<p>hi</p>"));

        assertThat(response.headers().get("Content-Security-Policy")).endsWith("; frame-ancestors 'none'")
                .contains("default-src 'none'", "form-action 'none'", "base-uri 'none'").doesNotContain("script-src");
        assertThat(response.headers()).containsEntry("X-Frame-Options", "DENY")
                .containsEntry("Cache-Control", "no-store").containsEntry("Referrer-Policy", "no-referrer")
                .containsEntry("Strict-Transport-Security", "max-age=31536000");
    }

    @Test
    void theIntegratorsOriginsMayFrameItAndNoXFrameOptionsForbidsThem() {
        var response = framing("https://app.example.com, 'self'  https://Admin.Example.com:8443").apply(ApiGatewayResponse.html(200, ""));

        assertThat(response.headers().get("Content-Security-Policy"))
                .endsWith("; frame-ancestors https://app.example.com 'self' https://admin.example.com:8443");
        assertThat(response.headers()).doesNotContainKey("X-Frame-Options");
    }

    @Test
    void selfAloneIsAlsoSaidToOlderBrowsers() {
        assertThat(framing("'self'").xFrameOptions()).contains("SAMEORIGIN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://app.example.com", "*", "https://*.example.com", "https://app.example.com/path", "'none' 'self'",
            "'unsafe-inline'", "https://app.example.com;script-src", "data:", "app.example.com", "https://user@app.example.com"})
    void anythingButHttpsOriginsSelfOrNoneAloneIsRefusedNamingTheKey(String value) {
        assertThatThrownBy(() -> framing(value))
                .hasStackTraceContaining("authkeeper.page.frame-ancestors")
                .hasStackTraceContaining("'none', or 'self' and https origins");
    }
}
