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

    @Override
    public void close() {
        mail.stop();
    }
}
