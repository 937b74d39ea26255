package dev.vigil.notifier.delivery;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.web.util.HtmlUtils;

/** Sends messages and reports as email over SMTP, plain text and HTML in one message. */
final class EmailChannel implements Channel {

    private final String name;
    private final JavaMailSender mail;
    private final List<String> to;
    private final String from;
    private final String dashboardUrl;

    EmailChannel(String name, JavaMailSender mail, List<String> to, String from, String dashboardUrl) {
        this.name = name;
        this.mail = mail;
        this.to = List.copyOf(to);
        this.from = from;
        this.dashboardUrl = dashboardUrl;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notice notice) throws MessagingException {
        send(notice.headline(), notice.text(dashboardUrl), html(notice));
    }

    @Override
    public boolean takesReports() {
        return true;
    }

    @Override
    public void send(ReportMail report) throws MessagingException {
        send(report.subject(), report.text(), report.html());
    }

    /** One message, its text and HTML as alternatives, subject {@code [Vigil] <subject>}. */
    private void send(String subject, String text, String html) throws MessagingException {
        MimeMessage message = mail.createMimeMessage();
        MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
        helper.setFrom(from);
        helper.setTo(to.toArray(String[]::new));
        helper.setSubject("[Vigil] " + subject);
        helper.setText(text, html);
        mail.send(message);
    }

    private String html(Notice notice) {
        String colour = switch (notice.type()) {
            case RESOLVED -> "#2e7d32";
            case REMINDER, OPENED -> notice.severity() == dev.vigil.notifier.Severity.CRITICAL ? "#c62828" : "#ef6c00";
        };
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">")
                .append("<h2 style=\"color:").append(colour).append("\">").append(e(notice.headline())).append("</h2><ul>");
        notice.details().forEach(line -> html.append("<li>").append(e(line)).append("</li>"));
        html.append("</ul><table>")
                .append(row("Target", notice.targetId()))
                .append(row("Incident", notice.kind() + " (" + notice.severity() + ") " + notice.incidentId()));
        if (notice.jobId() != null) {
            html.append(row("Job", notice.jobId()));
        }
        if (notice.traceId() != null) {
            html.append(row("Trace", notice.traceId()));
        }
        html.append("</table>");
        String link = notice.jobLink(dashboardUrl);
        if (link != null) {
            html.append("<p><a href=\"").append(e(link)).append("\">Open the job</a></p>");
        }
        return html.append("</body></html>").toString();
    }

    private static String row(String name, String value) {
        return "<tr><th align=\"left\">" + e(name) + "</th><td>" + e(value) + "</td></tr>";
    }

    private static String e(String text) {
        return HtmlUtils.htmlEscape(text);
    }
}
