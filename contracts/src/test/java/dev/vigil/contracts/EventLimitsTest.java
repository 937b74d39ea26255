package dev.vigil.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.contracts.json.MalformedEventException;
import dev.vigil.contracts.schema.RecordSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The caps on events' lists and on a backup request's note: over one, an event read is malformed; informational lists are cut by the producer instead. */
class EventLimitsTest {

    private static final JobId JOB = JobId.random();
    private static final TargetId TARGET = new TargetId("limits");

    @Test
    void aVerdictWithMoreDifferencesThanTheCapIsMalformedOnReading() {
        ObjectNode verdict = json(BackupVerified.now(JOB, TARGET, Verdict.FAILED, List.of("one"), List.of(), 10));
        ArrayNode differences = verdict.putArray("differences");
        IntStream.range(0, EventLimits.DIFFERENCES + 1).forEach(i -> differences.add("table t" + i + ": expected 1 row, found 0"));

        assertThatThrownBy(() -> EventJson.read(EventJson.write(verdict), BackupVerified.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("BackupVerified is malformed")
                .hasMessageContaining("differences holds 1001 items, more than the 1000 an event may carry");
    }

    @Test
    void anArtifactOverTheTableCapIsMalformedAndASourceOfTwentyThousandTablesIsNot() {
        ArtifactCreated twentyThousand = ArtifactCreated.now(JOB, TARGET, "file:/staging/limits/x.dump", artifact(20_000));
        assertThat(EventJson.read(EventJson.write(twentyThousand), ArtifactCreated.class).artifact().tables()).hasSize(20_000);

        ObjectNode tooMany = json(twentyThousand);
        ArrayNode tables = ((ObjectNode) tooMany.get("artifact")).putArray("tables");
        JsonNode one = EventJson.mapper().valueToTree(new TableRowCount("public", "t", 1));
        IntStream.range(0, EventLimits.TABLES + 1).forEach(i -> tables.add(one));

        assertThatThrownBy(() -> EventJson.read(EventJson.write(tooMany), ArtifactCreated.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("artifact.tables holds 100001 items");
    }

    @Test
    void listsAConsumerActsOnAreRefusedAtConstructionNeverCut() {
        List<String> names = IntStream.range(0, EventLimits.NAMES + 1).mapToObj(i -> "s" + i).toList();

        assertThatThrownBy(() -> new DumpOptions("custom", names, List.of(), List.of(), List.of(), false))
                .hasMessageContaining("dump.schemas holds 10001 items");
        assertThatThrownBy(() -> RestoreRequested.now(UUID.randomUUID(), TARGET, null, null, "db", false, List.of(), names, null))
                .hasMessageContaining("tables holds 10001 items");
    }

    @Test
    void theVerifierCutsALongListOfDifferencesAndSaysHowManyMoreThereWere() {
        List<String> found = IntStream.range(0, 1_500).mapToObj(i -> "table t" + i + ": expected 1 row, found 0").toList();
        List<String> problems = IntStream.range(0, 130).mapToObj(i -> "extension e" + i + " is not installed").toList();

        BackupVerified verdict = BackupVerified.now(JOB, TARGET, Verdict.FAILED, found, List.of(), 10, problems);

        assertThat(verdict.differences()).hasSize(EventLimits.DIFFERENCES).startsWith(found.get(0), found.get(1))
                .contains(found.get(998)).doesNotContain(found.get(999)).endsWith("... and 501 more");
        assertThat(verdict.environmentProblems()).hasSize(EventLimits.ENVIRONMENT_PROBLEMS).endsWith("... and 31 more");
        assertThat(EventJson.read(EventJson.write(verdict), BackupVerified.class)).as("the cut event reads back").isEqualTo(verdict);

        RestoreRequested request = RestoreRequested.now(UUID.randomUUID(), TARGET, JOB, null, "db", false, List.of(), List.of(), null);
        RestoreCompleted completed = RestoreCompleted.of(request, JOB, Verdict.FAILED, found, List.of(), 10, List.of());
        assertThat(completed.differences()).hasSize(EventLimits.DIFFERENCES).endsWith("... and 501 more");

        RecheckRequested recheck = RecheckRequested.now(UUID.randomUUID(), JOB, TARGET, new StoredObject("primary", "bucket", "k"), artifact(1),
                "monthly sample");
        BackupRechecked rechecked = BackupRechecked.of(recheck, Verdict.FAILED, found, problems, 10);
        assertThat(rechecked.differences()).hasSize(EventLimits.DIFFERENCES).endsWith("... and 501 more");
        assertThat(rechecked.environmentProblems()).hasSize(EventLimits.ENVIRONMENT_PROBLEMS).endsWith("... and 31 more");
        assertThat(EventJson.read(EventJson.write(rechecked), BackupRechecked.class)).as("the cut event reads back").isEqualTo(rechecked);
    }

    @Test
    void aListWithinItsCapIsLeftAsItIs() {
        List<String> lines = List.of("a", "b");
        assertThat(EventLimits.truncated(lines, 2)).isSameAs(lines);
        assertThat(EventLimits.truncated(List.of("a", "b", "c"), 2)).containsExactly("a", "... and 2 more");
    }

    @Test
    void aRetentionRunOverTheCapListsTheNewestBackups() {
        List<RetainedBackup> deleted = new ArrayList<>();
        for (int i = 0; i < EventLimits.RETAINED_BACKUPS + 5; i++) {
            deleted.add(new RetainedBackup(JobId.random(), java.time.Instant.EPOCH.plusSeconds(100_000L - i), "k" + i, List.of("no rule keeps it")));
        }

        RetentionApplied applied = RetentionApplied.now(TARGET, RetentionPolicy.DEFAULTS, List.of(), deleted);

        assertThat(applied.deleted()).hasSize(EventLimits.RETAINED_BACKUPS).startsWith(deleted.getFirst());
    }

    @Test
    void aRecheckWithMoreProblemsThanTheCapListsThoseOfTheNewestBackupsAndAnEventOverItIsMalformed() {
        List<CopyProblem> problems = new ArrayList<>();
        for (int i = 0; i < EventLimits.COPY_PROBLEMS + 3; i++) {
            problems.add(new CopyProblem(JobId.random(), new StoredObject("primary", "bucket", "k" + i), CopyFault.MISSING, "no object under the key"));
        }

        CopiesChecked checked = CopiesChecked.now(TARGET, problems.size(), problems.size(), problems);

        assertThat(checked.problems()).hasSize(EventLimits.COPY_PROBLEMS).startsWith(problems.getFirst());
        ObjectNode tooMany = json(checked);
        tooMany.withArray("problems").add(json(problems.getLast()));
        assertThatThrownBy(() -> EventJson.read(EventJson.write(tooMany), CopiesChecked.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("problems holds 10001 items");
    }

    @Test
    void aBackupRequestWithANoteOverTheCapIsMalformedAndTheCapCountsCharactersNotUtf16Units() {
        String fiveHundredEmoji = "\uD83D\uDCBE".repeat(EventLimits.NOTE);
        assertThat(BackupRequested.now(JOB, TARGET, Trigger.EXTERNAL, "team", fiveHundredEmoji).note()).isEqualTo(fiveHundredEmoji);

        ObjectNode request = json(BackupRequested.now(JOB, TARGET, Trigger.EXTERNAL, "team"));
        request.put("note", "x".repeat(EventLimits.NOTE + 1));

        assertThatThrownBy(() -> EventJson.read(EventJson.write(request), BackupRequested.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("note holds 501 characters, more than the 500 an event may carry");
    }

    @Test
    void theSchemasStateTheCaps() {
        JsonNode verified = EventJson.mapper().readTree(RecordSchemas.schemaJson(BackupVerified.class)).get("properties");
        assertThat(verified.get("differences").get("maxItems").asInt()).isEqualTo(EventLimits.DIFFERENCES);
        assertThat(verified.get("tables").get("maxItems").asInt()).isEqualTo(EventLimits.TABLES);
        JsonNode created = EventJson.mapper().readTree(RecordSchemas.schemaJson(ArtifactCreated.class)).get("properties");
        assertThat(created.get("artifact").get("properties").get("tables").get("maxItems").asInt()).isEqualTo(EventLimits.TABLES);
        JsonNode checked = EventJson.mapper().readTree(RecordSchemas.schemaJson(CopiesChecked.class)).get("properties");
        assertThat(checked.get("problems").get("maxItems").asInt()).isEqualTo(EventLimits.COPY_PROBLEMS);
        JsonNode rechecked = EventJson.mapper().readTree(RecordSchemas.schemaJson(BackupRechecked.class)).get("properties");
        assertThat(rechecked.get("differences").get("maxItems").asInt()).isEqualTo(EventLimits.DIFFERENCES);
        assertThat(rechecked.get("environmentProblems").get("maxItems").asInt()).isEqualTo(EventLimits.ENVIRONMENT_PROBLEMS);
        JsonNode requested = EventJson.mapper().readTree(RecordSchemas.schemaJson(BackupRequested.class)).get("properties");
        assertThat(requested.get("note").get("maxLength").asInt()).isEqualTo(EventLimits.NOTE);
    }

    private static Artifact artifact(int tables) {
        List<TableRowCount> counts = IntStream.range(0, tables).mapToObj(i -> new TableRowCount("tenant_" + (i / 100), "t" + i, i)).toList();
        return new Artifact("custom", 1, "0".repeat(64), "15.18", "15.18", counts);
    }

    private static ObjectNode json(Object event) {
        return (ObjectNode) EventJson.mapper().readTree(EventJson.writeString(event));
    }
}
