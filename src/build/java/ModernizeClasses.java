import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step (run by Maven after the jar is shaded, on JDK 24+): rewrites the classes under the
 * given package prefixes that are older than Java 6's class file format (picocli's are Java 5's)
 * as Java 8 class files, with the stack maps the verifier of newer formats needs. The JVM's
 * ahead-of-time cache leaves out classes of the old format and every class that uses them, so
 * without this the command line would load and verify picocli from the jar on every start.
 * The code itself is unchanged.
 *
 * <p>Usage: {@code java ModernizeClasses.java JAR PREFIX...}
 */
public final class ModernizeClasses {
    private static final int JAVA_6 = 50;
    private static final int JAVA_8 = 52;

    private ModernizeClasses() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: java ModernizeClasses.java JAR PREFIX...");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Map<String, byte[]> classes = new HashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                if (e.getName().endsWith(".class")) {
                    classes.put(e.getName(), zip.getInputStream(e).readAllBytes());
                }
            }
        }
        // the jar's own classes answer for the hierarchy the stack maps need; the JDK's for the rest
        ClassHierarchyResolver inJar = ClassHierarchyResolver.ofResourceParsing(desc -> {
            String d = desc.descriptorString();
            byte[] b = classes.get(d.substring(1, d.length() - 1) + ".class");
            return b == null ? null : new ByteArrayInputStream(b);
        });
        ClassFile files = ClassFile.of(
                ClassFile.ClassHierarchyResolverOption.of(inJar.orElse(ClassHierarchyResolver.defaultResolver())),
                ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
        ClassTransform toJava8 = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                .andThen(ClassTransform.endHandler(b -> b.withVersion(JAVA_8, 0)));
        Path out = jar.resolveSibling(jar.getFileName() + ".modern");
        int rewritten = 0;
        try (ZipFile zip = new ZipFile(jar.toFile());
                ZipOutputStream o = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                byte[] bytes = zip.getInputStream(e).readAllBytes();
                if (e.getName().endsWith(".class") && selected(e.getName(), args)) {
                    ClassModel model = files.parse(bytes);
                    if (model.majorVersion() < JAVA_6) {
                        bytes = files.transformClass(model, toJava8);
                        rewritten++;
                    }
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                o.putNextEntry(copy);
                o.write(bytes);
                o.closeEntry();
            }
        }
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("[modernize-classes] " + rewritten + " classes of " + String.join(", ",
                java.util.Arrays.asList(args).subList(1, args.length)) + " rewritten as Java 8 class files in " + jar);
    }

    private static boolean selected(String name, String[] args) {
        for (int i = 1; i < args.length; i++) {
            if (name.startsWith(args[i])) {
                return true;
            }
        }
        return false;
    }
}
