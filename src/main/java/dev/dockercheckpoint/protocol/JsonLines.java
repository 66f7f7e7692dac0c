package dev.dockercheckpoint.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.CheckpointOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The client's side of the protocol's lines with Jackson's streaming parser and generator only:
 * the requests of a command line's checkpoint and restore written field by field, and the helper's
 * messages read into trees, without the object mapper, whose set-up (its modules, date formats and
 * the first serializer it builds from the records' annotations) costs a command line's start-up
 * more than the rest of its JSON. The lines are the ones {@link Protocol#line} writes and
 * {@link Protocol#lenient()} reads (a test compares them); any other request is written by the
 * mapper.
 */
public final class JsonLines {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString ID = new SerializedString("id");

    private JsonLines() {
    }

    /** {@code request} as one line of JSON and its newline, in UTF-8. */
    public static byte[] line(Request request) {
        if (!(request instanceof Request.Hello || request instanceof Request.Checkpoint
                || request instanceof Request.Restore || request instanceof Request.Cancel)) {
            return Protocol.lineBytes(request);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, request);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + request.getClass().getSimpleName(), e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Writes one of the requests a command line's seed command sends (instanceof, not a switch on
     * the types: its bootstrap costs a start-up more than these lines).
     */
    private static void write(JsonGenerator g, Request request) throws IOException {
        if (request instanceof Request.Hello h) {
            start(g, "hello", h.id());
            g.writeNumberField("protocolVersion", h.protocolVersion());
            g.writeStringField("client", h.client());
            g.writeStringField("engine", h.engine());
            optional(g, "brief", h.brief());
        } else if (request instanceof Request.Checkpoint c) {
            start(g, "checkpoint", c.id());
            g.writeStringField("container", c.container());
            g.writeStringField("name", c.name());
            g.writeStringField("dir", c.dir());
            g.writeFieldName("options");
            options(g, c.options());
            optional(g, "quiet", c.quiet());
        } else if (request instanceof Request.Restore r) {
            start(g, "restore", r.id());
            g.writeStringField("container", r.container());
            g.writeStringField("name", r.name());
            g.writeStringField("dir", r.dir());
            g.writeStringField("newName", r.newName());
            optional(g, "quiet", r.quiet());
        } else {
            Request.Cancel c = (Request.Cancel) request;
            start(g, "cancel", c.id());
            g.writeStringField("target", c.target());
        }
        g.writeEndObject();
    }

    private static void start(JsonGenerator g, String type, String id) throws IOException {
        g.writeStartObject();
        g.writeFieldName(TYPE);
        g.writeString(type);
        g.writeFieldName(ID);
        g.writeString(id);
    }

    /** A field left out when null (the records' {@code JsonInclude.Include.NON_NULL}). */
    private static void optional(JsonGenerator g, String field, Boolean value) throws IOException {
        if (value != null) {
            g.writeBooleanField(field, value);
        }
    }

    private static void options(JsonGenerator g, CheckpointOptions o) throws IOException {
        if (o == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeBooleanField("leaveRunning", o.leaveRunning());
        g.writeBooleanField("tcpEstablished", o.tcpEstablished());
        g.writeBooleanField("fileLocks", o.fileLocks());
        g.writeBooleanField("preDump", o.preDump());
        g.writeBooleanField("allowLostProcesses", o.allowLostProcesses());
        g.writeEndObject();
    }

    /**
     * The JSON value in {@code text} as a tree, as {@link Protocol#lenient()}'s {@code readTree}
     * gives it (the last of repeated fields wins; anything after the value is refused).
     */
    public static JsonNode tree(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IOException("no JSON value in an empty line");
            }
            JsonNode node = value(p, first);
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new IOException("trailing token " + after + " after the JSON value");
            }
            return node;
        }
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                    o.replace(field, value(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(value(p, e));
                }
                return a;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new IOException("unexpected " + t + " in a JSON line");
        }
    }
}
