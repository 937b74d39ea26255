package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.local.LocalPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Following a real pg_dump custom-format archive while it is written: pg_dump writes to a pipe (as the
 * dump worker runs it), so its table of contents has no data offsets; the watch finds each block as
 * it passes and writes its offset in, and pg_restore restores a table from the half-written file.
 */
class ArchiveWatchTest {

    private static final LocalPostgres postgres = LocalPostgres.shared();
    private static byte[] dump;

    @BeforeAll
    static void source() throws Exception {
        postgres.createDatabase("watch_source");
        postgres.execute("watch_source", """
                create schema shop;
                create table shop.customers (id bigint primary key, name text, note jsonb);
                insert into shop.customers select g, 'customer ' || g, jsonb_build_object('n', g) from generate_series(1, 20000) g;
                create table shop.orders (id bigserial primary key, customer bigint references shop.customers, total numeric(10,2));
                insert into shop.orders (customer, total) select 1 + g % 20000, g / 100.0 from generate_series(1, 50000) g;
                create table public.empty_one (x int);
                create index on shop.orders (customer);
                select lo_from_bytea(0, convert_to(repeat('large object ', 5000), 'UTF8'));
                """);
        Process pgDump = new ProcessBuilder(postgres.binDir().resolve("pg_dump").toString(), "-Fc", "-Z0", "--no-password",
                "--host=" + postgres.host(), "--port=" + postgres.port(), "--username=" + LocalPostgres.SUPERUSER, "watch_source")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        dump = pgDump.getInputStream().readAllBytes();
        assertThat(pgDump.waitFor()).isZero();
    }

    @Test
    void readsTheTableOfContentsAndFindsEveryBlockWhateverPiecesTheBytesComeIn(@TempDir Path dir) throws Exception {
        for (int seed = 0; seed < 4; seed++) {
            Path file = dir.resolve("restore-" + seed + ".dump");
            ArchiveWatch watch = new ArchiveWatch(file);
            write(file, watch, dump.length, new Random(seed), seed == 0 ? 1 : 70_000);
            watch.end();
            assertThat(watch.stopped()).isNull();
            List<ArchiveWatch.Entry> toc = watch.awaitToc();
            List<Integer> listed = listedIds(file);
            assertThat(toc).extracting(ArchiveWatch.Entry::dumpId).containsAll(listed);
            // pg_restore -l leaves out only the entries that set up its session
            assertThat(toc).filteredOn(e -> !listed.contains(e.dumpId())).extracting(ArchiveWatch.Entry::desc)
                    .isSubsetOf("ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE");
            List<Integer> withBlocks = toc.stream().filter(ArchiveWatch.Entry::hasBlock).map(ArchiveWatch.Entry::dumpId).toList();
            // three tables' data and the large objects
            assertThat(withBlocks).hasSize(4);
            assertThat(watch.takeReady()).containsExactlyInAnyOrderElementsOf(withBlocks);
            // Only the offsets changed, and each now points at its block.
            byte[] patched = Files.readAllBytes(file);
            assertThat(patched).hasSameSizeAs(dump);
            int differing = 0;
            for (int i = 0; i < dump.length; i++) {
                differing += patched[i] != dump[i] ? 1 : 0;
            }
            assertThat(differing).isBetween(4 * 2, 4 * 9);
        }
    }

    @Test
    void aTableIsRestoredFromTheFileBeforeTheRestOfItHasArrived(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("restore.dump");
        ArchiveWatch watch = new ArchiveWatch(file);
        Path whole = dir.resolve("whole.dump");
        Files.write(whole, dump);
        int customers = idOf(whole, "TABLE DATA shop customers");
        int orders = idOf(whole, "TABLE DATA shop orders");
        try (OutputStream out = Files.newOutputStream(file)) {
            // In small pieces until the customers' block is whole: the file ends about there.
            List<Integer> ready = new ArrayList<>();
            int written = writeUntil(out, watch, 512, watch::takeReady, customers, ready);
            assertThat(ready).doesNotContain(orders);
            assertThat(written).isLessThan(dump.length - 100_000);
            postgres.createDatabase("watch_partial");
            assertThat(pgRestore(file, "watch_partial", "--section=pre-data")).isEmpty();
            Path list = dir.resolve("customers.list");
            Files.writeString(list, customers + "\n");
            assertThat(pgRestore(file, "watch_partial", "--section=data", "--use-list=" + list)).isEmpty();
            assertThat(count("watch_partial", "shop.customers")).isEqualTo(20_000);
            assertThat(count("watch_partial", "shop.orders")).isZero();
        }
    }

    @Test
    void aTableLoadsFromStandardInputWhileItsBlockIsStillArriving(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole.dump");
        Files.write(whole, dump);
        int orders = idOf(whole, "TABLE DATA shop orders");
        postgres.createDatabase("watch_fed");
        Path file = dir.resolve("fed.dump");
        ArchiveWatch watch = new ArchiveWatch(file);
        try (OutputStream out = Files.newOutputStream(file)) {
            int written = untilBegun(out, watch, orders);
            assertThat(watch.whole(orders)).isFalse();
            assertThat(pgRestore(file, "watch_fed", "--section=pre-data")).isEmpty();
            Path list = dir.resolve("orders.list");
            Files.writeString(list, orders + "\n");
            Process restore = fromStandardInput("watch_fed", list);
            java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
            Thread feeding = Thread.ofVirtual().start(() -> {
                try (var stdin = restore.getOutputStream()) {
                    StreamedRestore.feeder(watch, file, orders, abandoned).feed(restore);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the rest arrives while pg_restore already reads the block's beginning
            while (written < dump.length) {
                int n = Math.min(4096, dump.length - written);
                write(out, watch, written, n);
                written += n;
            }
            watch.end();
            feeding.join();
            String output = new String(restore.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(restore.waitFor()).as(output).isZero();
            assertThat(abandoned).isFalse();
            assertThat(count("watch_fed", "shop.orders")).isEqualTo(50_000);
        }
    }

    @Test
    void aBlockWhoseEndNeverComesIsAbandonedAndNothingOfItStays(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole.dump");
        Files.write(whole, dump);
        int orders = idOf(whole, "TABLE DATA shop orders");
        postgres.createDatabase("watch_cut");
        Path file = dir.resolve("cut.dump");
        ArchiveWatch watch = new ArchiveWatch(file);
        try (OutputStream out = Files.newOutputStream(file)) {
            int written = untilBegun(out, watch, orders);
            // a little more of the block, then the writing stops (a damaged download)
            write(out, watch, written, 100_000);
        }
        assertThat(pgRestore(file, "watch_cut", "--section=pre-data")).isEmpty();
        Path list = dir.resolve("orders.list");
        Files.writeString(list, orders + "\n");
        Process restore = fromStandardInput("watch_cut", list);
        java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
        Thread feeding = Thread.ofVirtual().start(() -> {
            try (var stdin = restore.getOutputStream()) {
                StreamedRestore.feeder(watch, file, orders, abandoned).feed(restore);
            } catch (Exception e) {
                // pg_restore killed: its input is gone
            }
        });
        // pg_restore is loading the part of the block that arrived when the writing stops
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> copying("watch_cut"));
        watch.end();
        feeding.join();
        restore.waitFor();
        assertThat(abandoned).isTrue();
        assertThat(count("watch_cut", "shop.orders")).isZero();
    }

    @Test
    void anythingButACustomArchiveIsNotFollowedAndNothingBreaks(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plain.sql");
        ArchiveWatch watch = new ArchiveWatch(file);
        byte[] sql = "--\n-- PostgreSQL database dump\n--\ncreate table t (x int);\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(sql);
            watch.written(sql, 0, sql.length);
        }
        watch.end();
        assertThat(watch.awaitToc()).isNull();
        assertThat(watch.stopped()).contains("not a custom-format archive");
        assertThat(Files.readAllBytes(file)).isEqualTo(sql);
    }

    @Test
    void aCutArchiveLeavesTheBlocksAfterTheCutUnfound(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cut.dump");
        ArchiveWatch watch = new ArchiveWatch(file);
        write(file, watch, dump.length / 2, new Random(7), 8192);
        watch.end();
        assertThat(watch.awaitToc()).isNotNull();
        List<Integer> ready = watch.takeReady();
        long blocks = watch.awaitToc().stream().filter(ArchiveWatch.Entry::hasBlock).count();
        assertThat(ready.size()).isLessThan((int) blocks);
    }

    /** Writes the dump in 4 KB pieces until the block of {@code dumpId} has begun; answers how much was written. */
    private static int untilBegun(OutputStream out, ArchiveWatch watch, int dumpId) throws IOException {
        return writeUntil(out, watch, 4096, watch::takeBegun, dumpId, new ArrayList<>());
    }

    /**
     * Writes the dump from its start in pieces of {@code piece} bytes until {@code take} (the watch's blocks begun, or
     * whole) has given {@code dumpId}, adding what it gives to {@code seen}; answers how much was written.
     */
    private static int writeUntil(OutputStream out, ArchiveWatch watch, int piece, Supplier<List<Integer>> take, int dumpId,
            List<Integer> seen) throws IOException {
        int written = 0;
        while (!seen.contains(dumpId)) {
            int n = Math.min(piece, dump.length - written);
            write(out, watch, written, n);
            written += n;
            seen.addAll(take.get());
        }
        return written;
    }

    /** Writes {@code n} bytes of the dump from {@code from} to the file and tells the watch, as the download does. */
    private static void write(OutputStream out, ArchiveWatch watch, int from, int n) throws IOException {
        out.write(dump, from, n);
        out.flush();
        watch.written(dump, from, n);
    }

    /** A pg_restore of the listed entries' data that reads the archive from its standard input. */
    private static Process fromStandardInput(String database, Path list) throws IOException {
        return new ProcessBuilder(postgres.binDir().resolve("pg_restore").toString(), "--no-owner", "--no-password",
                "--host=" + postgres.host(), "--port=" + postgres.port(), "--username=" + LocalPostgres.SUPERUSER, "--dbname=" + database,
                "--section=data", "--use-list=" + list).redirectErrorStream(true).start();
    }

    private static void write(Path file, ArchiveWatch watch, int upTo, Random random, int largest) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int at = 0; at < upTo; ) {
                int n = Math.min(upTo - at, 1 + random.nextInt(largest));
                out.write(dump, at, n);
                out.flush();
                watch.written(Arrays.copyOfRange(dump, at, at + n), 0, n);
                at += n;
            }
        }
    }

    private static List<Integer> listedIds(Path file) throws Exception {
        Process list = new ProcessBuilder(postgres.binDir().resolve("pg_restore").toString(), "-l", file.toString()).start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor()).isZero();
        List<Integer> ids = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^(\\d+);").matcher(out);
        while (m.find()) {
            ids.add(Integer.parseInt(m.group(1)));
        }
        return ids;
    }

    private static int idOf(Path file, String entry) throws Exception {
        Process list = new ProcessBuilder(postgres.binDir().resolve("pg_restore").toString(), "-l", file.toString()).start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        list.waitFor();
        Matcher m = Pattern.compile("(?m)^(\\d+); \\d+ \\d+ " + Pattern.quote(entry) + " ").matcher(out);
        assertThat(m.find()).as(entry + " in " + out).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static String pgRestore(Path file, String database, String... switches) throws Exception {
        List<String> command = new ArrayList<>(List.of(postgres.binDir().resolve("pg_restore").toString(), "--no-owner", "--no-password",
                "--host=" + postgres.host(), "--port=" + postgres.port(), "--username=" + LocalPostgres.SUPERUSER, "--dbname=" + database));
        command.addAll(List.of(switches));
        command.add(file.toString());
        Process restore = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(restore.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        restore.waitFor();
        return out;
    }

    /** Whether a COPY into {@code database} is running now. */
    private static boolean copying(String database) throws SQLException {
        try (Connection connection = postgres.connect("postgres"); var statement = connection.prepareStatement(
                "select count(*) from pg_stat_activity where datname = ? and query ilike 'copy %' and state = 'active'")) {
            statement.setString(1, database);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static long count(String database, String table) throws SQLException {
        try (Connection connection = postgres.connect(database); ResultSet rs = connection.createStatement().executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
