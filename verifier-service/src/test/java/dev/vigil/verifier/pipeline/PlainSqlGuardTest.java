package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What reaches psql of a plain SQL artifact. */
class PlainSqlGuardTest {

    private static final String KEY = "tQsBjbRavyaoXFpMKydh7FAY1hnH5l95Sk74bBY0Dum7apXuaXHx0jcwldrpAvc";

    /** What psql reads when {@code sql} is written in pieces of {@code chunk} bytes. */
    private static String guarded(String sql, int chunk) throws IOException {
        ByteArrayOutputStream psql = new ByteArrayOutputStream();
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        try (PlainSqlGuard guard = new PlainSqlGuard(psql)) {
            for (int i = 0; i < bytes.length; i += chunk) {
                guard.write(bytes, i, Math.min(chunk, bytes.length - i));
            }
        }
        return psql.toString(StandardCharsets.UTF_8);
    }

    @Test
    void psqlIsRestrictedUnderAKeyOfItsOwnAndTheDumpsOwnRestrictionIsDroppedWhileCopyDataPassesUnchanged() throws IOException {
        String dump = "--\n-- PostgreSQL database dump\n--\n\n\\restrict " + KEY + "\n\nSET statement_timeout = 0;\n"
                + "COPY public.notes (note, id) FROM stdin;\n\\\\! not a command\t1\n\\restrict in data\t2\n\\\\.\t3\n\\.\n\n"
                + "select 1;\n\n\\unrestrict " + KEY + "\n\n";
        for (int chunk : new int[] {1, 3, 7, 64 * 1024}) {
            String fed = guarded(dump, chunk);

            assertThat(fed).matches("(?s)\\\\restrict [A-Za-z0-9]{32}\n--\n.*").doesNotContain(KEY);
            assertThat(fed.substring(fed.indexOf('\n') + 1)).isEqualTo("--\n-- PostgreSQL database dump\n--\n\n\nSET statement_timeout = 0;\n"
                    + "COPY public.notes (note, id) FROM stdin;\n\\\\! not a command\t1\n\\restrict in data\t2\n\\\\.\t3\n\\.\n\n"
                    + "select 1;\n\n\n");
        }
    }

    @Test
    void eachRunRestrictsPsqlUnderAnotherKey() throws IOException {
        assertThat(guarded("select 1;\n", 10).lines().findFirst()).isNotEqualTo(guarded("select 1;\n", 10).lines().findFirst());
    }

    @Test
    void anyOtherMetaCommandAtTheStartOfALineIsRefusedByNameWithoutItsArguments() {
        for (String line : new String[] {"\\! touch /tmp/x", "  \\copy (select 1) to program 'touch /tmp/x'", "\\o |sh", "\\connect postgres",
                "\\i /etc/passwd", "\\set ON_ERROR_STOP 0", "\t\\gexec"}) {
            String command = line.strip().split("[ |]")[0];
            assertThatThrownBy(() -> guarded("select 1;\n" + line + "\nselect 2;\n", 4)).as(line)
                    .isInstanceOf(PlainSqlGuard.RefusedMetaCommand.class)
                    .hasMessageStartingWith("the plain SQL artifact holds the psql meta-command " + command + " (line 2)")
                    .hasMessageNotContaining("/tmp").hasMessageNotContaining("passwd").hasMessageNotContaining("|sh");
        }
    }

    @Test
    void aSecondRestrictionAnUnrestrictionUnderAnotherKeyAndALoneBackslashDotAreRefused() {
        assertThatThrownBy(() -> guarded("\\restrict " + KEY + "\n\\restrict other\n", 100)).hasMessageContaining("\\restrict (line 2)");
        assertThatThrownBy(() -> guarded("\\restrict " + KEY + "\n\\unrestrict other\n", 100)).hasMessageContaining("\\unrestrict (line 2)");
        assertThatThrownBy(() -> guarded("select 1;\n\\.\n", 100)).hasMessageContaining("\\. (line 2)");
        assertThatThrownBy(() -> guarded("select 1;\n\\! id", 100)).as("without a last newline").hasMessageContaining("\\! (line 2)");
    }

    @Test
    void aMetaCommandAfterTheEndOfCopyDataIsRefusedAgain() {
        assertThatThrownBy(() -> guarded("COPY t (a) FROM stdin;\n\\\\x\n\\.\n\\! id\n", 5)).hasMessageContaining("\\! (line 4)");
    }

    @Test
    void psqlVersionsThatRestrictBackslashCommands() {
        assertThat(PlainSqlGuard.supportedBy("15.18")).isTrue();
        assertThat(PlainSqlGuard.supportedBy("15.13")).isFalse();
        assertThat(PlainSqlGuard.supportedBy("17.6")).isTrue();
        assertThat(PlainSqlGuard.supportedBy("16.9")).isFalse();
        assertThat(PlainSqlGuard.supportedBy("18.1")).isTrue();
        assertThat(PlainSqlGuard.supportedBy("18")).isTrue();
        assertThat(PlainSqlGuard.supportedBy("12.22")).isFalse();
        assertThat(PlainSqlGuard.supportedBy("13.22")).isTrue();
    }
}
