package dev.dockercheckpoint.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** End-to-end tests that each get the real engine and a fresh private checkpoint base directory. */
abstract class BaseDirE2E {
    protected Path base;

    @BeforeEach
    void setUpEngineAndBaseDir() throws Exception {
        E2E.engine();
        base = E2E.newBaseDir();
    }

    @AfterEach
    void deleteBaseDir() {
        E2E.deleteTree(base);
    }
}
