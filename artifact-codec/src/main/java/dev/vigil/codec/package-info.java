/**
 * How an artifact's bytes are wrapped on their way from pg_dump to staging and back: compression
 * (zstd, gzip or none) inside segmented AES-256-GCM encryption under a named key. Everything
 * streams; nothing holds a whole artifact in memory. {@link dev.vigil.codec.ArtifactCodec} is the
 * entry point. No Spring.
 */
package dev.vigil.codec;
