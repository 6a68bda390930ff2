package dev.serverlessapp.deploy;

import static dev.serverlessapp.deploy.ChartFixtures.CHART;
import static dev.serverlessapp.deploy.ChartFixtures.K8S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.deploy.upstream.Problem;
import dev.serverlessapp.deploy.upstream.UpstreamChecks;
import dev.serverlessapp.deploy.upstream.UpstreamRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the chart renders installs on the oldest and the newest supported Knative release: no object
 * or field that the apiserver's CRD schemas or the Knative webhooks would refuse.
 */
class UpstreamValidationTest {

    static final Path UPSTREAM = Path.of(System.getProperty("upstream.dir", "../upstream"));
    private static final Path ROOT = CHART.toAbsolutePath().getParent().getParent();
    private static final Map<UpstreamRelease, UpstreamChecks> CHECKS = Map.of(
            UpstreamRelease.OLDEST, UpstreamChecks.of(UPSTREAM, UpstreamRelease.OLDEST),
            UpstreamRelease.NEWEST, UpstreamChecks.of(UPSTREAM, UpstreamRelease.NEWEST));

    /** The cluster each value set documents it needs: EventPolicy needs Eventing's authentication-oidc. */
    private static UpstreamChecks checks(UpstreamRelease release, String valueSet) {
        boolean eventPolicy = valueSet.equals("production") || valueSet.equals("all-features");
        return eventPolicy ? CHECKS.get(release).withConfig(c -> c.withEventing(Map.of("authentication-oidc", "enabled")))
                : CHECKS.get(release);
    }

    static Stream<Arguments> valueSetsOnReleases() {
        return Stream.of("defaults", "production", "localstack", "always-on", "all-features")
                .flatMap(set -> UpstreamRelease.SUPPORTED.stream()
                        // all-features uses IRSA for the sources, which needs Eventing 1.20: see below
                        .filter(release -> !(set.equals("all-features") && release.equals(UpstreamRelease.OLDEST)))
                        .map(release -> Arguments.of(set, release)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("valueSetsOnReleases")
    void everyValueSetInstallsOnTheSupportedReleases(String valueSet, UpstreamRelease release) {
        checks(release, valueSet).requireInstallable(Chart.render(CHART, ChartFixtures.values(valueSet)));
    }

    @Test
    void allFeaturesNeedEventing120OnlyForTheSourcesServiceAccount() {
        List<Problem> problems = checks(UpstreamRelease.OLDEST, "all-features").check(Chart.render(CHART, ChartFixtures.allFeatures()));

        assertThat(problems).extracting(Problem::toString).containsExactlyInAnyOrder(
                "IntegrationSink dead-letters: spec.aws.auth.serviceAccountName: field not declared in the schema (strict field validation refuses it)",
                "IntegrationSink dead-letters: spec.aws.auth.secret.ref.name: missing field(s) (Eventing 1.17.6 knows no other auth)",
                "IntegrationSource email-queue: spec.aws.auth.serviceAccountName: field not declared in the schema (strict field validation refuses it)",
                "IntegrationSource email-queue: spec.aws.auth.secret.ref.name: missing field(s) (Eventing 1.17.6 knows no other auth)",
                "IntegrationSource uploads-queue: spec.aws.auth.serviceAccountName: field not declared in the schema (strict field validation refuses it)",
                "IntegrationSource uploads-queue: spec.aws.auth.secret.ref.name: missing field(s) (Eventing 1.17.6 knows no other auth)");
    }

    @Test
    void eventPolicyIsRefusedWhereAuthenticationOidcIsOff() {
        assertThat(CHECKS.get(UpstreamRelease.NEWEST).check(Chart.render(CHART, ChartFixtures.production())))
                .extracting(Problem::toString).containsExactlyInAnyOrder(
                        "EventPolicy serverless-app-senders: oidc-authentication feature not enabled (config-features authentication-oidc: enabled)",
                        "EventPolicy email-senders: oidc-authentication feature not enabled (config-features authentication-oidc: enabled)",
                        "EventPolicy uploads-senders: oidc-authentication feature not enabled (config-features authentication-oidc: enabled)");
    }

    @Test
    void k8sManifestsInstallOnTheSupportedReleases() throws IOException {
        String yaml = Files.readString(K8S.resolve("namespace.yaml")) + "\n---\n" + Files.readString(K8S.resolve("serverless-app.yaml"));
        for (UpstreamRelease release : UpstreamRelease.SUPPORTED) {
            CHECKS.get(release).requireInstallable(yaml);
        }
    }

    static Stream<Arguments> documentedHelmCommands() throws IOException {
        List<Arguments> commands = new ArrayList<>();
        for (String doc : List.of("README.md", "helm/README.md")) {
            for (String command : helmInstallCommands(Files.readString(ROOT.resolve(doc)))) {
                commands.add(Arguments.of(doc, command));
            }
        }
        return commands.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("documentedHelmCommands")
    void documentedHelmInstallCommandsInstallOnTheSupportedReleases(String doc, String command) {
        List<String> sets = new ArrayList<>();
        Map<String, Object> strings = new java.util.HashMap<>();
        String namespace = Chart.DEFAULT_NAMESPACE;
        List<String> words = List.of(command.split("\\s+"));
        for (int i = 0; i < words.size(); i++) {
            switch (words.get(i)) {
                case "--set" -> sets.add(words.get(++i));
                case "--set-string" -> setString(strings, words.get(++i));
                case "-n", "--namespace" -> namespace = words.get(++i);
                default -> {
                }
            }
        }
        String yaml = Chart.render(CHART, strings, namespace, sets);
        boolean serviceAccountAuth = sets.stream().anyMatch(s -> s.startsWith("aws.eventingAuth.serviceAccount.name="));
        for (UpstreamRelease release : UpstreamRelease.SUPPORTED) {
            if (!(serviceAccountAuth && release.equals(UpstreamRelease.OLDEST))) {
                CHECKS.get(release).requireInstallable(yaml);
            }
        }
        assertThat(ManifestChecks.all(Manifests.parse(yaml))).isEmpty();
    }

    @Test
    void theDocsShowHelmCommandsToCheck() throws IOException {
        assertThat(helmInstallCommands(Files.readString(ROOT.resolve("README.md")))).hasSize(1);
        assertThat(helmInstallCommands(Files.readString(ROOT.resolve("helm/README.md")))).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void aBrokenFieldFailsWithTheObjectAndTheFieldPath() {
        // values.schema.json only asks extraEnv entries for a name: a typo reaches the cluster.
        String yaml = Chart.render(CHART, Map.of("functions", Map.of("user-api",
                Map.of("extraEnv", List.of(Map.of("name", "JAVA_TOOL_OPTIONS", "valu", "-Xss512k"))))));

        for (UpstreamRelease release : UpstreamRelease.SUPPORTED) {
            assertThatThrownBy(() -> CHECKS.get(release).requireInstallable(yaml))
                    .isInstanceOf(ManifestException.class)
                    .hasMessageMatching("(?s).*Service user-api: spec\\.template\\.spec\\.containers\\[0]\\.env\\[\\d+]\\.valu: "
                            + "field not declared in the schema \\(strict field validation refuses it\\).*");
        }
    }

    @Test
    void aTimeoutKnativeRefusesFailsWithTheObjectAndTheFieldPath() {
        // PT0.05S passes an ISO-8601 pattern, but Knative keeps one decimal place: it reads zero and refuses it.
        String yaml = Chart.render(CHART, Map.of()).replace("timeout: PT60S", "timeout: PT0.05S");

        assertThat(CHECKS.get(UpstreamRelease.NEWEST).check(yaml)).extracting(Problem::toString).contains(
                "Broker serverless-app: spec.delivery.timeout: invalid value: PT0.05S (a non-zero ISO-8601 duration; fractions keep one decimal place)");
    }

    @Test
    void chartYamlStatesTheCheckedRange() throws IOException {
        String chart = Files.readString(CHART.resolve("Chart.yaml"));

        assertThat(chart)
                .contains("serverless-app.dev/knative-serving-versions: \">=" + UpstreamRelease.OLDEST.serving()
                        + " <=" + UpstreamRelease.NEWEST.serving() + "\"")
                .contains("serverless-app.dev/knative-eventing-versions: \">=" + UpstreamRelease.OLDEST.eventing()
                        + " <=" + UpstreamRelease.NEWEST.eventing() + "\"")
                .contains("serverless-app.dev/knative-kafka-broker-versions: \">=" + UpstreamRelease.OLDEST.kafkaBroker()
                        + " <=" + UpstreamRelease.NEWEST.kafkaBroker() + "\"");
        assertThat(Files.readString(ROOT.resolve("README.md")))
                .contains(UpstreamRelease.OLDEST.serving() + " to " + UpstreamRelease.NEWEST.serving())
                .contains(UpstreamRelease.OLDEST.eventing() + " to " + UpstreamRelease.NEWEST.eventing())
                .contains(UpstreamRelease.OLDEST.kafkaBroker() + " to " + UpstreamRelease.NEWEST.kafkaBroker());
    }

    @Test
    void everyVendoredFileHasItsSource() throws IOException {
        List<String> sources = Files.readAllLines(UPSTREAM.resolve("SOURCES.tsv"));
        try (Stream<Path> files = Files.walk(UPSTREAM)) {
            List<String> vendored = files.filter(Files::isRegularFile).map(f -> UPSTREAM.relativize(f).toString())
                    .filter(f -> !f.equals("SOURCES.tsv")).toList();
            assertThat(vendored).isNotEmpty().allSatisfy(file -> assertThat(sources)
                    .anySatisfy(line -> assertThat(line).matches(Pattern.quote(file) + "\thttps://github\\.com/\\S+\t\\S+\t[0-9a-f]{40}\t\\S+")));
        }
    }

    /** {@code --set-string a.b=v}: the value stays a string, as a quoted value in a values file. */
    @SuppressWarnings("unchecked")
    private static void setString(Map<String, Object> values, String assignment) {
        String[] path = assignment.substring(0, assignment.indexOf('=')).split("\\.");
        Map<String, Object> at = values;
        for (int i = 0; i < path.length - 1; i++) {
            at = (Map<String, Object>) at.computeIfAbsent(path[i], k -> new java.util.HashMap<String, Object>());
        }
        at.put(path[path.length - 1], assignment.substring(assignment.indexOf('=') + 1));
    }

    /** Each {@code helm install|upgrade} command in the fenced code blocks of a Markdown text, joined across {@code \}. */
    static List<String> helmInstallCommands(String markdown) {
        List<String> commands = new ArrayList<>();
        Matcher blocks = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (blocks.find()) {
            String joined = blocks.group(1).replaceAll("\\\\\\n\\s*", " ");
            for (String line : joined.split("\\n")) {
                String command = line.replaceFirst("#.*$", "").trim();
                if (command.startsWith("helm install ") || command.startsWith("helm upgrade ")) {
                    commands.add(command);
                }
            }
        }
        return commands;
    }
}
