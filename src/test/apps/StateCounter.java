import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Workload of the dcp-jvm test image: a counter kept in memory, printed every 200 ms with a
 * random token drawn at start (a restarted program would print another one), and a file opened
 * once at start and kept open. When /tmp/poke appears, the program appends a line to its open
 * file and reads the whole file back through the same descriptor.
 */
public final class StateCounter {
    private StateCounter() {
    }

    public static void main(String[] args) throws Exception {
        Path poke = Path.of("/tmp/poke");
        String token = Long.toHexString(new Random().nextLong());
        RandomAccessFile file = new RandomAccessFile(args.length > 0 ? args[0] : "/tmp/state.txt", "rw");
        file.setLength(0);
        file.write(("opened by pid " + ProcessHandle.current().pid() + " token " + token + "\n")
                .getBytes(StandardCharsets.UTF_8));
        long tick = 0;
        while (true) {
            tick++;
            System.out.println("tick " + tick + " state " + token);
            if (Files.deleteIfExists(poke)) {
                file.seek(file.length());
                file.write(("poked at tick " + tick + "\n").getBytes(StandardCharsets.UTF_8));
                file.seek(0);
                byte[] all = new byte[(int) file.length()];
                file.readFully(all);
                System.out.println("file " + new String(all, StandardCharsets.UTF_8).strip().replace('\n', '|'));
            }
            Thread.sleep(200);
        }
    }
}
