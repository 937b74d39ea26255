/**
 * Sign-in for every service's HTTP endpoints: bearer access tokens (created by an admin through the
 * scheduler, announced on the compacted access topic, checked here against the SHA-256 of their
 * secret), the three roles, each service's {@link dev.vigil.security.AccessRule}s, problem JSON for
 * 401 and 403, and the audit of every signed-in state-changing request. Auto-configured in every
 * service that serves HTTP.
 */
@NullMarked
package dev.vigil.security;

import org.jspecify.annotations.NullMarked;
