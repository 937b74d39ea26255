package dev.vigil.notifier.alert;

import dev.vigil.contracts.json.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Posts alerts to a Slack incoming webhook. The URL is a secret: it never appears in a log or an exception. */
class SlackChannel implements AlertChannel {

    private final URI webhook;
    private final String dashboardUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    SlackChannel(String webhookUrl, String dashboardUrl) {
        this.webhook = URI.create(webhookUrl);
        this.dashboardUrl = dashboardUrl;
    }

    @Override
    public String name() {
        return "slack";
    }

    /** The longest text posted; Slack cuts messages far longer, and a reason listing thousands of differences would be. */
    static final int MAX_TEXT = 3_000;

    @Override
    public void send(Alert alert) throws IOException, InterruptedException {
        String body = EventJson.writeString(Map.of("text", ":rotating_light: *" + escape(alert.headline()) + "*\n"
                + escape(shortened(alert.text(dashboardUrl)))));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(webhook)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the Slack webhook answered " + response.statusCode() + "; check VIGIL_SLACK_WEBHOOK_URL");
        }
    }

    /**
     * Text as Slack shows it literally: what an event carries (a reason, a table name) cannot mention
     * {@code <!channel>}, a user, or make a link that reads as something else.
     */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String shortened(String text) {
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        return text.substring(0, MAX_TEXT) + "… (" + (text.length() - MAX_TEXT) + " more characters: the job API and the email have them all)";
    }
}
