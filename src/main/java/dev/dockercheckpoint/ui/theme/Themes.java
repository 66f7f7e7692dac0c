package dev.dockercheckpoint.ui.theme;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import atlantafx.base.theme.Theme;
import dev.dockercheckpoint.ui.services.Settings;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.util.function.BooleanSupplier;
import javafx.application.Application;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The application's look: AtlantaFX's Primer theme, light or dark, as chosen in View (saved in
 * the settings) or as the desktop prefers. It is the user-agent stylesheet of every window, so
 * dialogs and alerts follow; app.css on top uses only the theme's colour variables.
 */
public final class Themes {
    /** Stylesheet of the light look. */
    public static final String LIGHT = new PrimerLight().getUserAgentStylesheet();
    /** Stylesheet of the dark look. */
    public static final String DARK = new PrimerDark().getUserAgentStylesheet();

    private final Settings settings;
    private final BooleanSupplier desktopPrefersDark;
    private final ReadOnlyObjectWrapper<ThemeChoice> choice = new ReadOnlyObjectWrapper<>(ThemeChoice.SYSTEM);
    private final ReadOnlyBooleanWrapper dark = new ReadOnlyBooleanWrapper(false);
    private boolean desktopDark;

    /**
     * {@code desktopPrefersDark} tells what the desktop prefers; it may run a command, so it is
     * asked when this is made and when asked to {@link #recheckDesktop}, never on every paint.
     */
    public Themes(Settings settings, BooleanSupplier desktopPrefersDark) {
        this.settings = settings;
        this.desktopPrefersDark = desktopPrefersDark;
        this.choice.set(ThemeChoice.parse(settings.load().theme()));
        this.desktopDark = choice.get() == ThemeChoice.SYSTEM && desktopPrefersDark.getAsBoolean();
    }

    /** The application's: the user's settings and the desktop's preference. */
    public static Themes forDesktop(Settings settings) {
        return new Themes(settings, DesktopPreference::prefersDark);
    }

    /** Sets the stylesheet for the current choice (on the UI thread). */
    public void apply() {
        boolean d = switch (choice.get()) {
            case LIGHT -> false;
            case DARK -> true;
            case SYSTEM -> desktopDark;
        };
        dark.set(d);
        Theme theme = d ? new PrimerDark() : new PrimerLight();
        if (!theme.getUserAgentStylesheet().equals(Application.getUserAgentStylesheet())) {
            Application.setUserAgentStylesheet(theme.getUserAgentStylesheet());
        }
    }

    /** The user picked {@code c}: applied at once and remembered. */
    public void choose(ThemeChoice c) {
        if (c == ThemeChoice.SYSTEM && choice.get() != ThemeChoice.SYSTEM) {
            desktopDark = desktopPrefersDark.getAsBoolean();
        }
        choice.set(c);
        settings.save(settings.load().withTheme(c.name()));
        apply();
    }

    /** Asks the desktop again, off the UI thread, when following it (say, when the window comes back). */
    public void recheckDesktop(TaskExecutor executor, BooleanSupplier askAgain) {
        if (choice.get() != ThemeChoice.SYSTEM) {
            return;
        }
        executor.execute(askAgain::getAsBoolean, d -> {
            if (d != desktopDark) {
                desktopDark = d;
                apply();
            }
        }, e -> { });
    }

    public ReadOnlyObjectProperty<ThemeChoice> choiceProperty() {
        return choice.getReadOnlyProperty();
    }

    /** Whether the dark look is on. */
    public ReadOnlyBooleanProperty darkProperty() {
        return dark.getReadOnlyProperty();
    }
}
