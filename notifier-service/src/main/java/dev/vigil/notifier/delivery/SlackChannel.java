package dev.vigil.notifier.delivery;

import dev.vigil.contracts.json.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Posts to a Slack incoming webhook as a Block Kit message (headline, details, a button to the job)
 * with a plain-text fallback. The URL is a secret: it never appears in a log or an exception.
 */
final class SlackChannel implements Channel {

    /** The longest text posted in one field; Slack refuses longer section texts, and a reason listing thousands of differences would be. */
    static final int MAX_TEXT = 3_000;

    private final String name;
    private final URI webhook;
    private final String dashboardUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    SlackChannel(String name, String webhookUrl, String dashboardUrl) {
        this.name = name;
        this.webhook = URI.create(webhookUrl);
        this.dashboardUrl = dashboardUrl;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notice notice) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(webhook)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(notice))).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the Slack webhook of channel " + name + " answered " + response.statusCode() + "; check its URL");
        }
    }

    String body(Notice notice) {
        String icon = switch (notice.type()) {
            case RESOLVED -> ":white_check_mark:";
            case REMINDER -> ":hourglass:";
            case OPENED -> notice.severity() == dev.vigil.notifier.Severity.CRITICAL ? ":rotating_light:" : ":warning:";
        };
        List<Object> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text",
                shortened(icon + " *" + escape(notice.headline()) + "*\n" + escape(String.join("\n", notice.details()))))));
        List<Object> fields = new ArrayList<>();
        fields.add(Map.of("type", "mrkdwn", "text", "*Target*\n" + escape(notice.targetId())));
        fields.add(Map.of("type", "mrkdwn", "text", "*Incident*\n" + notice.kind() + " (" + notice.severity() + ")"));
        if (notice.jobId() != null) {
            fields.add(Map.of("type", "mrkdwn", "text", "*Job*\n" + escape(notice.jobId())));
        }
        if (notice.traceId() != null) {
            fields.add(Map.of("type", "mrkdwn", "text", "*Trace*\n" + escape(notice.traceId())));
        }
        blocks.add(Map.of("type", "section", "fields", fields));
        String link = notice.jobLink(dashboardUrl);
        if (link != null) {
            blocks.add(Map.of("type", "actions", "elements", List.of(Map.of("type", "button",
                    "text", Map.of("type", "plain_text", "text", "Open the job"), "url", link))));
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("text", icon + " *" + escape(notice.headline()) + "*\n" + shortened(escape(notice.text(dashboardUrl))));
        message.put("blocks", blocks);
        return EventJson.writeString(message);
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
