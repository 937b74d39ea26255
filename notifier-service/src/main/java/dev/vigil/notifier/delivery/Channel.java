package dev.vigil.notifier.delivery;

/** Somewhere messages go. Implementations throw when the message was not accepted, so it is tried again later. */
public interface Channel {

    /** The channel's name in the settings, recorded with each delivery. */
    String name();

    void send(Notice notice) throws Exception;

    /** Whether the channel takes reports ({@link ReportMail}); only email does, a report is too long for a chat message or a webhook. */
    default boolean takesReports() {
        return false;
    }

    /** Sends a report; only called on a channel that {@linkplain #takesReports takes reports}. */
    default void send(ReportMail report) throws Exception {
        throw new UnsupportedOperationException("channel " + name() + " takes no report");
    }
}
