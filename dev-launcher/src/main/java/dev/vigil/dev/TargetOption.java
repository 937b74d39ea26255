package dev.vigil.dev;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A user's database given as {@code NAME=postgresql://USER@HOST:PORT/DB}. A password in the URL is
 * refused: it would show in the process list and shell history; PGPASSWORD or a .pgpass file gives it.
 */
record TargetOption(String name, String host, int port, String database, String username) {

    static TargetOption parse(String option) {
        int equals = option.indexOf('=');
        if (equals < 1) {
            throw new IllegalArgumentException("--target expects NAME=postgresql://USER@HOST:PORT/DB, got: " + option);
        }
        String name = option.substring(0, equals);
        URI uri;
        try {
            uri = new URI(option.substring(equals + 1));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--target " + name + ": not a URL (" + e.getReason() + "); expected postgresql://USER@HOST:PORT/DB");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--target " + name + ": expected a postgresql:// URL");
        }
        String user = uri.getUserInfo();
        if (user != null && user.contains(":")) {
            throw new IllegalArgumentException("--target " + name + ": never put the password on the command line; "
                    + "export PGPASSWORD or use a .pgpass file");
        }
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (uri.getHost() == null || database.isEmpty() || user == null) {
            throw new IllegalArgumentException("--target " + name + ": the URL needs a user, a host and a database: postgresql://USER@HOST:PORT/DB");
        }
        return new TargetOption(name, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database, user);
    }

    /** The entry in the scheduler's targets file. */
    String yaml() {
        return "  - id: " + name + "\n    host: " + host + "\n    port: " + port + "\n    database: \"" + database
                + "\"\n    username: \"" + username + "\"\n";
    }
}
