package dev.vigil.worker.dryrun;

import dev.vigil.contracts.CheckResult;

/**
 * How one check of a dry run came out. A failed check's detail says what is wrong and what to do;
 * a skipped one says why it could not run. Never holds a secret.
 *
 * @param name   the check: {@code connect}, {@code pg_dump}, {@code privileges}, {@code size}, {@code staging}, {@code encryption}
 * @param status passed, failed or not checked
 * @param detail what the check found, for an operator
 */
public record DryRunCheck(String name, Status status, String detail) {

    /** How a check came out. */
    public enum Status {
        PASSED,
        FAILED,
        /** Not run: a check it depends on failed (the detail says which). */
        SKIPPED
    }

    static DryRunCheck passed(String name, String detail) {
        return new DryRunCheck(name, Status.PASSED, detail);
    }

    static DryRunCheck failed(String name, String detail) {
        return new DryRunCheck(name, Status.FAILED, detail);
    }

    static DryRunCheck skipped(String name, String detail) {
        return new DryRunCheck(name, Status.SKIPPED, detail);
    }

    public boolean passed() {
        return status == Status.PASSED;
    }

    /** As the contracts' {@link CheckResult}; a skipped check is not passed, its detail says it was not checked. */
    public CheckResult asCheckResult() {
        return new CheckResult(name, passed(), detail);
    }
}
