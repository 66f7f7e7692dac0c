package dev.dockercheckpoint.ui;

import javafx.scene.control.Labeled;
import javafx.scene.control.MenuItem;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The icons of the actions, from the Feather set (Ikonli), one per kind of action so the same
 * action looks the same everywhere. They take the text colour of the theme.
 */
public final class Icons {
    public static final Feather CONTAINERS = Feather.BOX;
    public static final Feather CHECKPOINTS = Feather.ARCHIVE;
    public static final Feather SYSTEM = Feather.ACTIVITY;
    public static final Feather CHECKPOINT = Feather.CAMERA;
    public static final Feather RESTORE = Feather.ROTATE_CCW;
    public static final Feather REFRESH = Feather.REFRESH_CW;
    public static final Feather LOG = Feather.FILE_TEXT;
    public static final Feather CONTENTS = Feather.LAYERS;
    public static final Feather MIGRATE = Feather.SEND;
    public static final Feather COPY = Feather.COPY;
    public static final Feather DELETE = Feather.TRASH_2;
    public static final Feather STOP = Feather.SQUARE;
    public static final Feather CLOSE = Feather.X;
    public static final Feather OPEN = Feather.ARROW_RIGHT_CIRCLE;
    public static final Feather SUCCESS = Feather.CHECK_CIRCLE;
    public static final Feather FAILURE = Feather.X_CIRCLE;
    public static final Feather RUN_AGAIN = Feather.REPEAT;
    public static final Feather SEARCH = Feather.SEARCH;
    public static final Feather LIGHT = Feather.SUN;
    public static final Feather DARK = Feather.MOON;
    public static final Feather DESKTOP = Feather.MONITOR;

    private Icons() {
    }

    /** A new icon node (style class {@code action-icon}). */
    public static FontIcon icon(Ikon ikon) {
        FontIcon icon = new FontIcon(ikon);
        icon.getStyleClass().add("action-icon");
        return icon;
    }

    /** Puts {@code ikon} before the text of {@code control}; returns it. */
    public static <T extends Labeled> T on(T control, Ikon ikon) {
        control.setGraphic(icon(ikon));
        return control;
    }

    /** Puts {@code ikon} before the text of a menu item; returns it. */
    public static <T extends MenuItem> T on(T item, Ikon ikon) {
        item.setGraphic(icon(ikon));
        return item;
    }
}
