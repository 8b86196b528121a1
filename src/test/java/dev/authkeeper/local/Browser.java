package dev.authkeeper.local;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person's browser, one step at a time: keeps cookies, never follows a redirect on its own.
 * Like Chrome and Firefox it treats http://localhost and 127.0.0.1 as secure, so the local run's
 * {@code Secure} ({@code __Host-}) cookies come back to it; Java's CookieManager alone would keep
 * them for https only.
 */
final class Browser {

    /**
     * CookieManager, with loopback http taken for https when cookies are chosen for a request,
     * and Max-Age given to it as Expires: it takes a Max-Age cookie for an RFC 2965 one and sends
     * it back quoted, with $Version, as no browser does.
     */
    private static final class LoopbackIsSecure extends CookieHandler {
        private static final Pattern MAX_AGE = Pattern.compile("Max-Age=(\\d+)");

        private final CookieManager cookies = new CookieManager();

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
            return cookies.get(isLoopbackHttp(uri) ? withScheme(uri, "https") : uri, headers);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws IOException {
            var netscape = new LinkedHashMap<String, List<String>>();
            headers.forEach((name, values) -> netscape.put(name, name != null && name.equalsIgnoreCase("Set-Cookie")
                    ? values.stream().map(LoopbackIsSecure::expires).toList() : values));
            cookies.put(uri, netscape);
        }

        private static String expires(String setCookie) {
            return MAX_AGE.matcher(setCookie).replaceAll(age -> "Expires=" + DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(Long.parseLong(age.group(1)))));
        }

        private static boolean isLoopbackHttp(URI uri) {
            return "http".equals(uri.getScheme()) && ("localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost()));
        }

        private static URI withScheme(URI uri, String scheme) {
            try {
                return new URI(scheme, uri.getRawAuthority(), uri.getRawPath(), null, null);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }

    private static final Pattern FORM = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\">(.*?)</form>", Pattern.DOTALL);
    private static final Pattern INPUT = Pattern.compile("<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new LoopbackIsSecure())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    HttpResponse<String> post(URI uri, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Submits the page's first POST form with its fields, changed or added as given. */
    HttpResponse<String> submit(HttpResponse<String> page, Map<String, String> changes) {
        Matcher form = FORM.matcher(page.body());
        if (!form.find()) {
            throw new AssertionError("no form on " + page.uri());
        }
        var fields = new LinkedHashMap<String, String>();
        Matcher input = INPUT.matcher(form.group(2));
        while (input.find()) {
            fields.put(input.group(1), unescape(input.group(2)));
        }
        fields.putAll(changes);
        return post(page.uri().resolve(unescape(form.group(1))), fields);
    }

    static URI location(HttpResponse<String> response) {
        return response.uri().resolve(response.headers().firstValue("Location").orElseThrow(
                () -> new AssertionError("no redirect from " + response.uri() + ": " + response.statusCode())));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
