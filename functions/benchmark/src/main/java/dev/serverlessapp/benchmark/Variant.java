package dev.serverlessapp.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * One way to start a process, and where. Every variant runs on the JDK that runs the benchmark, in
 * a box the size of the functions' Knative limit: {@code -XX:MaxRAM} stands in for the container's
 * memory limit, which is what the JVM sizes its heap (and picks its GC) from in the cluster.
 */
enum Variant {

    /** A bare Reactor Netty server answering the same request: the floor. */
    FLOOR("floor"),
    /** The function as {@code java -jar}, with the JVM's defaults. */
    JAR("java -jar"),
    /** The function as Jib's default layout ran it before this work: class directories, no AOT cache. */
    JIB_DEFAULT("image before (Jib default)"),
    /** The function as its image runs it now: the extracted jar, jvm.args and the AOT cache. */
    IMAGE("image (AOT cache)"),
    /** The image with both JIT compilers (C1 and C2), in place of jvm.args' C1 only: memory under load. */
    IMAGE_C2("image, full JIT (C1 and C2)", List.of("-XX:TieredStopAtLevel=4"), Map.of()),
    /** The image with Spring's start-up steps recorded, for the breakdown by component (StartupReport). */
    IMAGE_STEPS("image, start-up steps recorded", List.of(), Map.of()),
    /** One component removed, to see what it costs as a whole (classes, memory, time): Prometheus, tracing, OpenTelemetry. */
    IMAGE_NO_OBSERVABILITY("image without Prometheus, tracing, OpenTelemetry", List.of(),
            Map.of("SPRING_AUTOCONFIGURE_EXCLUDE", Ablations.OBSERVABILITY)),
    /** The actuator (probes, Prometheus) served on the serving port: no second server, no child context. */
    IMAGE_ACTUATOR_ON_SERVING_PORT("image, actuator on the serving port", List.of(),
            Map.of("MANAGEMENT_PORT", "${server.port}")),
    /** No actuator over HTTP at all: no Prometheus scrape, no /actuator/health. */
    IMAGE_NO_MANAGEMENT_SERVER("image without the management server", List.of(), Map.of("MANAGEMENT_PORT", "-1")),
    /** What a user would pick instead: the smallest Spring Boot WebFlux CloudEvent function, laid out and started as our images. */
    PEER_SPRING("peer: Spring Boot WebFlux, minimal (AOT cache)"),
    /** What a user would pick instead: Quarkus (Funqy Knative events) as its default fast-jar, with our image's flags. */
    PEER_QUARKUS("peer: Quarkus fast-jar"),
    /** The same Quarkus function in its AOT packaging (aot-jar) with a JDK AOT cache trained as ours are. */
    PEER_QUARKUS_AOT("peer: Quarkus aot-jar (AOT cache)");

    /** The functions' memory limit in the chart (values.yaml, resources.limits.memory). */
    static final String CONTAINER_MEMORY = "-XX:MaxRAM=512m";

    /** The JVM flags of Jib's default entrypoint before this work (the root pom's former Jib jvmFlags). */
    static final List<String> JIB_DEFAULT_FLAGS = List.of("-XX:MaxRAMPercentage=75", "-XX:InitialRAMPercentage=50",
            "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData");

    final String label;
    /** JVM flags after the image's own (jvm.args), so that they win. */
    final List<String> imageFlags;
    /** Environment the variant adds to the function's. */
    final Map<String, String> environment;

    Variant(String label) {
        this(label, List.of(), Map.of());
    }

    Variant(String label, List<String> imageFlags, Map<String, String> environment) {
        this.label = label;
        this.imageFlags = imageFlags;
        this.environment = environment;
    }

    /** A peer or the floor: launched once per round, not once per function. */
    boolean standsAlone() {
        return this == FLOOR || name().startsWith("PEER_");
    }

    /** The image's layout started the image's way, with this variant's flags and environment. */
    boolean isImage() {
        return name().startsWith("IMAGE");
    }

    record Command(List<String> arguments, Path directory) {
        /** The same command with more JVM flags: after the image's own (jvm.args), so that they win, else after java. */
        Command withFlags(List<String> flags) {
            List<String> all = new ArrayList<>(arguments);
            all.addAll(all.indexOf("@jvm.args") + 1 > 0 ? all.indexOf("@jvm.args") + 1 : 1, flags);
            return new Command(all, directory);
        }
    }

    /** The command for a function module directory ({@code functions/<name>}), or for the floor. */
    Command command(Path function, Path scratch) {
        Path functionDir = function == null ? null : function.toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> args = new ArrayList<>(List.of(java, CONTAINER_MEMORY));
        return switch (this) {
            case FLOOR -> {
                args.addAll(List.of("-cp", floorClassPath(), FloorServer.class.getName()));
                yield new Command(args, scratch.toAbsolutePath());
            }
            case JAR -> {
                args.addAll(List.of("-jar", bootJar(functionDir).toString()));
                yield new Command(args, functionDir);
            }
            case JIB_DEFAULT -> {
                Path layout = jibDefaultLayout(functionDir, scratch.resolve("jib-" + functionDir.getFileName()));
                args.addAll(JIB_DEFAULT_FLAGS);
                args.addAll(List.of("-cp", "classes:libs/*", mainClass(bootJar(functionDir))));
                yield new Command(args, layout);
            }
            case IMAGE, IMAGE_C2, IMAGE_STEPS, IMAGE_NO_OBSERVABILITY, IMAGE_ACTUATOR_ON_SERVING_PORT,
                 IMAGE_NO_MANAGEMENT_SERVER -> {
                // The image's entrypoint, from the image's working directory (functions/pom.xml).
                args.add("@jvm.args");
                args.addAll(imageFlags);
                if (this == IMAGE_STEPS) {
                    args.add("-Dapp.startup-report=" + stepsFile(scratch, functionDir).toAbsolutePath());
                }
                args.addAll(List.of("-XX:AOTCache=app.aot", "-jar", "app.jar"));
                yield new Command(args, imageLayout(functionDir));
            }
            case PEER_SPRING -> {
                args.addAll(List.of("@jvm.args", "-XX:AOTCache=app.aot", "-jar", "app.jar"));
                yield new Command(args, peer("spring-webflux").resolve("target/image/app"));
            }
            case PEER_QUARKUS -> {
                args.addAll(List.of("@" + Path.of("functions/image/jvm.args").toAbsolutePath(), "-jar",
                        "quarkus-run.jar"));
                yield new Command(args, peer("quarkus").resolve("target/quarkus-app"));
            }
            case PEER_QUARKUS_AOT -> {
                // Trained by the benchmark module's build (its pom), with jvm.args copied beside the jar.
                args.addAll(List.of("@jvm.args", "-XX:AOTCache=app.aot", "-jar", "quarkus-run.jar"));
                yield new Command(args, peer("quarkus-aot").resolve("target/quarkus-app"));
            }
        };
    }

    /** Where a function's start-up report goes (IMAGE_STEPS). */
    static Path stepsFile(Path scratch, Path functionDir) {
        return scratch.resolve("steps-" + functionDir.getFileName() + ".tsv");
    }

    static Path peer(String name) {
        Path dir = Path.of("functions/peers", name).toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("target"))) {
            throw new IllegalStateException("The peer " + name + " is not built: run the benchmark through Maven "
                    + "with -Pbenchmark (see ColdStartBenchmark)");
        }
        return dir;
    }

    static Path imageLayout(Path functionDir) {
        return functionDir.resolve("target/image/app");
    }

    static Path bootJar(Path functionDir) {
        try (var jars = Files.list(functionDir.resolve("target"))) {
            return jars.filter(p -> p.toString().endsWith(".jar") && mainClassOrNull(p) != null).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No Spring Boot jar in " + functionDir
                            + "/target: package the function first"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String mainClass(Path bootJar) {
        return mainClassOrNull(bootJar);
    }

    private static String mainClassOrNull(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue("Start-Class");
        } catch (IOException e) {
            return null;
        }
    }

    /** Jib's default layout, from the boot jar: classes and resources in a directory, dependencies as jars. */
    private static Path jibDefaultLayout(Path functionDir, Path target) {
        if (Files.isDirectory(target)) {
            return target;
        }
        try (JarFile jar = new JarFile(bootJar(functionDir).toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                Path out = name.startsWith("BOOT-INF/classes/")
                        ? target.resolve("classes").resolve(name.substring("BOOT-INF/classes/".length()))
                        : name.startsWith("BOOT-INF/lib/")
                                ? target.resolve("libs").resolve(name.substring("BOOT-INF/lib/".length()))
                                : null;
                if (out == null || entry.isDirectory()) {
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not lay out " + functionDir + " as Jib does", e);
        }
    }

    /** Reactor Netty and what it needs, from this JVM's class path, plus this module's classes. */
    private static String floorClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (!entry.endsWith(".jar") || name.startsWith("reactor-") || name.startsWith("netty-")
                    || name.startsWith("reactive-streams")) {
                if (!entry.endsWith(".jar") && !entry.contains("benchmark")) {
                    continue;
                }
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
