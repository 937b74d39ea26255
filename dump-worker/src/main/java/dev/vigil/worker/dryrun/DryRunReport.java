package dev.vigil.worker.dryrun;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the dump worker's part of a dry run found about one target, everything short of pg_dump.
 *
 * @param checks         every check, in the order they ran ({@link DryRunChecks#ORDER})
 * @param serverVersion  the source's PostgreSQL version, when it could be reached
 * @param estimatedBytes the estimated size of what would be dumped (uncompressed), when it could be read
 * @param extensions     the extensions the source uses, for the verification server's check; empty when not reached
 */
public record DryRunReport(List<DryRunCheck> checks, @Nullable String serverVersion, @Nullable Long estimatedBytes,
        List<SourceExtension> extensions) {

    public DryRunReport {
        checks = List.copyOf(checks);
        extensions = List.copyOf(extensions);
    }

    /** Whether every check passed: a real dump would get as far as running pg_dump. */
    public boolean passed() {
        return checks.stream().allMatch(DryRunCheck::passed);
    }

    /** The check of that name. */
    public DryRunCheck check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no check named " + name + "; there are " + DryRunChecks.ORDER));
    }

    /** An extension installed in the source database ({@code pg_extension}). */
    public record SourceExtension(String name, String version) {
    }
}
