package dev.serverlessapp.support.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.testing.fuzz.Fuzz;
import dev.serverlessapp.testing.fuzz.ProblemOracle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared fuzz harness: repeatable cases, a failure that names its seed, and the oracle's rules. */
class FuzzHarnessTest {

    @Test
    void theSameSeedGivesTheSameCases() {
        List<Integer> first = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        Fuzz.run("first", 20, 20, (random, index) -> first.add(random.nextInt()));
        Fuzz.run("second", 20, 20, (random, index) -> second.add(random.nextInt()));
        assertThat(first).hasSize(20).isEqualTo(second).doesNotHaveDuplicates();
    }

    @Test
    void aFailingCaseNamesWhatReproducesIt() {
        assertThatThrownBy(() -> Fuzz.run("suite", 10, 10, (random, index) -> {
            if (index == 7) {
                throw new IllegalStateException("boom");
            }
        })).isInstanceOf(AssertionError.class)
                .hasMessageContaining("suite failed at case 7")
                .hasMessageContaining("-Dfuzz.seed=" + Fuzz.seed() + " -Dfuzz.case=7")
                .hasMessageContaining("boom");
    }

    @Test
    void theOracleRefusesServerErrorsAndBareClientErrors() {
        assertThatThrownBy(() -> ProblemOracle.check(500, "application/problem+json",
                "{\"title\":\"x\",\"status\":500}")).hasMessageContaining("answered 500");
        assertThatThrownBy(() -> ProblemOracle.check(400, "text/plain", "Bad Request"))
                .hasMessageContaining("not a problem detail");
        assertThatThrownBy(() -> ProblemOracle.check(404, "application/problem+json", "{\"title\":\"x\",\"status\":400}"))
                .hasMessageContaining("lacks its status");
        ProblemOracle.check(404, "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}");
        ProblemOracle.check(201, "application/json", "{}");
    }
}
