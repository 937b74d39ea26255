package dev.vigil.storage.store;

/**
 * How a destination asks the store to keep objects: server-side encryption ({@code AES256} or
 * {@code aws:kms} with a key id) and storage class; empty strings leave the bucket's defaults.
 */
public record ObjectOptions(String serverSideEncryption, String kmsKeyId, String storageClass) {

    public static final ObjectOptions DEFAULTS = new ObjectOptions("", "", "");

    public ObjectOptions {
        serverSideEncryption = serverSideEncryption == null ? "" : serverSideEncryption;
        kmsKeyId = kmsKeyId == null ? "" : kmsKeyId;
        storageClass = storageClass == null ? "" : storageClass;
        if (!serverSideEncryption.isEmpty() && !serverSideEncryption.equals("AES256") && !serverSideEncryption.equals("aws:kms")) {
            throw new IllegalArgumentException("server-side-encryption must be AES256 or aws:kms, got: " + serverSideEncryption);
        }
        if (!kmsKeyId.isEmpty() && !serverSideEncryption.equals("aws:kms")) {
            throw new IllegalArgumentException("kms-key-id is set but server-side-encryption is not aws:kms");
        }
    }
}
