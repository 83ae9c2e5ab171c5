package dev.ragstream.platform.egress;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The one client for fetching URLs that someone else supplied. For the URL and for every redirect
 * it parses strictly, resolves the host once, refuses the hop if any address is not public (unless
 * the policy allow-lists the host, and never for link-local or metadata addresses), and then
 * connects to exactly the addresses it validated: a DNS answer that changes between check and
 * connect cannot redirect it. Speaks HTTP/1.1 itself over that socket, with TLS (SNI and hostname
 * verification) for https. One deadline covers the whole fetch, the body included.
 *
 * <p>Immutable and thread-safe; every fetch uses its own connection.
 */
public final class SafeFetcher {

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final EgressPolicy policy;
    private final DnsResolver resolver;
    private final SocketOpener opener;
    private final SSLSocketFactory tls;

    /** Resolves with the system resolver. */
    public SafeFetcher(EgressPolicy policy) {
        this(policy, DnsResolver.system());
    }

    public SafeFetcher(EgressPolicy policy, DnsResolver resolver) {
        this(policy, resolver, SocketOpener.DIRECT, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    SafeFetcher(EgressPolicy policy, DnsResolver resolver, SocketOpener opener, SSLSocketFactory tls) {
        this.policy = policy;
        this.resolver = resolver;
        this.opener = opener;
        this.tls = tls;
    }

    public EgressPolicy policy() {
        return policy;
    }

    /**
     * GETs {@code url}, following up to {@link EgressPolicy#maxRedirects()} redirects.
     *
     * @return the 2xx response; the caller closes it
     * @throws EgressRefusedException for every refusal and failure, with a {@link Reason}; a final
     *                                non-2xx status is {@code http_error}
     */
    public FetchResponse fetch(String url) throws EgressRefusedException {
        Deadline deadline = Deadline.after(policy.deadline());
        EgressUrl target = EgressUrl.parse(url, policy);
        for (int redirects = 0; ; redirects++) {
            FetchResponse response = exchange(target, deadline);
            Optional<String> location = REDIRECTS.contains(response.status()) ? response.header("Location") : Optional.empty();
            if (location.isEmpty() && response.status() / 100 == 2) {
                return response;
            }
            closeQuietly(response);
            if (location.isEmpty()) {
                throw EgressRefusedException.httpError(target.origin(), response.status());
            }
            if (redirects == policy.maxRedirects()) {
                throw new EgressRefusedException(Reason.TOO_MANY_REDIRECTS, target.origin() + " redirected more than "
                        + policy.maxRedirects() + " times");
            }
            // header bytes arrive as ISO-8859-1; servers that send non-ASCII in Location send UTF-8
            target = target.resolve(new String(location.get().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8), policy);
        }
    }

    private FetchResponse exchange(EgressUrl target, Deadline deadline) throws EgressRefusedException {
        Socket socket = connect(target, validatedAddresses(target, deadline), deadline);
        try {
            InputStream in = new BufferedInputStream(new DeadlineInputStream(socket, deadline), 8 * 1024);
            Http1Exchange.writeRequest(socket.getOutputStream(), target, policy.userAgent());
            Http1Exchange.Head head = Http1Exchange.readHead(in, target.origin());
            // only a 2xx body is ever read; redirects and errors are judged by their head alone
            InputStream body = head.status() / 100 == 2
                    ? Http1Exchange.body(head, in, policy.maxBodySize().toBytes(), target.origin()) : InputStream.nullInputStream();
            return new FetchResponse(head.status(), target.toUri(), head.headers(), body, socket);
        } catch (EgressRefusedException e) {
            closeQuietly(socket);
            throw e;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new EgressRefusedException(Reason.CONNECTION_FAILED, target.origin() + ": the connection failed", e);
        }
    }

    private List<InetAddress> validatedAddresses(EgressUrl target, Deadline deadline) throws EgressRefusedException {
        List<InetAddress> addresses = target.literal() != null ? List.of(target.literal()) : resolve(target);
        deadline.remainingMillis();
        boolean allowListed = policy.allowsPrivateAddressesFor(target.host());
        for (InetAddress address : addresses) {
            AddressClass kind = AddressClassifier.classify(address);
            if (kind.blocked() && !(allowListed && kind.allowListable())) {
                String verb = target.literal() != null ? " is " : " resolves to ";
                throw new EgressRefusedException(Reason.ADDRESS_BLOCKED, target.origin() + ": " + target.host() + verb + kind.describe());
            }
        }
        return addresses;
    }

    /** Copies each answer down to its bytes: what is validated is exactly what is connected to. */
    private List<InetAddress> resolve(EgressUrl target) throws EgressRefusedException {
        try {
            InetAddress[] answers = resolver.resolve(target.host());
            if (answers == null || answers.length == 0) {
                throw new UnknownHostException(target.host());
            }
            List<InetAddress> addresses = new ArrayList<>(answers.length);
            for (InetAddress answer : answers) {
                addresses.add(InetAddress.getByAddress(answer.getAddress()));
            }
            return addresses;
        } catch (UnknownHostException | RuntimeException e) {
            throw new EgressRefusedException(Reason.UNRESOLVABLE_HOST, target.origin() + ": the host does not resolve", e);
        }
    }

    /** Tries the addresses in order, each with a fair share of the time left. */
    private Socket connect(EgressUrl target, List<InetAddress> addresses, Deadline deadline) throws EgressRefusedException {
        IOException last = null;
        for (int i = 0; i < addresses.size(); i++) {
            Socket socket = null;
            try {
                socket = opener.open(addresses.get(i), target.port(), Math.max(1, deadline.remainingMillis() / (addresses.size() - i)));
                return target.isHttps() ? handshake(socket, target, deadline) : socket;
            } catch (EgressRefusedException e) {
                closeQuietly(socket);
                throw e;
            } catch (IOException e) {
                closeQuietly(socket);
                last = e;
            }
        }
        deadline.remainingMillis();
        throw new EgressRefusedException(Reason.CONNECTION_FAILED, target.origin() + ": could not connect", last);
    }

    private Socket handshake(Socket plain, EgressUrl target, Deadline deadline) throws IOException {
        SSLSocket socket = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (target.literal() == null) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(target.host())));
            } catch (IllegalArgumentException e) {
                // valid DNS names with underscores are not valid SNI names; such hosts are verified without SNI
            }
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(deadline.remainingMillis());
        socket.startHandshake();
        return socket;
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException e) {
                // already failing or done; the connection is gone either way
            }
        }
    }
}
