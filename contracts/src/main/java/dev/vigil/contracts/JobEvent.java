package dev.vigil.contracts;

/** What every lifecycle event of a backup job carries: a target event that also names its job. */
public interface JobEvent extends TargetEvent {

    JobId jobId();
}
