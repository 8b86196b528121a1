package dev.authkeeper.http;

import io.quarkus.qute.TemplateData;
import java.util.List;

/** What a person sees: a heading, a few short paragraphs and at most one way forward. */
@TemplateData
public record Page(int status, String title, List<String> paragraphs, Link next) {

    @TemplateData
    public record Link(String label, String href) {
    }

    public static Page of(int status, String title, String... paragraphs) {
        return new Page(status, title, List.of(paragraphs), null);
    }

    public Page withLink(String label, String href) {
        return new Page(status, title, paragraphs, new Link(label, href));
    }
}
