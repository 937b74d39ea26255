package dev.vigil.notifier.delivery;

/** Somewhere messages go. Implementations throw when the message was not accepted, so it is tried again later. */
public interface Channel {

    /** The channel's name in the settings, recorded with each delivery. */
    String name();

    void send(Notice notice) throws Exception;
}
