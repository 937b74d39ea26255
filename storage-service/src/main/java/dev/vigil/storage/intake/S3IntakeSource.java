package dev.vigil.storage.intake;

import dev.vigil.storage.destination.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** An object in one of the target's S3 destinations, read with that destination's own client and credentials. */
final class S3IntakeSource implements IntakeSource {

    private final ArtifactStore store;
    private final IntakeUrl url;

    S3IntakeSource(ArtifactStore store, IntakeUrl url) {
        this.store = store;
        this.url = url;
    }

    @Override
    public Head head(int length) throws IntakeRefused {
        try (ArtifactStore.Opened opened = store.open(url.bucket(), url.key(), 0, length - 1)) {
            return new Head(opened.in().readNBytes(length), opened.objectSize());
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                throw IntakeRefused.unusable("the object at " + url.shown() + " is empty; upload the whole dump made with pg_dump -Fc");
            }
            if (e.statusCode() == 404) {
                throw IntakeRefused.unusable("no object at " + url.shown() + " (" + code(e) + "); upload the dump there first, or correct the key");
            }
            if (e.statusCode() == 403) {
                throw IntakeRefused.unusable("the storage service may not read " + url.shown() + " (access denied); grant its credentials "
                        + "s3:GetObject on the intake prefix, or check the object's owner");
            }
            throw new IntakeRefused(502, "the object store answered " + e.statusCode() + " (" + code(e) + ") for " + url.shown()
                    + "; try again later");
        } catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException e) {
            throw new IntakeRefused(504, "the object store did not answer in time for " + url.shown() + "; try again later");
        } catch (SdkClientException | IOException e) {
            throw new IntakeRefused(e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timed out") ? 504 : 502,
                    "could not read " + url.shown() + " (" + e.getMessage() + "); try again later");
        }
    }

    @Override
    public InputStream open() throws IOException {
        try {
            return store.open(url.bucket(), url.key(), 0, -1).in();
        } catch (S3Exception e) {
            boolean lasting = e.statusCode() == 404 || e.statusCode() == 403 || e.statusCode() == 416;
            throw new Unreadable(e.statusCode() == 404 ? "the object " + url.shown() + " is gone: it was deleted or moved after the "
                    + "registration was accepted; upload it again and register it against a new job"
                    : "the object store answered " + e.statusCode() + " (" + code(e) + ") for " + url.shown()
                            + (lasting ? "; check the storage service's rights on the intake prefix, then register the dump against a new job" : ""),
                    lasting, e);
        } catch (SdkClientException e) {
            throw new Unreadable("could not read " + url.shown() + ": " + e.getMessage(), false, e);
        }
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? String.valueOf(e.statusCode())
                : e.awsErrorDetails().errorCode();
    }
}
