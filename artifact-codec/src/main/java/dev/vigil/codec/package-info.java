/**
 * How an artifact's bytes are wrapped on their way from pg_dump to staging and back: compression
 * (zstd, gzip or none) inside encryption, either segmented AES-256-GCM under a per-artifact key
 * derived from a named keyring key, or a standard age file encrypted to an X25519 recipient, so a
 * writer can hold only a public key. Everything streams; nothing holds a whole artifact in memory.
 * {@link dev.vigil.codec.ArtifactCodec} is the entry point. No Spring.
 */
package dev.vigil.codec;
