package dev.vigil.verifier.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.RestoreRequested;
import dev.vigil.contracts.TargetId;
import dev.vigil.verifier.VerifierProperties.RestoreRule;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RestoreAllowListTest {

    private static final RestoreAllowList LIST = RestoreAllowList.of(List.of(
            new RestoreRule("orders-db", "staging", List.of("orders_*", "audit_copy")),
            new RestoreRule("orders-db", null, List.of("orders_tmp_*")),
            new RestoreRule("*", "sandbox", List.of("*_scratch"))), Set.of("staging", "sandbox"));

    private static RestoreRequested request(String target, String server, String database) {
        return RestoreRequested.now(UUID.randomUUID(), new TargetId(target), null, server, database, false, List.of(), List.of(), null);
    }

    @Test
    void aRequestMatchingARuleOnTargetServerAndDatabaseIsAllowed() {
        assertThat(LIST.refusal(request("orders-db", "staging", "orders_yesterday"))).isEmpty();
        assertThat(LIST.refusal(request("orders-db", "staging", "audit_copy"))).isEmpty();
        assertThat(LIST.refusal(request("orders-db", null, "orders_tmp_1"))).isEmpty();
        assertThat(LIST.refusal(request("billing", "sandbox", "billing_scratch"))).isEmpty();
        assertThat(LIST.refusal(request("orders-db", "staging", "orders_"))).as("* also stands for nothing").isEmpty();
    }

    @Test
    void aDatabaseAllowedOnOneServerIsNotAllowedOnAnother() {
        assertThat(LIST.refusal(request("orders-db", null, "orders_yesterday"))).hasValue(
                "target orders-db may not be restored into database orders_yesterday on the verification server: the verifier's restore "
                        + "allow-list (vigil.verifier.restore-allow-list) lets it restore into server staging: orders_*, audit_copy; "
                        + "the verification server: orders_tmp_*; server sandbox: *_scratch. Name one of those, or ask the verifier's "
                        + "operator to add a rule there");
        assertThat(LIST.refusal(request("orders-db", "sandbox", "orders_tmp_1"))).isPresent();
    }

    @Test
    void patternsMatchWholeNamesCaseAndOtherCharactersIncluded() {
        assertThat(LIST.refusal(request("orders-db", "staging", "Orders_x"))).isPresent();
        assertThat(LIST.refusal(request("orders-db", "staging", "my_orders_x"))).isPresent();
        assertThat(LIST.refusal(request("orders-db", "staging", "audit_copy2"))).isPresent();
        assertThat(LIST.refusal(request("orders-db", "staging", "auditXcopy"))).as("only * is special").isPresent();
        assertThat(RestoreAllowList.glob("a.b*").matcher("a.b\nc").matches()).isTrue();
        assertThat(RestoreAllowList.glob("a.b*").matcher("axb").matches()).isFalse();
    }

    @Test
    void aTargetNoRuleNamesIsRefusedSayingWhereToAddOne() {
        assertThat(LIST.refusal(request("payroll", "staging", "orders_x"))).hasValueSatisfying(why -> assertThat(why)
                .startsWith("target payroll may not be restored into database orders_x on server staging: ")
                .contains("lets it restore into server sandbox: *_scratch"));
        RestoreAllowList onlyOrders = RestoreAllowList.of(List.of(new RestoreRule("orders-db", null, List.of("*"))), Set.of());
        assertThat(onlyOrders.refusal(request("payroll", null, "x"))).hasValue("target payroll may not be restored into database x on the "
                + "verification server: the verifier's restore allow-list (vigil.verifier.restore-allow-list) has no rule for this target; "
                + "ask the verifier's operator to add one (target, server, databases)");
    }

    @Test
    void anEmptyListAllowsNothingAndSaysWhatToConfigure() {
        RestoreAllowList none = RestoreAllowList.of(List.of(), Set.of("staging"));

        assertThat(none.refusal(request("orders-db", "staging", "orders_x"))).hasValue("target orders-db may not be restored into database "
                + "orders_x on server staging: the verifier allows no restore on demand until its operator lists where each target may go, "
                + "in vigil.verifier.restore-allow-list (rules of target, server, databases)");
    }

    @Test
    void aRuleNamingAnUnknownServerOrNoDatabaseStopsStartUp() {
        assertThatThrownBy(() -> RestoreAllowList.of(List.of(new RestoreRule("orders-db", "stagin", List.of("orders_*"))), Set.of("staging")))
                .hasMessage("vigil.verifier.restore-allow-list[0].server is 'stagin', which is no server under vigil.verifier.restore-servers "
                        + "(known: [staging]); leave it out for the verification server");
        assertThatThrownBy(() -> RestoreAllowList.of(List.of(new RestoreRule("orders-db", null, List.of())), Set.of()))
                .hasMessageContaining("restore-allow-list[0].databases must list at least one");
        assertThatThrownBy(() -> RestoreAllowList.of(List.of(new RestoreRule(" ", null, List.of("x"))), Set.of()))
                .hasMessageContaining("restore-allow-list[0].target is missing");
    }
}
