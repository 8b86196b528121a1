package dev.authkeeper.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/** The event detail schema the repository publishes for integrators, applied with a JSON Schema validator. */
public final class EventSchema {

    public static final String RESOURCE = "/schemas/authkeeper-event-v1.json";

    private static final Schema SCHEMA = load();

    private EventSchema() {
    }

    /** Fails with the validator's findings when {@code detail} does not satisfy the schema. */
    public static void requireValid(JsonNode detail) {
        var errors = SCHEMA.validate(detail);
        if (!errors.isEmpty()) {
            throw new AssertionError("event detail does not satisfy " + RESOURCE + ": " + errors + " in " + detail);
        }
    }

    private static Schema load() {
        try (InputStream in = EventSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing");
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
