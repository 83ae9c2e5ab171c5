package dev.ragstream.query.llm;

/** One message of a conversation: {@code role} is {@code user} or {@code assistant}. */
public record Turn(String role, String content) {

    public boolean fromUser() {
        return "user".equals(role);
    }
}
