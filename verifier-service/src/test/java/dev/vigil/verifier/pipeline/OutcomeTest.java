package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeTest {

    private static final List<TableCheck> TABLES = List.of(new TableCheck("public", "orders", 3L, 3L));

    @Test
    void nothingDifferentAndNothingLackingPasses() {
        Outcome outcome = Outcome.of(List.of(), List.of(), TABLES, 120, List.of());

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.environmentProblems()).isEmpty();
    }

    @Test
    void aDumpMadeOutsideVigilThatRestoredIsRestoredNotPassedAndOneWithADifferenceFails() {
        List<TableCheck> found = List.of(new TableCheck("public", "orders", null, 3L));

        assertThat(Outcome.of(List.of(), List.of(), found, 120, List.of(), false).verdict()).isEqualTo(Verdict.RESTORED);
        assertThat(Outcome.of(List.of("check 'x' failed: answered false"), List.of(), found, 120, List.of(), false).verdict())
                .isEqualTo(Verdict.FAILED);
        assertThat(Outcome.of(List.of(), List.of(), found, 120, List.of(), false).notFullyJudged("checks not read").verdict())
                .isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void aDifferenceFailsTheBackupWhateverTheServerLacks() {
        Outcome outcome = Outcome.of(List.of("artifact checksum mismatch"), List.of("lacks the extension \"postgis\""), List.of(), 0, List.of());

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.differences()).containsExactly("artifact checksum mismatch");
        assertThat(outcome.environmentProblems()).as("listed only for an unjudged backup").isEmpty();
    }

    @Test
    void somethingTheServerLacksLeavesTheBackupUnjudged() {
        Outcome outcome = Outcome.unjudged(List.of("lacks the extension \"postgis\""));

        assertThat(outcome.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(outcome.environmentProblems()).containsExactly("lacks the extension \"postgis\"");
    }

    @Test
    void aPassNotFullyJudgedIsInconclusiveButAFailureStaysAFailure() {
        Outcome passed = Outcome.of(List.of(), List.of(), TABLES, 120, List.of()).notFullyJudged("its own checks did not run");
        Outcome failed = Outcome.damaged("the stored backup is damaged").notFullyJudged("its own checks did not run");

        assertThat(passed.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(passed.environmentProblems()).containsExactly("its own checks did not run");
        assertThat(passed.tables()).isEqualTo(TABLES);
        assertThat(failed.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(failed.differences()).containsExactly("the stored backup is damaged");
    }
}
