package dev.vigil.verifier.restore;

import dev.vigil.contracts.RestoreRequested;
import dev.vigil.verifier.VerifierProperties.RestoreRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where each target may be restored on demand ({@code vigil.verifier.restore-allow-list}): a request
 * is allowed when one rule matches its target, its server and its database; an empty list allows
 * nothing. The database names the verifier must never restore into are refused before this list is
 * asked (see {@link RestoreService}), so no rule can allow them. Immutable and thread-safe.
 */
final class RestoreAllowList {

    static final String SETTING = "vigil.verifier.restore-allow-list";

    private final List<Rule> rules;

    private RestoreAllowList(List<Rule> rules) {
        this.rules = rules;
    }

    /**
     * The rules of the settings, checked: each names a target pattern and at least one database
     * pattern, and only servers the verifier knows, so a typo stops start-up instead of refusing
     * every request later.
     */
    static RestoreAllowList of(List<RestoreRule> settings, Set<String> restoreServers) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            RestoreRule rule = settings.get(i);
            String where = SETTING + "[" + i + "]";
            if (rule.target() == null || rule.target().isBlank()) {
                throw new IllegalArgumentException(where + ".target is missing: give a target id, or a pattern such as orders-* or *");
            }
            String server = rule.server() == null || rule.server().isBlank() ? null : rule.server();
            if (server != null && !restoreServers.contains(server)) {
                throw new IllegalArgumentException(where + ".server is '" + server + "', which is no server under vigil.verifier.restore-servers "
                        + "(known: " + restoreServers.stream().sorted().toList() + "); leave it out for the verification server");
            }
            if (rule.databases().isEmpty() || rule.databases().stream().anyMatch(d -> d == null || d.isBlank())) {
                throw new IllegalArgumentException(where + ".databases must list at least one database name or pattern, such as orders_*");
            }
            rules.add(new Rule(glob(rule.target()), server, rule.databases(), rule.databases().stream().map(RestoreAllowList::glob).toList()));
        }
        return new RestoreAllowList(List.copyOf(rules));
    }

    /** Why the list does not allow this request, saying what it does allow for the target and where to change it; empty when it allows it. */
    Optional<String> refusal(RestoreRequested request) {
        String target = request.targetId().value();
        Map<String, List<String>> allowed = new LinkedHashMap<>();
        for (Rule rule : rules) {
            if (!rule.target().matcher(target).matches()) {
                continue;
            }
            if (java.util.Objects.equals(rule.server(), request.server())
                    && rule.databases().stream().anyMatch(d -> d.matcher(request.database()).matches())) {
                return Optional.empty();
            }
            allowed.computeIfAbsent(serverName(rule.server()), s -> new ArrayList<>()).addAll(rule.databaseText());
        }
        String asked = "target " + target + " may not be restored into database " + request.database() + " on " + serverName(request.server());
        if (rules.isEmpty()) {
            return Optional.of(asked + ": the verifier allows no restore on demand until its operator lists where each target may go, "
                    + "in " + SETTING + " (rules of target, server, databases)");
        }
        if (allowed.isEmpty()) {
            return Optional.of(asked + ": the verifier's restore allow-list (" + SETTING + ") has no rule for this target; ask the "
                    + "verifier's operator to add one (target, server, databases)");
        }
        List<String> where = new ArrayList<>();
        allowed.forEach((server, databases) -> where.add(server + ": " + String.join(", ", databases.stream().distinct().toList())));
        return Optional.of(asked + ": the verifier's restore allow-list (" + SETTING + ") lets it restore into " + String.join("; ", where)
                + ". Name one of those, or ask the verifier's operator to add a rule there");
    }

    private static String serverName(String server) {
        return server == null ? "the verification server" : "server " + server;
    }

    /** {@code *} stands for any characters; everything else matches itself. */
    static Pattern glob(String pattern) {
        return Pattern.compile(Arrays.stream(pattern.split("\\*", -1)).map(part -> part.isEmpty() ? "" : Pattern.quote(part))
                .collect(Collectors.joining(".*")), Pattern.DOTALL);
    }

    private record Rule(Pattern target, String server, List<String> databaseText, List<Pattern> databases) {
    }
}
