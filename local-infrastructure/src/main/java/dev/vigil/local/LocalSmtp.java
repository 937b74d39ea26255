package dev.vigil.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.List;

/** A real SMTP server (GreenMail) on loopback that keeps every message it accepts. */
public final class LocalSmtp implements AutoCloseable {

    private final GreenMail mail;
    private final int port;

    private LocalSmtp(GreenMail mail, int port) {
        this.mail = mail;
        this.port = port;
    }

    public static LocalSmtp start() {
        int port = FreePorts.next();
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return new LocalSmtp(mail, port);
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** Every message accepted so far; wait for more with {@link Arrivals}. */
    public List<MimeMessage> messages() {
        return List.of(mail.getReceivedMessages());
    }

    /**
     * Every part of a message, decoded, each after its content type ({@code text/plain}, then
     * {@code text/html} for a message with both), as a reader's mail program would show them.
     */
    public static String text(MimeMessage message) {
        try {
            return parts(message.getContent(), message.getContentType());
        } catch (jakarta.mail.MessagingException | java.io.IOException e) {
            throw new IllegalStateException("could not read a received message: " + e.getMessage(), e);
        }
    }

    private static String parts(Object content, String type) throws jakarta.mail.MessagingException, java.io.IOException {
        if (content instanceof jakarta.mail.Multipart multipart) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                all.append(parts(multipart.getBodyPart(i).getContent(), multipart.getBodyPart(i).getContentType()));
            }
            return all.toString();
        }
        return type + "\n" + content + "\n";
    }

    @Override
    public void close() {
        mail.stop();
    }
}
