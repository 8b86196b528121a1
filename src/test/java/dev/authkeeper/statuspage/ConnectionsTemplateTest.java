package dev.authkeeper.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Variant;

/** The page's template as Quarkus renders it: HTML-escaped, here with Qute's reflection resolver. */
class ConnectionsTemplateTest {

    static final String HOSTILE = "Acme <script>alert(1)</script> & \"Sync\" 'Co'";

    static String render(ConnectionsPage page) throws IOException {
        var engine = Engine.builder().addDefaults().addValueResolver(new ReflectionValueResolver())
                .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML))).build();
        var template = engine.parse(Files.readString(Path.of("src/main/resources/templates/connections.html")),
                Variant.forContentType(Variant.TEXT_HTML));
        return template.data("page", page).render();
    }

    static ConnectionsPage page(String integrator) {
        var rows = new Rows(integrator, RowsTest.FACTS::load, RowsTest.NOW, 30, view -> URI.create("https://auth.example.test/authorize?link=a.b"));
        return new ConnectionsPage(integrator, "Amazon and Shopify", "Amazon or Shopify", "merchant-1",
                List.of(rows.row(RowsTest.healthy(RowsTest.NOW.plus(Duration.ofDays(9))), 0),
                        rows.row(RowsTest.view("DISCONNECTED", "Disconnected", null, RowsTest.NOW, null, "NOT_CHECKED_YET"), 1),
                        rows.row(RowsTest.shop("ACTIVE", "Connected", null, RowsTest.NOW.plus(Duration.ofDays(80))), 2)),
                List.of(new ConnectionsPage.Connect("connect-default", "Amazon", "Choose the region.",
                                List.of(new ConnectionsPage.Action("Connect an account in Europe", "https://auth.example.test/authorize?link=c.d")),
                                null),
                        new ConnectionsPage.Connect("connect-shopify", "Shopify", "Type the shop.", List.of(),
                                new ConnectionsPage.AccountForm("https://auth.example.test/connections/connect", "shopify", "Your shop",
                                        "Its name, such as acme-store.", "Connect a Shopify shop"))),
                Palette.of(PageSettings.defaults()));
    }

    @Test
    void theIntegratorsNameIsEscapedWhereverItAppears() throws IOException {
        String html = render(page(HOSTILE));

        assertThat(html).doesNotContain("<script>").doesNotContain("\"Sync\"");
        String escaped = "Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sync&quot; &#39;Co&#39;";
        // Title, header, introduction and two notes ("renew ... to keep X working", "no longer connected to X").
        assertThat(Pattern.compile(Pattern.quote(escaped)).matcher(html).results().count()).isEqualTo(5);
    }

    @Test
    void thePageIsSemanticAndNeedsNoScript() throws IOException {
        String html = render(page("Acme Sync"));

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<html lang=\"en\">").contains("<h1>Your Amazon and Shopify connections</h1>")
                .contains("<ul class=\"connections\">").contains("<dt>Status</dt>").doesNotContain("<script")
                .doesNotContainPattern("\\son[a-z]+=");
        assertThat(html).contains("<a class=\"button\" href=\"https://auth.example.test/authorize?link=a.b\" target=\"_top\" "
                + "aria-describedby=\"connection-0\">Renew authorization</a>");
        assertThat(html).contains("<h2 id=\"connection-0\">Amazon account A1SELLER <span class=\"region\">· Europe</span></h2>");
        assertThat(html).as("a marketplace without regions names none")
                .contains("<h2 id=\"connection-2\">Shopify account acme-store.myshopify.com</h2>");
        assertThat(html).contains("<strong class=\"expiring\">Ends in 9 days</strong>");
        assertThat(html).contains("<time datetime=\"2026-12-08T10:00:00Z\">8 December 2026</time>");
        assertThat(html).contains(">Connect an account in Europe</a>");
        assertThat(html).contains("<form class=\"account\" method=\"get\" action=\"https://auth.example.test/connections/connect\" "
                + "target=\"_top\" aria-labelledby=\"connect-shopify\">", "<input type=\"hidden\" name=\"app\" value=\"shopify\">",
                "<label for=\"connect-shopify-account\">Your shop</label>", "<input id=\"connect-shopify-account\" name=\"account\"",
                ">Connect a Shopify shop</button>");
        assertThat(html.split("<form", -1)).as("one form, for the marketplace that asks for the account").hasSize(2);
        assertThat(html.split("<dt>Authorization expires</dt>", -1)).as("shown for the two authorizations in force only").hasSize(3);
        assertThat(html).contains("background: #1f5fbf; color: #ffffff;");
    }
}
