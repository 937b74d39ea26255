package dev.vigil.verifier.pipeline;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Stands between a plain SQL artifact and psql, which would otherwise run any psql meta-command the
 * artifact holds as the verifier's OS user ({@code \! cmd}, {@code \copy … to program}, {@code \o |cmd},
 * {@code \i /etc/…}, {@code \connect} to another database).
 *
 * <p>Two layers, because one is not enough:
 * <ol>
 * <li>psql's own restricted mode does the enforcing. Before the artifact, this stream writes
 *     {@code \restrict <key>} with a key of its own, drawn here and written nowhere else; from then
 *     on psql refuses every backslash command but <code>&#92;unrestrict &lt;that key&gt;</code>, wherever it stands
 *     in a line (psql reads {@code select 1; \! id} as SQL and then a meta-command, so no line filter
 *     short of psql's own lexer could find them all). With {@code ON_ERROR_STOP} the refusal ends the
 *     restore. psql 13.22, 14.19, 15.14, 16.10, 17.6 and later have it ({@link #supportedBy}).</li>
 * <li>Genuine dumps of pg_dump of those versions restrict themselves: {@code \restrict <their key>}
 *     near the top, <code>&#92;unrestrict &lt;their key&gt;</code> at the end. Under our restriction both would be
 *     refused (restricted mode does not nest), so this stream drops the first {@code \restrict} line
 *     and the <code>&#92;unrestrict</code> line with the same key. Any other line whose first non-blank
 *     character is a backslash, outside the data of a {@code COPY … FROM stdin;}, is refused here
 *     with {@link RefusedMetaCommand} naming the command (never its arguments): pg_dump writes no
 *     other meta-command in a database's plain dump (no {@code \connect} without {@code --create},
 *     which the worker does not use), so such a line means the artifact was not written by pg_dump.</li>
 * </ol>
 * COPY data lines pass unchanged up to the {@code \.} line that ends them: a value may begin with a
 * backslash escape ({@code \restrict} is CR followed by {@code estrict}). If this stream misreads
 * where COPY data ends in a crafted artifact, the worst is a refusal or a dropped line: psql still
 * runs restricted. Lines are handled as bytes, whatever the dump's encoding (all these markers are
 * ASCII), and never held whole: a COPY line of any length streams through.
 * Not thread-safe; one per psql run. Closing closes psql's standard input.
 */
final class PlainSqlGuard extends FilterOutputStream {

    /** The artifact holds a psql meta-command the verifier does not run. */
    static final class RefusedMetaCommand extends IOException {

        private final String command;

        RefusedMetaCommand(String command, long line) {
            super("the plain SQL artifact holds the psql meta-command " + command + " (line " + line + "), which pg_dump does not write "
                    + "into a database's plain dump and the verifier does not run; the artifact was refused: it was not written by pg_dump, "
                    + "or it was altered after");
            this.command = command;
        }

        String command() {
            return command;
        }
    }

    /** What psql prints when the artifact holds a meta-command within a line, which the restriction refused. */
    static final String PSQL_REFUSED = "backslash commands are restricted";

    /** A meta-command line longer than this is not pg_dump's; it is refused without reading more of it. */
    private static final int MAX_META_LINE = 512;
    private static final byte[] COPY = "COPY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FROM_STDIN = " FROM stdin;".getBytes(StandardCharsets.US_ASCII);

    private enum Line { START, SQL, META, DATA }

    private final byte[] meta = new byte[MAX_META_LINE];
    private final byte[] head = new byte[COPY.length];
    private final byte[] tail = new byte[FROM_STDIN.length];
    private Line line = Line.START;
    private boolean inCopy;
    private int metaLength;
    private int headLength;
    private int tailLength;
    private int dataLength;
    private byte dataFirst;
    private byte dataSecond;
    private long lineNumber = 1;
    private String dumpKey;
    private boolean dumpRestricted;

    /** Writes psql's restriction, under a key of its own, before anything of the artifact. */
    PlainSqlGuard(OutputStream psqlInput) throws IOException {
        super(psqlInput);
        out.write(("\\restrict " + newKey() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether psql of {@code version} (e.g. {@code 15.18}) restricts backslash commands ({@code \restrict}). */
    static boolean supportedBy(String version) {
        String[] parts = version.split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
        return switch (major) {
            case 13 -> minor >= 22;
            case 14 -> minor >= 19;
            case 15 -> minor >= 14;
            case 16 -> minor >= 10;
            case 17 -> minor >= 6;
            default -> major > 17;
        };
    }

    private static String newKey() {
        // Letters and digits, as psql takes a key; 190 bits, never written anywhere the artifact could see.
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder key = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            key.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return key.toString();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int end = offset + length;
        int passFrom = offset;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (line == Line.START) {
                if (inCopy) {
                    line = Line.DATA;
                    dataLength = 0;
                } else if (b == ' ' || b == '\t' || b == '\r' || b == '\f') {
                    // Blanks pass; a backslash after them still begins a meta-command, as psql reads it.
                    continue;
                } else if (b == '\\') {
                    passFrom = flush(bytes, passFrom, i);
                    line = Line.META;
                    metaLength = 0;
                } else if (b != '\n') {
                    line = Line.SQL;
                    headLength = 0;
                    tailLength = 0;
                }
            }
            switch (line) {
                case META -> {
                    if (b == '\n') {
                        endMetaLine();
                        passFrom = i + 1;
                        newLine();
                    } else {
                        if (metaLength == MAX_META_LINE) {
                            throw new RefusedMetaCommand(commandOf(meta, metaLength), lineNumber);
                        }
                        meta[metaLength++] = b;
                        passFrom = i + 1;
                    }
                }
                case SQL -> {
                    if (b == '\n') {
                        inCopy = startsCopyFromStdin();
                        newLine();
                    } else {
                        if (headLength < head.length) {
                            head[headLength++] = b;
                        }
                        remember(b);
                    }
                }
                case DATA -> {
                    if (b == '\n') {
                        if (dataLength == 2 && dataFirst == '\\' && dataSecond == '.') {
                            inCopy = false;
                        }
                        newLine();
                    } else {
                        if (dataLength == 0) {
                            dataFirst = b;
                        } else if (dataLength == 1) {
                            dataSecond = b;
                        }
                        dataLength = Math.min(dataLength + 1, 3);
                    }
                }
                case START -> newLine();
            }
        }
        flush(bytes, passFrom, end);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /**
     * At the end of the artifact: a last meta-command without a newline is judged like any other.
     * Closes psql's standard input.
     */
    @Override
    public void close() throws IOException {
        try {
            if (line == Line.META) {
                endMetaLine();
            }
        } finally {
            out.close();
        }
    }

    private int flush(byte[] bytes, int from, int to) throws IOException {
        if (to > from) {
            out.write(bytes, from, to - from);
        }
        return to;
    }

    private void newLine() {
        line = Line.START;
        lineNumber++;
    }

    private void remember(byte b) {
        if (tailLength < tail.length) {
            tail[tailLength++] = b;
        } else {
            System.arraycopy(tail, 1, tail, 0, tail.length - 1);
            tail[tail.length - 1] = b;
        }
    }

    /** pg_dump writes {@code COPY <table> (<columns>) FROM stdin;} on one line before each table's data. */
    private boolean startsCopyFromStdin() {
        return headLength == COPY.length && Arrays.equals(head, COPY) && tailLength == FROM_STDIN.length && Arrays.equals(tail, FROM_STDIN);
    }

    /** Drops pg_dump's own restriction and its end; refuses any other meta-command. */
    private void endMetaLine() throws RefusedMetaCommand {
        String text = new String(meta, 0, metaLength, StandardCharsets.US_ASCII).strip();
        String command = commandOf(meta, metaLength);
        String argument = text.substring(command.length()).strip();
        boolean key = argument.matches("[A-Za-z0-9]{1,256}");
        if (command.equals("\\restrict") && key && dumpKey == null) {
            dumpKey = argument;
            dumpRestricted = true;
            return;
        }
        if (command.equals("\\unrestrict") && key && dumpRestricted && argument.equals(dumpKey)) {
            dumpRestricted = false;
            return;
        }
        throw new RefusedMetaCommand(command, lineNumber);
    }

    /** The command's name: a backslash and the letters after it, or a backslash and the one character after it ({@code \!}, {@code \.}). */
    private static String commandOf(byte[] line, int length) {
        StringBuilder name = new StringBuilder("\\");
        for (int i = 1; i < length; i++) {
            char c = (char) (line[i] & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                name.append(c);
            } else {
                if (name.length() == 1 && c > ' ' && c < 127) {
                    name.append(c);
                }
                break;
            }
        }
        return name.toString();
    }
}
