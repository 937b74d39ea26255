package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The order a streamed restore's pieces follow: data as it arrives, indexes and constraints once their tables are loaded. */
class StreamedRestoreScheduleTest {

    // pre-data: 1 table a, 2 table b; data: 3 a's data, 4 b's data, 5 a sequence's value;
    // post-data: 6 a's primary key, 7 an index on b, 8 b's foreign key to a (needs 6), 9 a trigger on a
    private static final List<ArchiveWatch.Entry> TOC = List.of(
            entry(1, "TABLE", 2), entry(2, "TABLE", 2),
            entry(3, "TABLE DATA", 3, 1), entry(4, "TABLE DATA", 3, 2), entry(5, "SEQUENCE SET", 3),
            entry(6, "CONSTRAINT", 4, 1), entry(7, "INDEX", 4, 2), entry(8, "FK CONSTRAINT", 4, 2, 1, 6), entry(9, "TRIGGER", 4, 1));

    private static ArchiveWatch.Entry entry(int id, String desc, int section, Integer... dependencies) {
        return new ArchiveWatch.Entry(id, desc, section, List.of(dependencies), section == 3 && !desc.equals("SEQUENCE SET"), 0, "public", "t" + id);
    }

    @Test
    void dataGoesAsItsBlockArrivesAndAnIndexOnlyOnceItsTableIsLoaded() {
        StreamedRestore.Schedule schedule = new StreamedRestore.Schedule(TOC);
        schedule.preDataDone();
        assertThat(schedule.next(2, 0)).isNull();
        schedule.arrived(List.of(3), List.of(3), false);
        assertThat(schedule.next(2, 0)).isEqualTo(new StreamedRestore.Schedule.Batch("--section=data", List.of(3)));
        assertThat(schedule.next(2, 0)).as("a's key waits for a's data").isNull();
        schedule.done(List.of(3));
        assertThat(schedule.next(2, 0)).isEqualTo(new StreamedRestore.Schedule.Batch("--section=post-data", List.of(6)));
        schedule.done(List.of(6));
        assertThat(schedule.next(2, 0)).as("b's index and foreign key wait for b's data").isNull();
        schedule.arrived(List.of(), List.of(4), true);
        assertThat(schedule.next(2, 0)).isEqualTo(new StreamedRestore.Schedule.Batch("--section=data", List.of(4)));
        assertThat(schedule.next(2, 0)).as("the sequence's value, which has no block, once the file is whole")
                .isEqualTo(new StreamedRestore.Schedule.Batch("--section=data", List.of(5)));
        assertThat(schedule.dataDone()).isFalse();
        schedule.done(List.of(4, 5));
        assertThat(schedule.dataDone()).isTrue();
        assertThat(schedule.next(2, 0)).isEqualTo(new StreamedRestore.Schedule.Batch("--section=post-data", List.of(7)));
        assertThat(schedule.next(2, 0)).isEqualTo(new StreamedRestore.Schedule.Batch("--section=post-data", List.of(8)));
        assertThat(schedule.next(2, 0)).isNull();
        assertThat(schedule.postDataLeft()).as("the trigger comes last, with whatever else is left").containsExactly(9);
    }

    @Test
    void aBlockStillArrivingLoadsAsItComesEvenBeyondTheJobs() {
        StreamedRestore.Schedule schedule = new StreamedRestore.Schedule(TOC);
        schedule.preDataDone();
        schedule.arrived(List.of(3, 4), List.of(3), false);
        assertThat(schedule.next(2, 2)).as("block 4 is still arriving: it need not wait for the two pieces running").isEqualTo(
                new StreamedRestore.Schedule.Batch("--section=data", List.of(4), true));
        assertThat(schedule.next(2, 3)).as("block 3 is whole: it waits for one of the jobs").isNull();
        assertThat(schedule.next(2, 1)).isEqualTo(new StreamedRestore.Schedule.Batch("--section=data", List.of(3)));
        // abandoned (its block never known whole): restored again from the whole file
        schedule.retry(List.of(4));
        schedule.arrived(List.of(), List.of(), true);
        assertThat(schedule.next(2, 0).ids()).containsExactly(4);
    }

    @Test
    void thousandsReadyGoInAFewLargePieces() {
        List<ArchiveWatch.Entry> toc = new java.util.ArrayList<>();
        for (int i = 1; i <= 3000; i++) {
            toc.add(new ArchiveWatch.Entry(i, "TABLE DATA", 3, List.of(), true, 0, "public", "t" + i));
        }
        StreamedRestore.Schedule schedule = new StreamedRestore.Schedule(toc);
        schedule.preDataDone();
        schedule.arrived(List.of(), toc.stream().map(ArchiveWatch.Entry::dumpId).toList(), true);
        assertThat(schedule.next(2, 0).ids()).hasSize(375);
    }
}
