package dev.vigil.verifier.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScratchDatabaseTest {

    @Test
    void replicasWhoseIdsShareALongPrefixGetNamesOfTheirOwn() {
        String a = ScratchDatabase.instance("vigil-verifier-7f9c8d6b5-abcde");
        String b = ScratchDatabase.instance("vigil-verifier-7f9c8d6b5-fghij");

        assertThat(a).isNotEqualTo(b).hasSizeLessThanOrEqualTo(16).matches("[a-z0-9]+").startsWith("vigilver");
        assertThat(b).hasSizeLessThanOrEqualTo(16).matches("[a-z0-9]+");
        assertThat(ScratchDatabase.instance("vigil-verifier-7f9c8d6b5-abcde")).as("stable across restarts").isEqualTo(a);
    }

    @Test
    void aShortIdIsKeptAsItIsCleaned() {
        assertThat(ScratchDatabase.instance("RT-1")).isEqualTo("rt1");
        assertThat(ScratchDatabase.instance("--")).isEqualTo("verifier");
    }
}
