package dev.vigil.storage.destination;

/**
 * How a destination asks the store to keep objects: server-side encryption ({@code AES256} or
 * {@code aws:kms} with a key id) and storage class, empty strings leaving the bucket's defaults; and
 * the Object Lock mode of the retain-until dates set where the bucket has Object Lock
 * ({@code GOVERNANCE}, {@code COMPLIANCE}, or {@code OFF} to set none).
 */
record ObjectOptions(String serverSideEncryption, String kmsKeyId, String storageClass, String objectLockMode) {

    static final ObjectOptions DEFAULTS = new ObjectOptions("", "", "");

    ObjectOptions(String serverSideEncryption, String kmsKeyId, String storageClass) {
        this(serverSideEncryption, kmsKeyId, storageClass, "GOVERNANCE");
    }

    public ObjectOptions {
        serverSideEncryption = serverSideEncryption == null ? "" : serverSideEncryption;
        kmsKeyId = kmsKeyId == null ? "" : kmsKeyId;
        storageClass = storageClass == null ? "" : storageClass;
        objectLockMode = objectLockMode == null || objectLockMode.isBlank() ? "GOVERNANCE" : objectLockMode.strip().toUpperCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("GOVERNANCE", "COMPLIANCE", "OFF").contains(objectLockMode)) {
            throw new IllegalArgumentException("object-lock-mode must be GOVERNANCE, COMPLIANCE or OFF, got: " + objectLockMode);
        }
        if (!serverSideEncryption.isEmpty() && !serverSideEncryption.equals("AES256") && !serverSideEncryption.equals("aws:kms")) {
            throw new IllegalArgumentException("server-side-encryption must be AES256 or aws:kms, got: " + serverSideEncryption);
        }
        if (!kmsKeyId.isEmpty() && !serverSideEncryption.equals("aws:kms")) {
            throw new IllegalArgumentException("kms-key-id is set but server-side-encryption is not aws:kms");
        }
    }
}
