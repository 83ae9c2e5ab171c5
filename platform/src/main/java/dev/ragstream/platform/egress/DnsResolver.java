package dev.ragstream.platform.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a host name into the addresses it stands for. The fetcher validates every address it
 * returns and connects only to those, so a resolver never decides what is safe. Tests substitute
 * one to make a name point at loopback or metadata addresses without touching the system resolver.
 *
 * <p>A lookup cannot be interrupted: the fetch's deadline is checked when it returns, so a
 * resolver that blocks longer than the deadline makes the fetch overrun it by that much.
 */
@FunctionalInterface
public interface DnsResolver {

    /**
     * Resolves {@code host}: an ASCII host name in lower case (never an IP literal).
     *
     * @return at least one address
     * @throws UnknownHostException when the name does not resolve
     */
    InetAddress[] resolve(String host) throws UnknownHostException;

    /** The JVM's resolver (the operating system's, behind the JVM's address cache). */
    static DnsResolver system() {
        return InetAddress::getAllByName;
    }
}
