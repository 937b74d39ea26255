package dev.vigil.notifier.delivery;

/**
 * A message about many targets rather than one incident, such as the weekly report: rendered by
 * whoever makes it, sent as it is by the channels that take reports (email). Stored with each
 * delivery, so what a channel owes survives a restart.
 *
 * @param key     the message's identity: a channel gets each key once, however often it is owed
 * @param subject the email subject, after {@code [Vigil] }
 * @param text    the plain-text part
 * @param html    the HTML part, a whole document, everything from an event already escaped
 */
public record ReportMail(String key, String subject, String text, String html) {
}
