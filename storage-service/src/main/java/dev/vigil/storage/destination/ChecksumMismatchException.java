package dev.vigil.storage.destination;

import java.io.IOException;

/** What was read from staging is not what the dump worker hashed. */
public class ChecksumMismatchException extends IOException {

    private final String found;

    ChecksumMismatchException(String found) {
        super("SHA-256 " + found);
        this.found = found;
    }

    public String found() {
        return found;
    }
}
