package dev.authkeeper.http;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import io.quarkus.qute.Template;

/** Renders {@link Page}s with the {@code page.html} Qute template. */
@ApplicationScoped
public class Pages {

    private final Template page;
    private final String integratorName;

    public Pages(Template page, AuthKeeperConfig config) {
        this.page = page;
        this.integratorName = config.integratorName();
    }

    public ApiGatewayResponse render(Page content) {
        String html = page.data("page", content).data("integrator", integratorName).render();
        return ApiGatewayResponse.html(content.status(), html);
    }
}
