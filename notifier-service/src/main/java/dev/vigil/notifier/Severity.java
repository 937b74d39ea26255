package dev.vigil.notifier;

/** How urgent an incident is; a subscription hears those at or above its minimum. */
public enum Severity {
    INFO, WARNING, CRITICAL
}
