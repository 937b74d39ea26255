package dev.vigil.contracts;

/** What is wrong with one stored copy of a backup, found when the storage service checked it again at rest. */
public enum CopyFault {
    /** Nothing is under the copy's key any more: deleted out of band (or, where the bucket is versioned, hidden by a delete marker). */
    MISSING,
    /** The object under the key is not the backup that was stored: its SHA-256 (or size) differs from the one recorded when it was stored. */
    ALTERED,
    /** The copy could not be read to the end: the store refused it, did not answer, or the read broke; whether it is whole is unknown. */
    UNREADABLE,
    /** The copy's Object Lock retain-until date is earlier than the one the storage service set, or gone. */
    LOCK_SHORTENED
}
