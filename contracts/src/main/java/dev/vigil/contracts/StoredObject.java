package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a stored artifact lives. */
@JsonClassDescription("Where a stored artifact lives.")
public record StoredObject(
        @JsonPropertyDescription("Destination name from the storage service's settings") String destination,
        @JsonPropertyDescription("The bucket; for a filesystem destination, its root directory") String bucket,
        @JsonPropertyDescription("The object's key; for a filesystem destination, the path under the root") String key) {

    public StoredObject {
        Events.required(destination, "location.destination");
        Events.required(bucket, "location.bucket");
        Events.required(key, "location.key");
    }
}
