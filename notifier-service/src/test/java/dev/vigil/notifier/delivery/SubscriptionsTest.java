package dev.vigil.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.notifier.NotifierProperties.SubscriptionSettings;
import dev.vigil.notifier.IncidentKind;
import dev.vigil.notifier.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscriptionsTest {

    private static final Set<String> CHANNELS = Set.of("payments-slack", "payments-mail", "dba-hook");

    private static SubscriptionSettings rule(String name, List<String> targets, Map<String, String> labels, List<String> kinds, Severity min,
            List<String> channels) {
        return new SubscriptionSettings(name, targets, labels, false, kinds, min, channels, false);
    }

    private static TargetConfigured target(String id, Map<String, String> labels) {
        return TargetConfigured.now(new TargetId(id), new Connection("h", 5432, "d", "u", null, null), DumpOptions.defaults(), null, List.of(),
                labels, null);
    }

    @Test
    void messagesGoToTheChannelsOfEveryRuleCoveringTheTargetKindAndSeverity() {
        Subscriptions subscriptions = new Subscriptions(Subscriptions.checked(List.of(
                rule("payments", List.of(), Map.of("team", "payments"), List.of(), Severity.INFO, List.of("payments-slack", "payments-mail")),
                rule("dba", List.of("orders-db", "billing-db"), Map.of(), List.of("stale", "COPY_DAMAGED"), Severity.CRITICAL, List.of("dba-hook"))),
                CHANNELS));

        assertThat(subscriptions.channelsFor("orders-db", Map.of("team", "payments"), IncidentKind.STALE, Severity.CRITICAL))
                .containsExactly("payments-slack", "payments-mail", "dba-hook");
        assertThat(subscriptions.channelsFor("orders-db", Map.of("team", "payments"), IncidentKind.SIZE_ANOMALY, Severity.WARNING))
                .containsExactly("payments-slack", "payments-mail");
        assertThat(subscriptions.channelsFor("search-db", Map.of("team", "search"), IncidentKind.STALE, Severity.CRITICAL)).isEmpty();
    }

    @Test
    void aRuleThatCouldNeverWorkIsRefusedSayingWhatToFix() {
        assertThatThrownBy(() -> Subscriptions.checked(List.of(rule("p", List.of("a"), Map.of(), List.of(), Severity.INFO, List.of("nope"))), CHANNELS))
                .hasMessageContaining("names channel 'nope', which is not configured");
        assertThatThrownBy(() -> Subscriptions.checked(List.of(rule("p", List.of(), Map.of(), List.of(), Severity.INFO, List.of("dba-hook"))), CHANNELS))
                .hasMessageContaining("covers no target");
        assertThatThrownBy(() -> Subscriptions.checked(List.of(rule("p", List.of("a"), Map.of(), List.of(), Severity.INFO, List.of())), CHANNELS))
                .hasMessageContaining("names no channel");
        assertThatThrownBy(() -> Subscriptions.checked(List.of(rule("p", List.of("a"), Map.of(), List.of("broken"), Severity.INFO,
                List.of("dba-hook"))), CHANNELS)).hasMessageContaining("names kind 'broken'; known kinds");
    }

    @Test
    void aRuleAskingForTheWeeklyReportNeedsAnEmailChannel() {
        List<Subscriptions.Rule> rules = Subscriptions.checked(List.of(
                new SubscriptionSettings("dba", List.of("orders-db"), Map.of(), false, List.of(), Severity.INFO, List.of("dba-hook"), true),
                rule("payments", List.of("orders-db"), Map.of(), List.of(), Severity.INFO, List.of("dba-hook"))), CHANNELS);

        assertThatThrownBy(() -> Subscriptions.checkReportChannels(rules, "payments-mail"::equals))
                .hasMessageContaining("subscription 'dba' asks for the weekly report (weekly-report: true) but has no email channel");
        assertThat(new Subscriptions(rules).reportRules()).extracting(Subscriptions.Rule::name).containsExactly("dba");
        List<Subscriptions.Rule> mailed = Subscriptions.checked(List.of(new SubscriptionSettings("dba", List.of("orders-db"), Map.of(), false,
                List.of(), Severity.INFO, List.of("dba-hook", "payments-mail"), true)), CHANNELS);
        Subscriptions.checkReportChannels(mailed, "payments-mail"::equals);
    }

    @Test
    void aRuleCoveringNoneOfTheConfiguredTargetsIsRefusedListingThem() {
        Subscriptions subscriptions = new Subscriptions(Subscriptions.checked(List.of(
                rule("payments", List.of(), Map.of("team", "paymnets"), List.of(), Severity.INFO, List.of("payments-slack"))), CHANNELS));

        assertThatThrownBy(() -> subscriptions.checkEachCoversATarget(List.of(target("orders-db", Map.of("team", "payments")))))
                .hasMessageContaining("subscription 'payments' covers none of the 1 configured target(s)")
                .hasMessageContaining("orders-db {team=payments}");
    }
}
