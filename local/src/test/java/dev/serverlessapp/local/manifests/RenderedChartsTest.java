package dev.serverlessapp.local.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A render is reused only for the same chart files and namespace: any change renders again. */
class RenderedChartsTest {

    @TempDir
    Path dir;

    private Path chart;
    private RenderedCharts rendered;
    private final AtomicInteger renders = new AtomicInteger();

    @BeforeEach
    void aChart() throws IOException {
        Files.createDirectories(dir.resolve("chart/templates"));
        chart = dir.resolve("chart");
        Files.writeString(chart.resolve("Chart.yaml"), "name: app\n");
        Files.writeString(chart.resolve("values.yaml"), "replicas: 1\n");
        Files.writeString(chart.resolve("templates/service.yaml"), "kind: Service\n");
        rendered = new RenderedCharts(dir.resolve("rendered"));
    }

    private Supplier<String> render(String yaml) {
        return () -> {
            renders.incrementAndGet();
            return yaml;
        };
    }

    @Test
    void theSameChartIsRenderedOnce() {
        assertThat(rendered.get(chart, "ns", render("first"))).isEqualTo("first");
        assertThat(new RenderedCharts(dir.resolve("rendered")).get(chart, "ns", render("second"))).isEqualTo("first");
        assertThat(renders).hasValue(1);
    }

    @Test
    void aChangedValueATemplateOrANewFileRendersAgain() throws IOException {
        rendered.get(chart, "ns", render("v1"));

        Files.writeString(chart.resolve("values.yaml"), "replicas: 2\n");
        assertThat(rendered.get(chart, "ns", render("v2"))).isEqualTo("v2");
        Files.writeString(chart.resolve("templates/service.yaml"), "kind: Service # changed\n");
        assertThat(rendered.get(chart, "ns", render("v3"))).isEqualTo("v3");
        Files.writeString(chart.resolve("templates/trigger.yaml"), "kind: Trigger\n");
        assertThat(rendered.get(chart, "ns", render("v4"))).isEqualTo("v4");
        assertThat(renders).hasValue(4);
    }

    @Test
    void anotherNamespaceRendersAgainAndOnlyTheNewestRenderIsKept() throws IOException {
        rendered.get(chart, "ns", render("ns"));
        assertThat(rendered.get(chart, "other", render("other"))).isEqualTo("other");

        assertThat(renders).hasValue(2);
        try (var files = Files.list(dir.resolve("rendered"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".json"))).hasSize(1);
        }
    }

    @Test
    void everyPartOfTheRendererTheKeyNamesExists() throws IOException {
        for (String part : RenderedCharts.RENDERER) {
            assertThat(RenderedCharts.resource(part)).as(part).isNotEmpty();
        }
    }

    @Test
    void aFileMovedToAnotherNameIsAnotherChart() throws IOException {
        rendered.get(chart, "ns", render("before"));
        Files.move(chart.resolve("templates/service.yaml"), chart.resolve("templates/svc.yaml"));

        assertThat(rendered.get(chart, "ns", render("after"))).isEqualTo("after");
    }
}
