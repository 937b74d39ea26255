package dev.vigil.notifier.alert;

import java.util.List;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/** Sends alerts as plain-text email over SMTP. */
class EmailChannel implements AlertChannel {

    private final JavaMailSender mail;
    private final List<String> to;
    private final String from;
    private final String dashboardUrl;

    EmailChannel(JavaMailSender mail, List<String> to, String from, String dashboardUrl) {
        this.mail = mail;
        this.to = to;
        this.from = from;
        this.dashboardUrl = dashboardUrl;
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void send(Alert alert) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(to.toArray(String[]::new));
        message.setSubject("[Vigil] " + alert.headline());
        message.setText(alert.text(dashboardUrl));
        mail.send(message);
    }
}
