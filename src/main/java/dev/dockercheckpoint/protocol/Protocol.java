package dev.dockercheckpoint.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Constants and the JSON mapping of the helper protocol: one JSON object per line (UTF-8, '\n'),
 * requests from the client, messages from the helper. See docs/protocol.md.
 */
public final class Protocol {
    public static final int VERSION = 1;
    /** Longest line either side accepts, in bytes (without the newline). */
    public static final int MAX_LINE_BYTES = 64 * 1024;
    public static final Path DEFAULT_SOCKET = Path.of("/run/docker-checkpoint/helper.sock");
    public static final String DEFAULT_GROUP = "docker";

    /**
     * The mappers, made on first use: the command line's checkpoint and restore use the
     * protocol's constants and {@link JsonLines}, and never pay for them.
     */
    private static final class Mappers {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule("paths")
                        .addSerializer(Path.class, ToStringSerializer.instance)
                        .addDeserializer(Path.class, new FromStringDeserializer<Path>(Path.class) {
                            private static final long serialVersionUID = 1L;

                            @Override
                            protected Path _deserialize(String value, DeserializationContext ctxt) {
                                return Path.of(value);
                            }
                        }))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.INDENT_OUTPUT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        static final ObjectMapper LENIENT = MAPPER.copy()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    private Protocol() {
    }

    /** Strict mapper for requests: unknown fields and missing required fields are errors. */
    public static ObjectMapper strict() {
        return Mappers.MAPPER;
    }

    /** Mapper for messages read by the client: newer helpers may add fields. */
    public static ObjectMapper lenient() {
        return Mappers.LENIENT;
    }

    /** Writes {@code value} as one line (JSON and a newline) to the channel. */
    public static void writeLine(WritableByteChannel channel, Object value) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(value instanceof Request r ? JsonLines.line(r) : lineBytes(value));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** One line of JSON and its newline, in UTF-8, as the mapper writes it. */
    static byte[] lineBytes(Object value) {
        return (line(value) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** One line of JSON (no newline). */
    public static String line(Object value) {
        try {
            return Mappers.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
