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

    @Override
    public void send(Alert alert) throws IOException, InterruptedException {
        String body = EventJson.writeString(Map.of("text", ":rotating_light: *" + alert.headline() + "*\n" + alert.text(dashboardUrl)));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(webhook)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the Slack webhook answered " + response.statusCode() + "; check VIGIL_SLACK_WEBHOOK_URL");
        }
    }
}
