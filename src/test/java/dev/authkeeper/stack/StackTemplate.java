package dev.authkeeper.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The stack's {@code template.yaml} as the template tests read it. */
final class StackTemplate {

    private StackTemplate() {
    }

    /** The whole template; CloudFormation's short tags (!Sub, !Ref, !GetAtt) are read as the plain values they carry. */
    static JsonNode read() {
        try {
            return new YAMLMapper().readTree(Path.of("template.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode resources() {
        return read().get("Resources");
    }

    /** A policy field that holds one text or a list of them (an action, a condition's values), as a list. */
    static List<String> texts(JsonNode node) {
        var all = new ArrayList<String>();
        if (node.isArray()) {
            node.forEach(n -> all.add(n.asText()));
        } else if (!node.isMissingNode()) {
            all.add(node.asText());
        }
        return all;
    }
}
