package dev.vigil.storage.intake;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The guard against server-side request forgery: an https intake may only reach hosts whose every
 * address is public, so an operator cannot make the storage service read its own network (cloud
 * metadata at 169.254.169.254, the services' database, an admin port on loopback) and learn from its
 * answers. Checked before each request, redirects included.
 */
final class PublicHosts {

    private PublicHosts() {
    }

    /** The first address of {@code host} that is not public; empty when all are. */
    static Optional<InetAddress> firstPrivate(String host) throws UnknownHostException {
        for (InetAddress address : InetAddress.getAllByName(host)) {
            if (isPrivate(address)) {
                return Optional.of(address);
            }
        }
        return Optional.empty();
    }

    static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            // 0.0.0.0/8 ("this network") and 100.64.0.0/10 (shared address space, carrier-grade NAT)
            return first == 0 || (first == 100 && second >= 64 && second <= 127);
        }
        if (address instanceof Inet6Address) {
            // fc00::/7, unique local addresses: IPv6's private networks (isSiteLocalAddress knows only the retired fec0::/10)
            return (b[0] & 0xfe) == 0xfc;
        }
        return false;
    }
}
