package dev.vigil.notifier.delivery;

import dev.vigil.contracts.TargetConfigured;
import dev.vigil.notifier.NotifierProperties.SubscriptionSettings;
import dev.vigil.notifier.IncidentKind;
import dev.vigil.notifier.Severity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who hears what: each rule covers targets (by id, by labels, or all), incident kinds and a minimum
 * severity, and names its channels. Built once from the settings, refusing a rule that could never
 * work with what is wrong and what to write. Immutable, thread-safe.
 */
public final class Subscriptions {

    /**
     * One routing rule, checked.
     *
     * @param weeklyReport its email channels get the weekly report of the targets it covers
     */
    public record Rule(String name, Set<String> targets, Map<String, String> labels, boolean allTargets, Set<IncidentKind> kinds,
            Severity minSeverity, List<String> channels, boolean weeklyReport) {

        /** Whether the rule covers the target: by id, by all of its labels, or all targets. */
        public boolean covers(String targetId, Map<String, String> targetLabels) {
            return allTargets || targets.contains(targetId)
                    || (!labels.isEmpty() && labels.entrySet().stream().allMatch(l -> l.getValue().equals(targetLabels.get(l.getKey()))));
        }

        boolean hears(IncidentKind kind, Severity severity) {
            return kinds.contains(kind) && severity.compareTo(minSeverity) >= 0;
        }
    }

    private final List<Rule> rules;

    public Subscriptions(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The rules whose email channels get the weekly report. */
    public List<Rule> reportRules() {
        return rules.stream().filter(Rule::weeklyReport).toList();
    }

    /** The channels a message about this target, kind and severity goes to, each once. */
    public Set<String> channelsFor(String targetId, Map<String, String> targetLabels, IncidentKind kind, Severity severity) {
        Set<String> channels = new LinkedHashSet<>();
        for (Rule rule : rules) {
            if (rule.covers(targetId, targetLabels) && rule.hears(kind, severity)) {
                channels.addAll(rule.channels());
            }
        }
        return channels;
    }

    /**
     * The rules as set, each checked: a name, at least one channel that exists, a choice of targets,
     * known kinds. Throws {@link IllegalStateException} saying what to fix.
     */
    static List<Rule> checked(List<SubscriptionSettings> settings, Set<String> channelNames) {
        List<Rule> rules = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < settings.size(); i++) {
            SubscriptionSettings s = settings.get(i);
            String where = "vigil.notifier.subscriptions[" + i + "]";
            if (s.name().isBlank()) {
                throw new IllegalStateException(where + " has no name: give it one (name: payments-oncall), messages and logs name it");
            }
            where += " (" + s.name() + ")";
            if (!names.add(s.name())) {
                throw new IllegalStateException(where + ": another subscription has the same name");
            }
            if (s.channels().isEmpty()) {
                throw new IllegalStateException(where + " names no channel: add channels: [<name>], a channel of vigil.notifier.channels");
            }
            for (String channel : s.channels()) {
                if (!channelNames.contains(channel)) {
                    throw new IllegalStateException(where + " names channel '" + channel + "', which is not configured; configured channels: "
                            + (channelNames.isEmpty() ? "none (set vigil.notifier.channels.<name>.type and its settings)" : channelNames));
                }
            }
            if (s.targets().isEmpty() && s.labels().isEmpty() && !s.allTargets()) {
                throw new IllegalStateException(where + " covers no target: set targets: [<id>, ...], labels: {team: <name>}, or all-targets: true");
            }
            Set<IncidentKind> kinds = EnumSet.noneOf(IncidentKind.class);
            for (String kind : s.kinds()) {
                try {
                    kinds.add(IncidentKind.valueOf(kind.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(where + " names kind '" + kind + "'; known kinds: " + List.of(IncidentKind.values()));
                }
            }
            rules.add(new Rule(s.name(), Set.copyOf(s.targets()), Map.copyOf(s.labels()), s.allTargets(),
                    kinds.isEmpty() ? EnumSet.allOf(IncidentKind.class) : kinds, s.minSeverity(), List.copyOf(s.channels()), s.weeklyReport()));
        }
        return rules;
    }

    /**
     * Refuses a rule that asks for the weekly report but names no channel that takes reports (email):
     * it would never get one. Throws {@link IllegalStateException} naming the rule.
     */
    static void checkReportChannels(List<Rule> rules, java.util.function.Predicate<String> takesReports) {
        for (Rule rule : rules) {
            if (rule.weeklyReport() && rule.channels().stream().noneMatch(takesReports)) {
                throw new IllegalStateException("subscription '" + rule.name() + "' asks for the weekly report (weekly-report: true) but has no "
                        + "email channel, the only kind that receives it: add one to its channels, or remove weekly-report");
            }
        }
    }

    /**
     * Refuses a rule that covers none of the configured targets: a typo in a target id or a label
     * would otherwise leave a team unwarned. Throws {@link IllegalStateException} naming the rule.
     */
    public void checkEachCoversATarget(Collection<TargetConfigured> targets) {
        for (Rule rule : rules) {
            if (rule.allTargets()) {
                continue;
            }
            boolean covers = targets.stream().anyMatch(t -> rule.covers(t.targetId().value(), t.labelMap()));
            if (!covers) {
                throw new IllegalStateException("subscription '" + rule.name() + "' covers none of the " + targets.size()
                        + " configured target(s) (targets " + rule.targets() + ", labels " + rule.labels() + "); known targets: "
                        + targets.stream().map(t -> t.targetId().value() + (t.labelMap().isEmpty() ? "" : " " + t.labelMap())).sorted().toList()
                        + ". Fix the ids or labels, or label the targets in the targets file");
            }
        }
    }
}
