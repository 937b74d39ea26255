package dev.vigil.verifier.pipeline;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * What a restore showed about a backup, reported alike by verifications and restores on demand. The
 * verdict is made here and nowhere else: any difference fails the backup (a damaged artifact is a
 * bad backup whatever the server lacks); otherwise something the server lacks leaves it unjudged
 * ({@code INCONCLUSIVE}); otherwise it passed, or, for a dump made outside Vigil that had nothing to
 * be compared with, it {@code RESTORED}.
 *
 * @param differences         one line per difference: damage, restore errors, counts, catalog, failed checks
 * @param tables              per-table expected and found rows (found only for {@code RESTORED})
 * @param restoreMillis       downloading, decoding and restoring, in milliseconds
 * @param environmentProblems what the server lacks, listed only when the verdict is {@code INCONCLUSIVE}
 * @param checks              the target's own checks and how each came out
 */
public record Outcome(Verdict verdict, List<String> differences, List<TableCheck> tables, long restoreMillis,
        List<String> environmentProblems, List<CheckResult> checks) {

    public Outcome {
        differences = List.copyOf(differences);
        tables = List.copyOf(tables);
        environmentProblems = List.copyOf(environmentProblems);
        checks = List.copyOf(checks);
    }

    static Outcome of(List<String> differences, List<String> environmentProblems, List<TableCheck> tables, long restoreMillis,
            List<CheckResult> checks) {
        return of(differences, environmentProblems, tables, restoreMillis, checks, true);
    }

    /**
     * @param compared whether the restore was compared with the source (its row counts, its catalog); false for a
     *                 dump made outside Vigil, whose good outcome is {@code RESTORED}
     */
    static Outcome of(List<String> differences, List<String> environmentProblems, List<TableCheck> tables, long restoreMillis,
            List<CheckResult> checks, boolean compared) {
        Verdict verdict = !differences.isEmpty() ? Verdict.FAILED : !environmentProblems.isEmpty() ? Verdict.INCONCLUSIVE
                : compared ? Verdict.PASSED : Verdict.RESTORED;
        return new Outcome(verdict, differences, tables, restoreMillis, verdict == Verdict.INCONCLUSIVE ? environmentProblems : List.of(), checks);
    }

    /** Nothing was restored because the server or the verifier lacks something. */
    static Outcome unjudged(List<String> environmentProblems) {
        return of(List.of(), environmentProblems, List.of(), 0, List.of());
    }

    /** Nothing was restored because the artifact is damaged, cannot be decoded or is refused. */
    static Outcome damaged(String problem) {
        return of(List.of(problem), List.of(), List.of(), 0, List.of());
    }

    /**
     * This outcome, with something that kept the backup from being fully judged: a pass becomes
     * {@code INCONCLUSIVE} naming it; a failure stays a failure.
     */
    public Outcome notFullyJudged(String problem) {
        List<String> problems = new ArrayList<>(environmentProblems);
        problems.add(problem);
        return of(differences, problems, tables, restoreMillis, checks);
    }
}
