package dev.vigil.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.contracts.json.MalformedEventException;
import org.junit.jupiter.api.Test;

class SqlCheckTest {

    @Test
    void aCheckIsOneStatementSoItCannotLiftItsReadOnlyTransactionOrItsTimeout() {
        for (String twoStatements : new String[] {"set local statement_timeout = 0; select pg_sleep(1e9) is null",
                "commit; select true", "select true; drop table orders"}) {
            assertThatThrownBy(() -> new SqlCheck("x", twoStatements)).as(twoStatements)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("check 'x' must be one statement");
        }
        assertThat(new SqlCheck("x", "select true ;\n").sql()).isEqualTo("select true ;\n");
    }

    @Test
    void anEventCarryingSuchACheckIsRefusedAsMalformed() {
        String json = "{\"name\":\"x\",\"sql\":\"commit; select true\"}";

        assertThatThrownBy(() -> EventJson.read(json.getBytes(), SqlCheck.class)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("must be one statement");
    }
}
