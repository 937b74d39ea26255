package dev.vigil.scheduler.job;

import dev.vigil.contracts.TargetId;
import java.util.List;

/** A backup was asked for a target the targets file does not list. */
public class UnknownTargetException extends RuntimeException {

    public UnknownTargetException(TargetId targetId, List<String> known) {
        super("no target named '" + targetId + "'; known targets: " + (known.isEmpty() ? "none" : String.join(", ", known))
                + ". Add it to the targets file (vigil.scheduler.targets-file): the scheduler reads it again within seconds.");
    }
}
