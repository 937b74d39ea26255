package dev.vigil.codec;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The encryption keys a process holds, by id: the dump worker encrypts under one of them, the
 * verifier decrypts with whichever an artifact names, so keys rotate by adding a new id and keeping
 * the old ones as long as backups made with them are kept. Given by reference, as
 * {@code id:base64-of-32-bytes[,id:...]} (e.g. in {@code VIGIL_ENCRYPTION_KEYS}); never printed. A
 * reader may also hold age identities for artifacts encrypted to an age recipient.
 * Immutable, thread-safe.
 */
public final class Keyring {

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Map<String, SecretKey> keys;
    private final Map<String, AgeIdentity> ageIdentities;

    private Keyring(Map<String, SecretKey> keys, Map<String, AgeIdentity> ageIdentities) {
        this.keys = Map.copyOf(keys);
        this.ageIdentities = Map.copyOf(ageIdentities);
    }

    private Keyring(Map<String, SecretKey> keys) {
        this(keys, Map.of());
    }

    public static Keyring empty() {
        return new Keyring(Map.of());
    }

    /**
     * This keyring with age identities added, each under its recipient's key id
     * ({@code age:...}, see {@link AgeRecipient#id()}), for artifacts encrypted to an age recipient.
     */
    public Keyring withAgeIdentities(java.util.Collection<AgeIdentity> identities) {
        Map<String, AgeIdentity> added = new LinkedHashMap<>(ageIdentities);
        for (AgeIdentity identity : identities) {
            added.put(identity.recipient().id(), identity);
        }
        return new Keyring(keys, added);
    }

    /** Parses {@code id:base64key,...}; a mistake is named by key id and position, never by key material. */
    public static Keyring parse(String spec) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return empty();
        }
        String[] entries = spec.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int colon = entry.indexOf(':');
            String where = "encryption key #" + (i + 1);
            if (colon < 1) {
                throw new IllegalArgumentException(where + " is not of the form id:base64key");
            }
            String id = entry.substring(0, colon);
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(where + ": the id may hold letters, digits, '.', '_' and '-' (at most 64)");
            }
            byte[] material;
            try {
                material = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("encryption key '" + id + "' is not valid base64");
            }
            if (material.length != 32) {
                throw new IllegalArgumentException("encryption key '" + id + "' has " + material.length
                        + " bytes; AES-256 needs 32 (e.g. openssl rand -base64 32)");
            }
            if (keys.put(id, new SecretKeySpec(material, "AES")) != null) {
                throw new IllegalArgumentException("encryption key '" + id + "' is given twice");
            }
        }
        return new Keyring(keys);
    }

    public Optional<SecretKey> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    public Optional<AgeIdentity> ageIdentity(String id) {
        return Optional.ofNullable(ageIdentities.get(id));
    }

    /** The key ids of the age identities held ({@code age:...}), for messages. */
    public java.util.Set<String> ageIds() {
        return ageIdentities.keySet();
    }

    /** The AES key ids held, for messages. */
    public java.util.Set<String> ids() {
        return keys.keySet();
    }

    @Override
    public String toString() {
        return "Keyring" + keys.keySet() + (ageIdentities.isEmpty() ? "" : " + age identities " + ageIdentities.keySet());
    }
}
