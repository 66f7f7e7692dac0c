package dev.dockercheckpoint.ui.theme;

import java.util.Locale;

/** The theme a user picks in View: light, dark, or whatever the desktop prefers. */
public enum ThemeChoice {
    LIGHT("Light"),
    DARK("Dark"),
    SYSTEM("Follow the desktop");

    private final String label;

    ThemeChoice(String label) {
        this.label = label;
    }

    /** The menu's words for it. */
    public String label() {
        return label;
    }

    /** The saved value read back; anything unknown follows the desktop. */
    public static ThemeChoice parse(String saved) {
        if (saved != null) {
            for (ThemeChoice c : values()) {
                if (c.name().equals(saved.strip().toUpperCase(Locale.ROOT))) {
                    return c;
                }
            }
        }
        return SYSTEM;
    }
}
