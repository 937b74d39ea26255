package dev.vigil.storage.destination;

import dev.vigil.contracts.TargetId;
import dev.vigil.objectstore.S3Clients;
import dev.vigil.objectstore.S3Settings;
import dev.vigil.storage.StorageProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The primary destination and the replicas: the primary holds every backup (the verifier restores
 * it); each replica holds a copy of the backups of the targets it names, or of every target.
 */
public final class Destinations implements AutoCloseable {

    private record Replica(Destination destination, List<String> targets) {
    }

    private final Destination primary;
    private final List<Replica> replicas = new ArrayList<>();
    private final List<S3Client> clients = new ArrayList<>();

    /**
     * The destinations {@code vigil.storage.*} describes. The primary's S3 client is the caller's
     * (it outlives this); the replicas' clients are made here and closed by {@link #close()}.
     */
    public Destinations(StorageProperties properties, S3Client primaryClient) {
        this.primary = new Destination(properties.destination(), new S3ArtifactStore(primaryClient, properties.bucket(),
                properties.createBucket(), properties.partSizeMb() * 1024 * 1024, properties.maxParts(),
                new ObjectOptions(properties.serverSideEncryption(), properties.kmsKeyId(), properties.storageClass(), properties.objectLockMode())),
                properties.prefix(), new StoreGuard(properties.destination(), properties.upload()));
        List<String> names = new ArrayList<>(List.of(primary.name()));
        for (StorageProperties.Replica replica : properties.replicas()) {
            if (names.contains(replica.name())) {
                throw new IllegalArgumentException("two destinations are named '" + replica.name() + "'; give each replica a name of its own");
            }
            names.add(replica.name());
            ArtifactStore store;
            if (replica.path() != null) {
                store = new FilesystemStore(replica.path());
            } else {
                S3Client s3 = S3Clients.create(new S3Settings(replica.endpoint(), replica.region(), replica.pathStyle(), properties.s3Timeouts()));
                clients.add(s3);
                store = new S3ArtifactStore(s3, replica.bucket(), replica.createBucket(), properties.partSizeMb() * 1024 * 1024,
                        properties.maxParts(), new ObjectOptions(replica.serverSideEncryption(), replica.kmsKeyId(), replica.storageClass(),
                        replica.objectLockMode()));
            }
            replicas.add(new Replica(new Destination(replica.name(), store, replica.prefix(), new StoreGuard(replica.name(), properties.upload())),
                    replica.targets()));
        }
    }

    public Destination primary() {
        return primary;
    }

    /** Where a target's backups go: the primary first, then its replicas. */
    public List<Destination> forTarget(TargetId target) {
        List<Destination> all = new ArrayList<>(List.of(primary));
        replicas.stream().filter(r -> r.targets().isEmpty() || r.targets().contains(target.value())).map(Replica::destination).forEach(all::add);
        return List.copyOf(all);
    }

    public Optional<Destination> named(String name) {
        return all().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public List<Destination> all() {
        List<Destination> all = new ArrayList<>(List.of(primary));
        replicas.forEach(r -> all.add(r.destination()));
        return List.copyOf(all);
    }

    @Override
    public void close() {
        clients.forEach(S3Client::close);
    }
}
