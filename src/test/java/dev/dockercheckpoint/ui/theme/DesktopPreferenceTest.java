package dev.dockercheckpoint.ui.theme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesktopPreferenceTest {
    @TempDir
    Path tmp;

    @Test
    void gtkThemeEndingInDarkWins() {
        List<List<String>> asked = new ArrayList<>();
        assertTrue(DesktopPreference.prefersDark(Map.of("GTK_THEME", "Adwaita:dark"), c -> {
            asked.add(c);
            return Optional.of("'default'");
        }));
        assertTrue(asked.isEmpty(), "gsettings is not asked when GTK_THEME says");
        assertFalse(DesktopPreference.prefersDark(Map.of("GTK_THEME", "Adwaita"), c -> Optional.of("'prefer-dark'")));
    }

    @Test
    void gnomesColorSchemeIsReadWithGsettings() {
        List<List<String>> asked = new ArrayList<>();
        assertTrue(DesktopPreference.prefersDark(Map.of(), c -> {
            asked.add(c);
            return Optional.of("'prefer-dark'\n");
        }));
        assertEquals(List.of("gsettings", "get", "org.gnome.desktop.interface", "color-scheme"), asked.getFirst());
        assertFalse(DesktopPreference.prefersDark(Map.of(), c -> Optional.of("'default'\n")));
        assertFalse(DesktopPreference.prefersDark(Map.of(), c -> Optional.empty()), "no gsettings: light");
    }

    @Test
    void aRealProgramIsRunAndAnAbsentOneIsNoError() throws IOException {
        assertEquals(Optional.empty(), DesktopPreference.run(List.of("no-such-gsettings-here", "get")));
        Path fake = tmp.resolve("fake-gsettings");
        Files.writeString(fake, "#!/bin/sh\necho \"'prefer-dark' $*\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Optional.of(fake), DesktopPreference.onPath("fake-gsettings", "/nonexistent:" + tmp));
        Optional<String> out = DesktopPreference.run(List.of(fake.toString(), "get", "x", "y"));
        assertEquals(Optional.of("'prefer-dark' get x y\n"), out.map(s -> s));
    }

    @Test
    void theSavedChoiceIsReadBackAndAnythingElseFollowsTheDesktop() {
        assertEquals(ThemeChoice.DARK, ThemeChoice.parse("DARK"));
        assertEquals(ThemeChoice.LIGHT, ThemeChoice.parse(" light "));
        assertEquals(ThemeChoice.SYSTEM, ThemeChoice.parse(null));
        assertEquals(ThemeChoice.SYSTEM, ThemeChoice.parse("purple"));
    }
}
