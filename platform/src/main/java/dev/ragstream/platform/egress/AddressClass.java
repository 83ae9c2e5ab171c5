package dev.ragstream.platform.egress;

/** What kind of network an address belongs to, as far as outbound fetches are concerned. */
enum AddressClass {
    PUBLIC("a public", false),
    LOOPBACK("a loopback", true),
    PRIVATE("a private", true),
    SHARED("a carrier-grade NAT", true),
    BENCHMARKING("a benchmarking", true),
    UNSPECIFIED("an unspecified", false),
    LINK_LOCAL("a link-local", false),
    METADATA("a cloud metadata", false),
    MULTICAST("a multicast", false),
    BROADCAST("the broadcast", false),
    DOCUMENTATION("a documentation", false),
    RESERVED("a reserved", false);

    private final String article;
    private final boolean allowListable;

    AddressClass(String article, boolean allowListable) {
        this.article = article;
        this.allowListable = allowListable;
    }

    boolean blocked() {
        return this != PUBLIC;
    }

    /** Whether an operator's allow-listed host may reach it; never link-local or metadata. */
    boolean allowListable() {
        return allowListable;
    }

    /** For messages: "a loopback address". */
    String describe() {
        return article + " address";
    }
}
