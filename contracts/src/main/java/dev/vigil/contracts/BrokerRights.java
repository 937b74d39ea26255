package dev.vigil.contracts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what on the broker: the one table the embedded broker, the tests and the deployment
 * files grant from. Each service signs in as its own principal (its service name) and may write
 * only the topics whose events it produces, and its own dead-letter topics; it reads the topics it
 * consumes under its own consumer group, and the targets and access topics without a group. A team principal
 * may only write {@code BackupRequested}. Anything not granted here is refused by the broker.
 * Restores are requested by the scheduler (its API, for an admin) or by the broker's administrator.
 */
public final class BrokerRights {

    public static final String SCHEDULER = "scheduler-service";
    public static final String WORKER = "dump-worker";
    public static final String STORAGE = "storage-service";
    public static final String VERIFIER = "verifier-service";
    public static final String NOTIFIER = "notifier-service";

    /** The five services, in pipeline order. */
    public static final List<String> SERVICES = List.of(SCHEDULER, WORKER, STORAGE, VERIFIER, NOTIFIER);

    /** Writing records to a topic, or reading them (with the consumer group, if any, that commits the offsets). */
    public enum Access { WRITE, READ }

    /**
     * One right of one principal.
     *
     * @param group for {@link Access#READ}: the consumer group the reader commits in, or null for a
     *              reader without a group (the targets topic is read from its beginning by each instance)
     */
    public record Grant(String principal, Access access, String topic, String group) {
    }

    /** A topic the broker holds, whether it keeps only each key's latest record, and its partitions. */
    public record TopicSpec(String name, boolean compacted, int partitions) {
    }

    /** Partitions of a topic: the services' least (vigil-common.yml's minPartitionCount). */
    public static final int PARTITIONS = 3;

    /**
     * Partitions of the topics whose work scales out to many processes: backup requests (dump workers) and stored
     * backups (verifiers). A consumer group uses at most one process per partition, so this bounds the workers and the
     * verifiers that can share the work (the dump workers' autoscaler's most replicas).
     */
    public static final int SCALED_OUT_PARTITIONS = 12;

    private static final Map<String, List<String>> WRITES = Map.of(
            // BACKUP_FAILED: an outside runner's report that its dump failed (PATCH /api/v1/jobs/{jobId}).
            SCHEDULER, List.of(Topics.TARGETS, Topics.BACKUP_REQUESTED, Topics.ACCESS_GRANTED, Topics.REQUEST_AUDITED, Topics.RESTORE_REQUESTED,
                    Topics.BACKUP_FAILED),
            WORKER, List.of(Topics.DUMP_STARTED, Topics.DUMP_PROGRESSED, Topics.ARTIFACT_CREATED, Topics.BACKUP_FAILED, Topics.DRY_RUN_CHECKED),
            STORAGE, List.of(Topics.ARTIFACT_STORED, Topics.RETENTION_APPLIED, Topics.COPIES_CHECKED, Topics.BACKUP_FAILED,
                    Topics.RECHECK_REQUESTED, Topics.REQUEST_AUDITED, Topics.DRY_RUN_CHECKED),
            VERIFIER, List.of(Topics.BACKUP_VERIFIED, Topics.RESTORE_COMPLETED, Topics.BACKUP_FAILED, Topics.BACKUP_RECHECKED,
                    Topics.REQUEST_AUDITED, Topics.DRY_RUN_CHECKED),
            NOTIFIER, List.of(Topics.REQUEST_AUDITED));

    private static final Map<String, List<String>> READS = Map.of(
            SCHEDULER, List.of(Topics.BACKUP_REQUESTED, Topics.DUMP_STARTED, Topics.DUMP_PROGRESSED, Topics.ARTIFACT_CREATED,
                    Topics.ARTIFACT_STORED, Topics.BACKUP_VERIFIED, Topics.BACKUP_FAILED, Topics.REQUEST_AUDITED, Topics.RESTORE_COMPLETED,
                    Topics.DRY_RUN_CHECKED),
            WORKER, List.of(Topics.BACKUP_REQUESTED),
            // DRY_RUN_CHECKED: the worker's part of a dry run, which the storage and verification services answer.
            STORAGE, List.of(Topics.ARTIFACT_CREATED, Topics.BACKUP_VERIFIED, Topics.BACKUP_RECHECKED, Topics.DRY_RUN_CHECKED),
            VERIFIER, List.of(Topics.ARTIFACT_STORED, Topics.RESTORE_REQUESTED, Topics.RECHECK_REQUESTED, Topics.DRY_RUN_CHECKED),
            NOTIFIER, List.of(Topics.ARTIFACT_STORED, Topics.BACKUP_VERIFIED, Topics.BACKUP_FAILED, Topics.RETENTION_APPLIED,
                    Topics.COPIES_CHECKED, Topics.BACKUP_RECHECKED));

    private BrokerRights() {
    }

    /**
     * The services' rights. Each service's consumer group is its name, and it writes the dead-letter
     * topic of every topic it reads ({@link Topics#deadLetter}).
     */
    public static List<Grant> services() {
        List<Grant> grants = new ArrayList<>();
        for (String service : SERVICES) {
            for (String topic : WRITES.get(service)) {
                grants.add(new Grant(service, Access.WRITE, topic, null));
            }
            grants.add(new Grant(service, Access.READ, Topics.TARGETS, null));
            grants.add(new Grant(service, Access.READ, Topics.ACCESS_GRANTED, null));
            for (String topic : READS.get(service)) {
                grants.add(new Grant(service, Access.READ, topic, service));
                grants.add(new Grant(service, Access.WRITE, Topics.deadLetter(topic, service), null));
            }
        }
        return List.copyOf(grants);
    }

    /** A team's rights: publishing {@code BackupRequested} for its databases, nothing else. */
    public static List<Grant> team(String principal) {
        if (SERVICES.contains(principal)) {
            throw new IllegalArgumentException(principal + " is a service's principal, not a team's");
        }
        return List.of(new Grant(principal, Access.WRITE, Topics.BACKUP_REQUESTED, null));
    }

    /**
     * Every topic the services use, dead-letter topics included. An administrator creates them (the
     * embedded broker at start-up, a deployment's setup job), so no service needs the right to create topics.
     */
    public static List<TopicSpec> topics() {
        Set<String> names = new LinkedHashSet<>(Topics.ALL);
        services().forEach(grant -> names.add(grant.topic()));
        return names.stream().map(name -> new TopicSpec(name, name.equals(Topics.TARGETS) || name.equals(Topics.ACCESS_GRANTED),
                name.equals(Topics.BACKUP_REQUESTED) || name.equals(Topics.ARTIFACT_STORED) ? SCALED_OUT_PARTITIONS : PARTITIONS)).toList();
    }
}
