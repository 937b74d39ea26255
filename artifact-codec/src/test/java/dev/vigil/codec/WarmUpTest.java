package dev.vigil.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The start-up warm-up: it round-trips every path a service meets, checks them, ends, and never holds start-up up. */
class WarmUpTest {

    @Test
    void aWarmUpRoundTripsZstdWithAesGcmAgeAndClearArtifactsCheckingEachAndEnds() throws Exception {
        WarmUp.Report report = WarmUp.run(4, Compression.ZSTD, 3, 2);

        assertThat(report.paths()).containsExactly("zstd level 3 + AES-256-GCM + SHA-256",
                "zstd level 3 + age (X25519, ChaCha20-Poly1305) + SHA-256", "zstd level 3 + SHA-256");
        assertThat(report.bytesPerPath()).isEqualTo(4L << 20);
        assertThat(report.took()).isPositive().isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aServiceSetToGzipWarmsGzipAndStillZstdWhichItMayMeetInAnyArtifact() throws Exception {
        WarmUp.Report report = WarmUp.run(4, Compression.GZIP, 6, 0);

        assertThat(report.paths()).startsWith("gzip level 6 + AES-256-GCM + SHA-256", "zstd level 3 + AES-256-GCM + SHA-256");
    }

    @Test
    void inTheBackgroundItAnswersAtOnceRunsOnADaemonThreadAndEnds() throws Exception {
        long started = System.nanoTime();
        var warming = WarmUp.inBackground(WarmUp.DEFAULT_MEGABYTES, Compression.ZSTD, 3, 2);
        Duration toReturn = Duration.ofNanos(System.nanoTime() - started);

        assertThat(toReturn).isLessThan(Duration.ofMillis(500));
        Thread warmer = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("codec-warm-up")).findFirst().orElseThrow();
        assertThat(warmer.isDaemon()).isTrue();
        WarmUp.Report report = warming.get(60, TimeUnit.SECONDS);
        assertThat(report.bytesPerPath()).isEqualTo((long) WarmUp.DEFAULT_MEGABYTES << 20);
        warmer.join(5000);
        assertThat(warmer.isAlive()).isFalse();
    }

    @Test
    void generatedDataCompressesLikeTableDataNotLikeZeros() throws Exception {
        byte[] data = WarmUp.dumpLike(1 << 20);
        var compressed = new java.io.ByteArrayOutputStream();
        try (var out = Compression.ZSTD.compress(compressed, 3, 0)) {
            out.write(data);
        }

        assertThat((double) compressed.size() / data.length).isBetween(0.2, 0.7);
    }
}
