package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"checkpoint1", "my_app.v2-x", "A", "a.b-c_d", "0"})
    void acceptsSafeNames(String name) {
        assertNull(Names.problem(name));
        assertSame(name, Names.requireValid("checkpoint name", name));
    }

    @Test
    void acceptsExactlyMaxLength() {
        String name = "a".repeat(128);
        assertEquals(128, Names.MAX_LENGTH);
        assertNull(Names.problem(name));
        assertSame(name, Names.requireValid("checkpoint name", name));
    }

    static Stream<Arguments> invalidNames() {
        return Stream.of(
                Arguments.of("a/b", "it contains '/'"),
                Arguments.of("/", "it contains '/'"),
                Arguments.of("..", "it contains '..'"),
                Arguments.of("a..b", "it contains '..'"),
                Arguments.of("-x", "it starts with '-'"),
                Arguments.of("--help", "it starts with '-'"),
                Arguments.of(".hidden", "it starts with '.'"),
                Arguments.of("", "it is empty"),
                Arguments.of(null, "it is empty"),
                Arguments.of("a".repeat(129), "it is longer than 128 characters"),
                Arguments.of("a\nb", "it contains a control character"),
                Arguments.of("a\tb", "it contains a control character"),
                Arguments.of("a\u0001b", "it contains a control character"),
                Arguments.of("\u007f", "it contains a control character"),
                Arguments.of("my app", "it contains a space"),
                Arguments.of("a\\b", "it contains '\\'"),
                Arguments.of("a:b", "it contains ':'"),
                Arguments.of("caf\u00e9", "it contains '\u00e9'"));
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void problemExplainsWhyANameIsRefused(String name, String reason) {
        assertEquals(reason, Names.problem(name));
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void requireValidThrowsInvalidInputWithReasonAndHint(String name, String reason) {
        DcpException e = assertThrows(DcpException.class, () -> Names.requireValid("checkpoint name", name));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().startsWith("invalid checkpoint name "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": " + reason), e.getMessage());
        assertNotNull(e.hint());
        assertFalse(e.hint().isBlank());
        assertTrue(e.hint().contains("128"), e.hint());
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "./x", "../x", "x/..", "...", ".x", "-"})
    void refusesDotAndDashForms(String name) {
        assertNotNull(Names.problem(name), name);
        DcpException e = assertThrows(DcpException.class, () -> Names.requireValid("container name", name));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
    }

    @Test
    void singleDotIsRefusedWithAnAccurateReason() {
        String reason = Names.problem(".");
        assertNotNull(reason);
        // "." does not contain "..": the reason shown to the user must not claim it does
        assertEquals("it starts with '.'", reason);
    }

    @Test
    void messageNeverEchoesRawControlCharacters() {
        DcpException e = assertThrows(DcpException.class, () -> Names.requireValid("new container name", "x\ny"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("\"x\\x0ay\""), e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid new container name "), e.getMessage());
    }

    @Test
    void messageShortensVeryLongNames() {
        String longName = "b".repeat(200);
        DcpException e = assertThrows(DcpException.class, () -> Names.requireValid("container name", longName));
        assertFalse(e.getMessage().contains(longName), e.getMessage());
        assertTrue(e.getMessage().contains("\"" + "b".repeat(40) + "...\""), e.getMessage());
    }

    @Test
    void refusalIsASentenceAboutTheField() {
        assertEquals("The checkpoint name contains '/'.", Names.refusal("checkpoint name", "a/b"));
        assertEquals("The checkpoint name is empty.", Names.refusal("checkpoint name", ""));
        assertEquals("The container name contains a space.", Names.refusal("container name", "my app"));
        assertEquals("The container name starts with '-'.", Names.refusal("container name", "-x"));
        assertNull(Names.refusal("checkpoint name", "checkpoint1"));
    }
}
