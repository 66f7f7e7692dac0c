package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesktopCheckTest {
    @TempDir
    Path tmp;

    @Test
    void noDisplayIsOneErrorWithWhereToRunIt() {
        DcpException e = assertThrows(DcpException.class, () -> DesktopCheck.check(Map.<String, String>of()::get, s -> true));
        assertEquals("no display to open the window on (DISPLAY is not set)", e.getMessage());
        assertTrue(e.hint().contains("sudo scripts/run"), e.hint());
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
    }

    @Test
    void waylandWithoutXWaylandIsNamed() {
        DcpException e = assertThrows(DcpException.class,
                () -> DesktopCheck.check(Map.of("WAYLAND_DISPLAY", "wayland-0")::get, s -> true));
        assertTrue(e.getMessage().contains("XWayland"), e.getMessage());
    }

    @Test
    void missingGtkNamesThePackageAndTheInstallCommand() {
        String[] asked = new String[1];
        DcpException e = assertThrows(DcpException.class, () -> DesktopCheck.check(Map.of("DISPLAY", ":0")::get,
                s -> {
                    asked[0] = s;
                    return false;
                }));
        assertEquals("libgtk-3.so.0", asked[0]);
        assertEquals("the desktop application needs GTK 3 (libgtk-3-0)", e.getMessage());
        assertEquals("sudo apt-get install libgtk-3-0", e.hint());
        assertEquals(ErrorCode.TOOL_MISSING, e.code());
    }

    @Test
    void displayAndGtkPass() {
        assertDoesNotThrow(() -> DesktopCheck.check(Map.of("DISPLAY", ":0")::get, s -> true));
    }

    @Test
    void aLibraryIsFoundOnLdLibraryPathOrInTheLoadersCache() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("lib"));
        Files.writeString(dir.resolve("libdcp-test.so.1"), "");
        Path noCache = tmp.resolve("none");
        assertTrue(DesktopCheck.loadable("libdcp-test.so.1", "/nonexistent:" + dir, noCache));
        assertFalse(DesktopCheck.loadable("libdcp-test.so.1", "/nonexistent", noCache));

        Path cache = tmp.resolve("ld.so.cache");
        Files.write(cache, "glibc-ld.so.cache1.1\0libdcp-cached.so.2\0/x/libdcp-cached.so.2\0"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(DesktopCheck.loadable("libdcp-cached.so.2", null, cache));
        // a longer name that merely starts with it is another library
        assertFalse(DesktopCheck.loadable("libdcp-cached.so", null, cache));
    }

    @Test
    void theRealLoaderCacheKnowsTheCLibrary() {
        assertTrue(DesktopCheck.loadable("libc.so.6", null, Path.of("/etc/ld.so.cache")));
        assertFalse(DesktopCheck.loadable("libdcp-no-such-library.so.9", null, Path.of("/etc/ld.so.cache")));
    }
}
