package dev.vigil.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Where the scheduler's API is and which access token to send, each from the first place that
 * gives it: for the URL, {@code --url}, then {@code VIGIL_URL}, then {@code url=} in the config
 * file, then {@code http://localhost:8080}; for the token, {@code VIGIL_TOKEN}, then the file
 * {@code VIGIL_TOKEN_FILE} names, then {@code token=} or {@code token-file=} in the config file.
 * The config file is {@code ${XDG_CONFIG_HOME:-~/.config}/vigil/config} (Java properties); one that
 * holds a token itself must be readable by its owner alone.
 *
 * @param urlSource where the URL came from, for messages
 */
record Settings(URI url, String urlSource, Optional<Token> token) {

    static final String DEFAULT_URL = "http://localhost:8080";
    private static final Set<String> KEYS = Set.of("url", "token-file", "token");

    /**
     * An access token and where it was read, never its value: {@link #toString()} leaves it out.
     *
     * @param source e.g. "VIGIL_TOKEN" or the file it was read from
     */
    record Token(String value, String source) {

        @Override
        public String toString() {
            return "Token[from " + source + "]";
        }
    }

    static Settings resolve(String urlOption, Context context) throws CliFailure {
        Path configFile = configFile(context);
        Properties config = readConfig(configFile);
        String url;
        String source;
        if (urlOption != null) {
            url = urlOption;
            source = "--url";
        } else if (context.env("VIGIL_URL") != null) {
            url = context.env("VIGIL_URL");
            source = "VIGIL_URL";
        } else if (config.getProperty("url") != null) {
            url = config.getProperty("url");
            source = "url= in " + configFile;
        } else {
            url = DEFAULT_URL;
            source = "the default";
        }
        return new Settings(parseUrl(url, source), source, token(context, config, configFile));
    }

    /** The config file's path, whether or not it exists. */
    static Path configFile(Context context) {
        String xdg = context.env("XDG_CONFIG_HOME");
        Path base = xdg != null ? Path.of(xdg) : context.home().resolve(".config");
        return base.resolve("vigil").resolve("config");
    }

    private static Optional<Token> token(Context context, Properties config, Path configFile) throws CliFailure {
        if (context.env("VIGIL_TOKEN") != null) {
            return Optional.of(checked(context.env("VIGIL_TOKEN").strip(), "VIGIL_TOKEN"));
        }
        if (context.env("VIGIL_TOKEN_FILE") != null) {
            return Optional.of(readTokenFile(Path.of(context.env("VIGIL_TOKEN_FILE")), "VIGIL_TOKEN_FILE"));
        }
        if (config.getProperty("token") != null) {
            return Optional.of(checked(config.getProperty("token").strip(), "token= in " + configFile));
        }
        if (config.getProperty("token-file") != null) {
            Path file = expandHome(config.getProperty("token-file").strip(), context);
            return Optional.of(readTokenFile(configFile.getParent().resolve(file), "token-file= in " + configFile));
        }
        return Optional.empty();
    }

    private static Token readTokenFile(Path file, String namedBy) throws CliFailure {
        String token;
        try {
            token = Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            throw CliFailure.usage("the token file " + file + " (" + namedBy + ") does not exist; ./vigil dev writes its admin's token to "
                    + ".vigil/admin-token, and an admin makes others with POST /api/v1/tokens");
        } catch (IOException e) {
            throw CliFailure.usage("cannot read the token file " + file + " (" + namedBy + "): " + e.getMessage());
        }
        return checked(token, file.toString());
    }

    /** A token holds printable ASCII only; anything else would break the header, and is not repeated. */
    private static Token checked(String token, String source) throws CliFailure {
        if (token.isEmpty()) {
            throw CliFailure.usage("the access token from " + source + " is empty");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw CliFailure.usage("the access token from " + source + " holds characters no token has (spaces, line breaks or non-ASCII); "
                    + "it should be one line like vigil_<id>.<secret>");
        }
        return new Token(token, source);
    }

    private static Properties readConfig(Path file) throws CliFailure {
        Properties config = new Properties();
        if (!Files.isRegularFile(file)) {
            return config;
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            config.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw CliFailure.usage("cannot read the config file " + file + ": " + e.getMessage());
        }
        for (String key : config.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw CliFailure.usage("the config file " + file + " has an unknown setting '" + key + "'; it takes url=, token-file= and token=");
            }
        }
        if (config.getProperty("token") != null) {
            Set<PosixFilePermission> permissions;
            try {
                permissions = Files.getPosixFilePermissions(file);
            } catch (UnsupportedOperationException | IOException e) {
                permissions = Set.of();
            }
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                throw CliFailure.usage("the config file " + file + " holds token= and others may read it ("
                        + PosixFilePermissions.toString(permissions) + "); make it yours alone (chmod 600 " + file
                        + "), or keep the token in a file of its own and name that with token-file=");
            }
        }
        return config;
    }

    private static URI parseUrl(String url, String source) throws CliFailure {
        try {
            URI uri = new URI(url.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an http:// or https:// URL with a host");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new URISyntaxException(url, "give the scheduler's base URL only, without user, query or fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw CliFailure.usage("the URL from " + source + " is not usable: " + e.getReason() + "; for example " + DEFAULT_URL);
        }
    }

    private static Path expandHome(String path, Context context) {
        return path.equals("~") ? context.home() : path.startsWith("~/") ? context.home().resolve(path.substring(2)) : Path.of(path);
    }
}
