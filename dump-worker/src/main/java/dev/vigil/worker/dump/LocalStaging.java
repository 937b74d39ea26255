package dev.vigil.worker.dump;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.json.EventJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Staging in a local directory: {@code <dir>/<targetId>/<jobId>.dump}, written as {@code .partial}
 * and renamed when complete, with the descriptor {@code <jobId>.json} beside it.
 */
final class LocalStaging implements Staging {

    private final Path directory;

    LocalStaging(Path directory) {
        this.directory = directory;
    }

    @Override
    public Optional<ArtifactCreated> find(BackupRequested request) throws IOException {
        Path descriptor = file(request, ".json");
        if (Files.exists(descriptor) && Files.exists(file(request, ".dump"))) {
            return Optional.of(EventJson.read(Files.readAllBytes(descriptor), ArtifactCreated.class));
        }
        return Optional.empty();
    }

    @Override
    public Write open(BackupRequested request, String extension) throws IOException {
        Path artifact = file(request, ".dump");
        Files.createDirectories(artifact.getParent());
        Path partial = artifact.resolveSibling(artifact.getFileName() + ".partial");
        OutputStream out = Files.newOutputStream(partial);
        return new Write() {
            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public Path workDir() {
                return partial.getParent();
            }

            @Override
            public ArtifactCreated commit(Artifact created) throws IOException {
                out.close();
                Files.move(partial, artifact, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                ArtifactCreated event = ArtifactCreated.now(request.jobId(), request.targetId(), artifact.toUri().toString(), created);
                Files.writeString(file(request, ".json"), EventJson.writeString(event));
                return event;
            }

            @Override
            public void close() throws IOException {
                out.close();
                Files.deleteIfExists(partial);
            }
        };
    }

    private Path file(BackupRequested request, String suffix) {
        return directory.resolve(request.targetId().value()).resolve(request.jobId() + suffix);
    }
}
