package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class HeadlessSmokeTest {
    private TextField field;

    @Start
    void start(Stage stage) {
        field = new TextField();
        field.setId("field");
        Button b = new Button("Go");
        b.setOnAction(e -> field.setText(field.getText() + "!"));
        stage.setScene(new Scene(new VBox(field, b), 300, 200));
        stage.show();
    }

    @Test
    void typingAndClickingWorkHeadless(FxRobot robot) {
        robot.clickOn("#field").write("hello");
        robot.clickOn("Go");
        assertEquals("hello!", field.getText());
    }
}
