package dev.vigil.storage.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.local.LocalPostgres;
import dev.vigil.pgclients.PostgresClients;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The custom-format header, read from real pg_dump output and from headers laid out as newer pg_dumps write them. */
class DumpHeaderTest {

    @Test
    void theVersionsAreReadFromTheOutputOfEveryInstalledPgDump() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase("header_source");
        postgres.execute("header_source", "drop table if exists t; create table t(id int); insert into t select generate_series(1, 10)");
        String serverVersion;
        try (var connection = postgres.connect("postgres"); ResultSet rs = connection.createStatement().executeQuery("show server_version")) {
            rs.next();
            serverVersion = rs.getString(1);
        }
        List<PostgresClients.Program> installed = PostgresClients.find("pg_dump", Path.of("/usr/lib/postgresql"), null).installed();
        List<PostgresClients.Program> dumps = installed.isEmpty()
                ? PostgresClients.find("pg_dump", null, postgres.binDir()).installed() : installed;
        assertThat(dumps).as("installed pg_dump programs").isNotEmpty();
        for (PostgresClients.Program pgDump : dumps) {
            for (String compression : List.of("-Z0", "-Z6")) {
                Path file = Path.of(System.getProperty("java.io.tmpdir"), "header-" + pgDump.major() + compression + ".dump");
                Process process = new ProcessBuilder(pgDump.executable().toString(), "-Fc", compression, "-h", postgres.host(), "-p",
                        String.valueOf(postgres.port()), "-U", LocalPostgres.SUPERUSER, "-f", file.toString(), "header_source").inheritIO().start();
                assertThat(process.waitFor()).as("%s %s", pgDump.executable(), compression).isZero();

                DumpHeader header;
                try (var in = Files.newInputStream(file)) {
                    header = DumpHeader.read(in);
                }

                assertThat(header.database()).isEqualTo("header_source");
                assertThat(header.serverVersion()).isEqualTo(serverVersion);
                assertThat(DumpHeader.versionNumber(header.pgDumpVersion())).isEqualTo(pgDump.version());
                assertThat(header.archiveVersion()).as("pg_dump %s", pgDump.version())
                        .isEqualTo(pgDump.major() >= 17 ? "1.16.0" : pgDump.major() == 16 ? "1.15.0" : "1.14.0");
                assertThat(header.compression()).isEqualTo(compression.equals("-Z0") ? "none" : "gzip");
                assertThat(header.intSize()).isEqualTo(4);
                assertThat(header.offSize()).isEqualTo(8);
            }
        }
    }

    @Test
    void archiveVersions115And116NameTheirCompressionInOneByte() throws Exception {
        for (int minor : List.of(15, 16)) {
            for (int algorithm = 0; algorithm <= 3; algorithm++) {
                DumpHeader header = DumpHeader.read(new ByteArrayInputStream(header(minor, 1, algorithm, "shop", "17.2", "17.2")));
                assertThat(header.archiveVersion()).isEqualTo("1." + minor + ".0");
                assertThat(header.compression()).isEqualTo(List.of("none", "gzip", "lz4", "zstd").get(algorithm));
                assertThat(header.database()).isEqualTo("shop");
                assertThat(header.serverVersion()).isEqualTo("17.2");
                assertThat(header.pgDumpVersion()).isEqualTo("17.2");
            }
        }
    }

    @Test
    void anArchiveVersion114WithZlibsDefaultLevelIsGzip() throws Exception {
        assertThat(DumpHeader.read(new ByteArrayInputStream(header(14, 1, -1, "db", "13.4", "15.18"))).compression()).isEqualTo("gzip");
    }

    @Test
    void whatIsNotAWholeCustomFormatHeaderIsRefusedSayingWhatItIs() throws Exception {
        assertThatThrownBy(() -> DumpHeader.read(new ByteArrayInputStream("select 1;\n".getBytes()))).isInstanceOf(DumpHeader.NotADump.class)
                .hasMessageContaining("not a pg_dump custom-format archive").hasMessageContaining("pg_dump -Fc");
        assertThatThrownBy(() -> DumpHeader.read(new ByteArrayInputStream(header(16, 5, 0, "db", "16.1", "16.1"))))
                .hasMessageContaining("toc.dat of a directory-format archive");
        byte[] whole = header(16, 1, 0, "db", "16.1", "16.1");
        assertThatThrownBy(() -> DumpHeader.read(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 3))))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> DumpHeader.read(new ByteArrayInputStream("PGD".getBytes()))).isInstanceOf(DumpHeader.NotADump.class);
    }

    @Test
    void versionNumbersAreTheLeadingPartOfWhatPgDumpRecorded() {
        assertThat(DumpHeader.versionNumber("15.18 (Debian 15.18-0+deb12u1)")).isEqualTo("15.18");
    }

    /** A header laid out as WriteHead writes it, little-endian ints of 4 bytes. */
    private static byte[] header(int minor, int format, int compression, String db, String server, String pgDump) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PGDMP".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
        out.write(minor);
        out.write(0);
        out.write(4);
        out.write(8);
        out.write(format);
        if (minor >= 15) {
            out.write(compression);
        } else {
            writeInt(out, compression);
        }
        for (int value : new int[] {12, 30, 4, 21, 10, 126, 0}) {
            writeInt(out, value);
        }
        for (String s : new String[] {db, server, pgDump}) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            writeInt(out, bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value < 0 ? 1 : 0);
        int magnitude = Math.abs(value);
        for (int i = 0; i < 4; i++) {
            out.write((magnitude >> (8 * i)) & 0xff);
        }
    }
}
