package dev.authkeeper.http;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The common frame of every HTTP function: request id in the log context, bad input answered
 * with a page that says what is wrong, and no failure ever shown as a stack trace.
 */
@ApplicationScoped
public class HttpEndpoint {

    private static final Logger LOG = Logger.getLogger(HttpEndpoint.class);
    private static final int MAX_CAUSES = 8;

    private final Pages pages;

    public HttpEndpoint(Pages pages) {
        this.pages = pages;
    }

    public ApiGatewayResponse serve(String route, ApiGatewayRequest request, Function<ApiGatewayRequest, ApiGatewayResponse> handler) {
        MDC.put("route", route);
        request.requestId().ifPresent(id -> MDC.put("requestId", id));
        try {
            return handler.apply(request);
        } catch (InvalidRequest e) {
            LOG.infof("Refused a %s request: %s", route, e.getMessage());
            return pages.render(Page.of(e.status(), "This link cannot be used", e.getMessage(),
                    "Please start again from the page that sent you here."));
        } catch (RuntimeException e) {
            LOG.errorf(withoutMessages(e, MAX_CAUSES), "The %s request failed", route);
            return pages.render(Page.of(500, "Something went wrong on our side",
                    "Nothing was changed. Please try again in a few minutes; if it keeps happening, contact support."));
        } finally {
            MDC.remove("route");
            MDC.remove("requestId");
        }
    }

    /**
     * The failure's types and frames without its messages: a message may quote the request (a
     * parser names the input it refused), and request values never reach the log.
     */
    public static Throwable withoutMessages(Throwable failure, int depth) {
        Throwable cause = failure.getCause();
        var copy = new RuntimeException(failure.getClass().getName(),
                cause == null || cause == failure || depth == 0 ? null : withoutMessages(cause, depth - 1));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }
}
