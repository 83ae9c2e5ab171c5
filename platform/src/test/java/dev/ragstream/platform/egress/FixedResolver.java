package dev.ragstream.platform.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A resolver with fixed answers (IP literals, never looked up) that counts the questions it gets. */
final class FixedResolver implements DnsResolver {

    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> questions = new ConcurrentHashMap<>();

    FixedResolver map(String host, String... literals) {
        answers.put(host, List.of(literals));
        return this;
    }

    int questions(String host) {
        return questions.getOrDefault(host, new AtomicInteger()).get();
    }

    int questions() {
        return questions.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        questions.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        List<String> literals = answers.get(host);
        if (literals == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] addresses = new InetAddress[literals.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = InetAddress.getByAddress(host, InetAddress.getByName(literals.get(i)).getAddress());
        }
        return addresses;
    }
}
