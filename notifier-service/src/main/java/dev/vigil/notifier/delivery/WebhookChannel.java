package dev.vigil.notifier.delivery;

import dev.vigil.contracts.json.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs each message as JSON to a receiver of the user's, signed so the receiver can check it came
 * from Vigil: header {@code X-Vigil-Signature: t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<body>">}
 * under the shared secret; {@code X-Vigil-Delivery} names the message, the same on a retry. URL
 * and secret never appear in a log or an exception.
 */
final class WebhookChannel implements Channel {

    private final String name;
    private final URI url;
    private final byte[] secret;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    WebhookChannel(String name, String url, String secret, Clock clock) {
        this.name = name;
        this.url = URI.create(url);
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notice notice) throws IOException, InterruptedException, GeneralSecurityException {
        String body = EventJson.writeString(notice);
        long t = clock.instant().getEpochSecond();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("X-Vigil-Delivery", notice.key())
                .header("X-Vigil-Signature", "t=" + t + ",sha256=" + sign(secret, t + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the webhook of channel " + name + " answered " + response.statusCode());
        }
    }

    /** Lower-case hex HMAC-SHA256 of the text under the key: what a receiver computes to check a message. */
    static String sign(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
