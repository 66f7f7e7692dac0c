package dev.dockercheckpoint.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.image.Image;

/** The one place that finds FXML, stylesheets and icons. */
public final class Resources {
    private static final String BASE = "/dev/dockercheckpoint/ui/";
    private static final int[] ICON_SIZES = {16, 24, 32, 48, 64, 128, 256, 512};

    private Resources() {
    }

    public static URL url(String relative) {
        URL url = Resources.class.getResource(BASE + relative);
        if (url == null) {
            throw new IllegalStateException("missing resource " + BASE + relative);
        }
        return url;
    }

    /** Loads {@code fxml} with {@code controller} as its controller (views are built by their controllers). */
    public static Parent load(String fxml, Object controller) {
        FXMLLoader loader = new FXMLLoader(url(fxml));
        loader.setController(controller);
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + fxml, e);
        }
    }

    public static String stylesheet() {
        return url("app.css").toExternalForm();
    }

    /** The application icon in every size the build ships. */
    public static List<Image> icons() {
        List<Image> icons = new ArrayList<>();
        for (int size : ICON_SIZES) {
            URL url = Resources.class.getResource(BASE + "icons/docker-checkpoint-" + size + ".png");
            if (url != null) {
                icons.add(new Image(url.toExternalForm()));
            }
        }
        return icons;
    }
}
