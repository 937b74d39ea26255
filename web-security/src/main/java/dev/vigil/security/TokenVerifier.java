package dev.vigil.security;

import dev.vigil.contracts.AccessGranted;
import java.util.Optional;

/**
 * Where the grants of access tokens are looked up. In every service but the scheduler: the access
 * topic ({@link AccessGrants}); in the scheduler, which creates them, its own table.
 */
public interface TokenVerifier {

    /** The live grant of a token id (not revoked; expiry is checked by the caller); empty when unknown. */
    Optional<AccessGranted> grant(String tokenId) throws InterruptedException;
}
