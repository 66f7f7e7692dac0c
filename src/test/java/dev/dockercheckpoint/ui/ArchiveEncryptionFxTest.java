package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import dev.dockercheckpoint.core.archive.AgeEncryption;
import dev.dockercheckpoint.ui.archive.ExportDialogViewModel;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.FxTaskExecutor;
import dev.dockercheckpoint.ui.services.Settings;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.DataFormat;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The encryption and volumes choices of Export… and the keys Import… asks for, in a headless
 * window over a recording service: bad public keys named before anything starts, the passphrase
 * typed twice, a wrong passphrase or key file tried again without choosing the archive again, and
 * passphrases cleared after use. (The real encryption, against the age tool, is
 * {@code helper.GuiArchiveCryptoTest}'s.)
 */
@ExtendWith(ApplicationExtension.class)
class ArchiveEncryptionFxTest {
    @TempDir
    static Path tmp;

    private static final KeyPair ALICE = keyPair();
    private static final KeyPair BOB = keyPair();
    private static final String PASSPHRASE = "correct horse battery staple";

    private final FakeCheckpointService service = new FakeCheckpointService();
    private final Deque<Path> textFiles = new ArrayDeque<>();
    private final List<String> textFileTitles = new ArrayList<>();
    private Stage stage;
    private Path settingsDir;

    /** The text-file chooser answers from {@link #textFiles}. */
    private final class Dialogs implements dev.dockercheckpoint.ui.services.DialogService {
        @Override
        public void showError(String title, Throwable error) {
        }

        @Override
        public boolean confirm(String title, String question) {
            return true;
        }

        @Override
        public void notify(String text) {
        }

        @Override
        public Optional<Path> chooseDirectory(String title, Path initial) {
            return Optional.empty();
        }

        @Override
        public Optional<Path> chooseTextFile(String title, Path initialDir) {
            textFileTitles.add(title);
            return Optional.ofNullable(textFiles.poll());
        }

        @Override
        public void copyToClipboard(String text) {
        }
    }

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running")));
        service.stored.add(FakeCheckpointService.stored("web", "cp1"));
        settingsDir = Files.createTempDirectory(tmp, "settings");
        Dialogs dialogs = new Dialogs();
        new MainWindow(stage, service, new FxTaskExecutor(), s -> dialogs, new Settings(settingsDir.resolve(
                "settings.json")), Path.of("/run/test.sock"), (owner, dir, cp, log) -> { }).show();
    }

    private static <T extends Node> T node(FxRobot robot, String id, Class<T> type) {
        return robot.lookup("#" + id).queryAs(type);
    }

    private static void await(BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return condition.getAsBoolean();
        });
    }

    private void openExport(FxRobot robot) throws Exception {
        robot.clickOn("#navCheckpoints");
        await(() -> robot.lookup("cp1   244.1 KiB").tryQuery().isPresent());
        robot.clickOn("cp1   244.1 KiB");
        robot.press(KeyCode.CONTROL, KeyCode.E).release(KeyCode.E, KeyCode.CONTROL);
        await(() -> robot.lookup("#exportFile").tryQuery().isPresent());
    }

    /** A file encrypted with age by our own code (its header is what the dialog reads). */
    private static Path ageFile(String name, AgeEncryption encryption) throws Exception {
        Path f = tmp.resolve(name);
        try (OutputStream file = Files.newOutputStream(f); OutputStream out = encryption.encrypt(file)) {
            out.write("an archive".getBytes(StandardCharsets.UTF_8));
        }
        return f;
    }

    private static KeyPair keyPair() {
        try {
            return new X25519KeyPairGenerator().generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Visible with all its parents. */
    private static boolean shown(Node node) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (!n.isVisible()) {
                return false;
            }
        }
        return true;
    }

    private static boolean cleared(char[] chars) {
        for (char c : chars) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void exportToRecipientsNamesBadKeysFirstAddsKeysFromAFileAndTakesTheVolumes(FxRobot robot) throws Exception {
        openExport(robot);
        TextField file = node(robot, "exportFile", TextField.class);
        String home = System.getProperty("user.home");
        assertEquals(Path.of(home, "web-cp1.tar.zst").toString(), file.getText());
        assertFalse(shown(node(robot, "exportRecipients", TextArea.class)), "shown only when chosen");
        assertFalse(shown(node(robot, "exportPassphrase", PasswordField.class)));

        robot.clickOn("#encryptRecipients");
        assertEquals(Path.of(home, "web-cp1.tar.zst.age").toString(), file.getText(), ".age is added");
        TextArea keys = node(robot, "exportRecipients", TextArea.class);
        assertTrue(shown(keys));
        assertFalse(shown(node(robot, "exportPassphrase", PasswordField.class)));
        assertTrue(keys.isFocused(), "the keys are asked for next");
        Label error = node(robot, "exportEncryptError", Label.class);
        Button start = node(robot, "startExport", Button.class);
        assertEquals("Give the age1… public keys to encrypt to, one a line, or add them from a file.", error.getText());
        assertTrue(start.isDisabled());

        String secret = ALICE.getPrivate().toString();
        robot.interact(() -> keys.setText("# the team\n" + ALICE.getPublic() + "\nage1notakey\n" + secret
                + "\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB\n"));
        assertEquals("Lines 3 (age1notakey) and 5 (ssh-ed25519 …) are not age public keys, and line 4 is a secret key"
                + " (AGE-SECRET-KEY-1…), not a public key. Give the public key instead (age-keygen -y KEYFILE prints"
                + " it) and keep the secret key for the import.", error.getText());
        assertFalse(error.getText().contains(secret.substring(16, 30)), "a secret key is never repeated back");
        assertTrue(start.isDisabled(), "nothing starts with a bad key");

        // one wrong character breaks the key's checksum
        String pub = ALICE.getPublic().toString();
        String broken = pub.substring(0, 20) + (pub.charAt(20) == 'q' ? 'p' : 'q') + pub.substring(21);
        robot.interact(() -> keys.setText(broken));
        assertEquals("Line 1 (" + broken.substring(0, 12) + "…) is not an age public key. Give one age1… public key"
                + " of 62 characters a line (age-keygen -y KEYFILE prints it).", error.getText());

        robot.interact(() -> keys.setText(pub));
        assertEquals("", error.getText());
        Path recipientsFile = Files.writeString(tmp.resolve("team.txt"), "# bob\n" + BOB.getPublic() + "\n");
        Path notRecipients = Files.writeString(tmp.resolve("key.txt"), secret + "\n");
        textFiles.add(notRecipients);
        robot.clickOn("#exportRecipientsFile");
        assertEquals(notRecipients + " line 1 is a secret key, not a recipient. List public keys (age-keygen -y KEYFILE);"
                + " pass the key file to import's --identity instead.", error.getText());
        assertEquals(pub, keys.getText(), "nothing of that file is added");
        textFiles.add(recipientsFile);
        robot.clickOn("#exportRecipientsFile");
        assertEquals(List.of("Add recipients from a file (age -R)", "Add recipients from a file (age -R)"),
                textFileTitles);
        assertEquals(pub + "\n" + BOB.getPublic() + "\n", keys.getText());
        assertEquals("", error.getText());

        @SuppressWarnings("unchecked")
        ComboBox<String> compression = node(robot, "exportCompression", ComboBox.class);
        robot.clickOn(compression).clickOn("gzip");
        assertEquals(Path.of(home, "web-cp1.tar.gz.age").toString(), file.getText(), "the proposed name follows");
        Path target = tmp.resolve("web-cp1.tar.gz.age");
        robot.interact(() -> file.setText(target.toString()));
        robot.clickOn("#exportVolumes");
        assertTrue(node(robot, "exportVolumes", CheckBox.class).isSelected());
        robot.clickOn(start);
        Label outcome = node(robot, "exportOutcome", Label.class);
        await(() -> outcome.getText().startsWith("Exported"));
        assertEquals(List.of("web/cp1 gzip " + target + " +volumes age:" + pub + "," + BOB.getPublic()),
                service.transfers);
        assertEquals("Exported web/cp1 to " + target + ": 3.8 MiB archive (gzip, age) of 9.5 MiB in 12 entries, 1.5 s.",
                outcome.getText());

        robot.clickOn("#encryptNone");
        assertEquals(tmp.resolve("web-cp1.tar.gz").toString(), file.getText(), ".age goes with the encryption");
        assertEquals("", error.getText());
    }

    @Test
    void exportWithAPassphraseTypedTwiceClearsItAfterUse(FxRobot robot) throws Exception {
        openExport(robot);
        robot.clickOn("#encryptNone"); // the dialog's window has the keyboard
        robot.press(KeyCode.ALT, KeyCode.P).release(KeyCode.P, KeyCode.ALT); // the mnemonic of "With a passphrase"
        assertTrue(node(robot, "encryptPassphrase", RadioButton.class).isSelected());
        PasswordField first = node(robot, "exportPassphrase", PasswordField.class);
        PasswordField again = node(robot, "exportPassphraseAgain", PasswordField.class);
        assertTrue(first.isFocused());
        assertTrue(robot.lookup(ExportDialogViewModel.PASSPHRASE_ADVICE).tryQuery().isPresent(), "how strong it should be");
        Label error = node(robot, "exportEncryptError", Label.class);
        Button start = node(robot, "startExport", Button.class);
        assertEquals("Type the passphrase, then again to confirm it.", error.getText());
        robot.write(PASSPHRASE);
        assertEquals("Type the passphrase again to confirm it.", error.getText());
        robot.type(KeyCode.TAB).write("correct horse battery stapel");
        assertTrue(again.isFocused());
        assertEquals("The two passphrases differ.", error.getText());
        assertTrue(start.isDisabled());
        robot.interact(() -> again.setText(PASSPHRASE));
        assertEquals("", error.getText());

        Path target = tmp.resolve("secret-web-cp1.tar.zst.age");
        robot.interact(() -> node(robot, "exportFile", TextField.class).setText(target.toString()));
        robot.type(KeyCode.ENTER); // the default button
        Label outcome = node(robot, "exportOutcome", Label.class);
        await(() -> outcome.getText().startsWith("Exported"));
        assertEquals(List.of("web/cp1 zstd " + target + " age:passphrase"), service.transfers);
        assertEquals(1, service.passphrasesSeen.size());
        assertEquals(PASSPHRASE.length(), service.passphrasesSeen.getFirst().length);
        assertTrue(cleared(service.passphrasesSeen.getFirst()), "the passphrase handed over is cleared after use");
        assertEquals("", first.getText(), "and the fields emptied");
        assertEquals("", again.getText());
        try (Stream<Path> saved = Files.walk(settingsDir)) {
            for (Path p : saved.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(p).contains(PASSPHRASE), "never in a saved preference: " + p);
            }
        }
    }

    @Test
    void importAsksForThePassphraseAndAWrongOneCanBeTypedAgain(FxRobot robot) throws Exception {
        Path archive = ageFile("by-passphrase.tar.zst.age", AgeEncryption.withPassphrase(
                "anything".getBytes(StandardCharsets.UTF_8), 2));
        Path plain = Files.writeString(tmp.resolve("plain.tar.zst"), "not encrypted");
        robot.clickOn("#navCheckpoints");
        robot.press(KeyCode.CONTROL, KeyCode.I).release(KeyCode.I, KeyCode.CONTROL);
        await(() -> robot.lookup("#importFile").tryQuery().isPresent());
        TextField file = node(robot, "importFile", TextField.class);
        PasswordField passphrase = node(robot, "importPassphrase", PasswordField.class);
        Label lock = node(robot, "importLock", Label.class);
        robot.interact(() -> file.setText(plain.toString()));
        assertFalse(passphrase.isVisible(), "a plain archive needs no key");
        assertFalse(lock.isVisible());
        assertFalse(node(robot, "importIdentity", TextField.class).isVisible());

        // a kind of recipient this tool does not read: said before anything starts
        Path toSsh = Files.writeString(tmp.resolve("to-ssh.age"), "age-encryption.org/v1\n-> ssh-ed25519 Zm9v YmFy\n"
                + "YmF6\n--- bWFj\n", StandardCharsets.ISO_8859_1);
        robot.interact(() -> file.setText(toSsh.toString()));
        assertEquals("The archive is encrypted with age to recipients of a kind this tool does not read (ssh-ed25519)."
                + " Decrypt it with age first, then import that file.", node(robot, "importError", Label.class).getText());
        assertTrue(node(robot, "startImport", Button.class).isDisabled());
        assertFalse(passphrase.isVisible());
        assertFalse(node(robot, "importIdentity", TextField.class).isVisible());

        robot.interact(() -> file.setText(archive.toString()));
        assertEquals("Encrypted with a passphrase (age): type it.", lock.getText());
        assertTrue(passphrase.isVisible());
        assertFalse(node(robot, "importIdentity", TextField.class).isVisible());
        Label error = node(robot, "importError", Label.class);
        assertEquals("Type the passphrase the archive was exported with.", error.getText());
        Button start = node(robot, "startImport", Button.class);
        assertTrue(start.isDisabled());

        robot.clickOn(passphrase).write("Tr0ub4dor&3");
        assertEquals("", error.getText());
        robot.clickOn(start);
        Label outcome = node(robot, "importOutcome", Label.class);
        await(() -> outcome.getText().startsWith("Import failed"));
        assertEquals("Import failed: the passphrase does not decrypt the archive. Check the passphrase; nothing was"
                + " imported.", outcome.getText());
        assertEquals(1, service.stored.size(), "nothing was stored");
        assertEquals(archive.toString(), file.getText(), "the archive stays chosen");
        assertEquals("", passphrase.getText(), "the passphrase is typed again");
        assertTrue(passphrase.isFocused());

        robot.write(PASSPHRASE).type(KeyCode.ENTER);
        await(() -> outcome.getText().startsWith("Imported"));
        assertEquals(List.of(archive + " -> /tmp/docker-checkpoints null/null passphrase",
                archive + " -> /tmp/docker-checkpoints null/null passphrase"), service.transfers);
        assertEquals(2, service.passphrasesSeen.size());
        assertTrue(service.passphrasesSeen.stream().allMatch(ArchiveEncryptionFxTest::cleared),
                "each passphrase handed over is cleared after use");
        assertEquals("", passphrase.getText());
    }

    @Test
    void importToRecipientsAsksForAKeyFileAndAnotherMayBeChosenAfterAWrongOne(FxRobot robot) throws Exception {
        Path archive = ageFile("to-alice.age", AgeEncryption.toRecipients(List.of(ALICE.getPublic().toString(),
                BOB.getPublic().toString())));
        Path wrongKey = Files.writeString(tmp.resolve("carol.txt"), "# created: today\n"
                + keyPair().getPrivate() + "\n");
        Path aliceKey = Files.writeString(tmp.resolve("alice.txt"), ALICE.getPrivate() + "\n");
        Path notAKey = Files.writeString(tmp.resolve("notes.txt"), "hello\n");
        service.archiveIdentity = aliceKey;
        robot.clickOn("#navCheckpoints");
        robot.press(KeyCode.CONTROL, KeyCode.I).release(KeyCode.I, KeyCode.CONTROL);
        await(() -> robot.lookup("#importFile").tryQuery().isPresent());
        robot.interact(() -> node(robot, "importFile", TextField.class).setText(archive.toString()));
        assertEquals("Encrypted with age to 2 recipients: choose the key file of one of them.",
                node(robot, "importLock", Label.class).getText());
        TextField identity = node(robot, "importIdentity", TextField.class);
        assertTrue(identity.isVisible());
        assertFalse(node(robot, "importPassphrase", PasswordField.class).isVisible());
        Label error = node(robot, "importError", Label.class);
        assertEquals("Choose the key file (age-keygen's) of one of its recipients.", error.getText());

        textFiles.add(notAKey);
        robot.clickOn("#importIdentityChoose");
        assertEquals(notAKey.toString(), identity.getText());
        assertEquals(notAKey + " line 1 is not an age identity (AGE-SECRET-KEY-1...). Pass the key file age-keygen"
                + " wrote.", error.getText());
        assertTrue(node(robot, "startImport", Button.class).isDisabled());

        textFiles.add(wrongKey);
        robot.clickOn("#importIdentityChoose");
        assertEquals("", error.getText());
        robot.clickOn("#startImport");
        Label outcome = node(robot, "importOutcome", Label.class);
        await(() -> outcome.getText().startsWith("Import failed"));
        assertEquals("Import failed: no identity in " + wrongKey + " matches the archive's 1 recipient. Choose the key"
                + " file of a recipient it was exported to; nothing was imported.", outcome.getText());
        assertTrue(identity.isFocused(), "the key file is chosen again");
        assertEquals(1, service.stored.size());

        robot.interact(() -> identity.setText(aliceKey.toString()));
        robot.clickOn("#startImport");
        await(() -> outcome.getText().startsWith("Imported"));
        assertEquals(archive + " -> /tmp/docker-checkpoints null/null identity " + aliceKey,
                service.transfers.getLast());
    }

    @Test
    void aDroppedEncryptedArchiveWaitsForItsPassphrase(FxRobot robot) throws Exception {
        Path archive = ageFile("dropped.tar.zst.age", AgeEncryption.withPassphrase(
                "x".getBytes(StandardCharsets.UTF_8), 2));
        robot.clickOn("#navCheckpoints");
        Scene scene = stage.getScene();
        robot.interact(() -> {
            com.sun.javafx.tk.TKClipboard local = com.sun.javafx.tk.Toolkit.getToolkit().createLocalClipboard();
            com.sun.javafx.tk.TKClipboard peer = (com.sun.javafx.tk.TKClipboard) java.lang.reflect.Proxy.newProxyInstance(
                    com.sun.javafx.tk.TKClipboard.class.getClassLoader(),
                    new Class<?>[] {com.sun.javafx.tk.TKClipboard.class}, (proxy, method, args) ->
                            method.getName().equals("getTransferModes") ? java.util.EnumSet.of(TransferMode.COPY)
                                    : method.invoke(local, args));
            Dragboard board = com.sun.javafx.scene.input.DragboardHelper.createDragboard(peer);
            board.setContent(java.util.Map.of(DataFormat.FILES, List.of(new File(archive.toString()))));
            scene.getRoot().fireEvent(new DragEvent(DragEvent.DRAG_OVER, board, 10, 10, 10, 10, TransferMode.COPY,
                    null, null, null));
            scene.getRoot().fireEvent(new DragEvent(DragEvent.DRAG_DROPPED, board, 10, 10, 10, 10,
                    TransferMode.COPY, null, null, null));
        });
        await(() -> robot.lookup("#importPassphrase").tryQuery().isPresent());
        PasswordField passphrase = node(robot, "importPassphrase", PasswordField.class);
        await(passphrase::isFocused);
        assertTrue(shown(passphrase));
        assertEquals(List.of(), service.transfers, "nothing starts without the passphrase");
        robot.clickOn(passphrase).write(PASSPHRASE).type(KeyCode.ENTER);
        Label outcome = node(robot, "importOutcome", Label.class);
        await(() -> outcome.getText().startsWith("Imported"));
        assertEquals(List.of(archive + " -> /tmp/docker-checkpoints null/null passphrase"), service.transfers);
    }
}
