package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PluralTest {
    @ParameterizedTest
    @CsvSource({"0, container, 0 containers", "1, container, 1 container", "2, container, 2 containers",
        "1, process, 1 process", "3, process, 3 processes", "2, box, 2 boxes", "2, patch, 2 patches",
        "2, crash, 2 crashes", "1, check, 1 check", "5, check, 5 checks", "2000, line, '2,000 lines'",
        "-1, file, -1 files"})
    void countsAgreeWithTheirNumber(long n, String noun, String expected) {
        assertEquals(expected, Plural.count(n, noun));
    }

    @Test
    void irregularPluralsAreGiven() {
        assertEquals("1 child", Plural.count(1, "child", "children"));
        assertEquals("4 children", Plural.count(4, "child", "children"));
    }

    @Test
    void nounAloneAgreesToo() {
        assertEquals("warning", Plural.noun(1, "warning"));
        assertEquals("warnings", Plural.noun(0, "warning"));
    }
}
