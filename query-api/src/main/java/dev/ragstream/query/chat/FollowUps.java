package dev.ragstream.query.chat;

import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.query.llm.LlmChat;
import dev.ragstream.query.llm.LlmRefusedException;
import dev.ragstream.query.llm.LlmSettings;
import dev.ragstream.query.llm.LlmUnavailableException;
import dev.ragstream.query.llm.Turn;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What to search for when a question follows earlier turns ("and for part-timers?"): the tenant's
 * language model rewrites it into a question that stands on its own; without a model — or when the
 * model cannot answer — a short follow-up is searched together with the previous question.
 */
@Component
class FollowUps {

    static final String SYSTEM = "You rewrite the last question of a conversation so that it can be understood without"
            + " the conversation: resolve pronouns and references from the earlier turns, keep the language and every"
            + " name, number and code. Reply with the rewritten question only, nothing else.";
    private static final int SHORT_QUESTION_WORDS = 8;
    private static final Logger log = LoggerFactory.getLogger(FollowUps.class);

    private final LlmChat llm;
    private final TenantMetrics metrics;

    FollowUps(LlmChat llm, TenantMetrics metrics) {
        this.llm = llm;
        this.metrics = metrics;
    }

    /** The text to retrieve passages for: {@code question} itself when there are no earlier turns. */
    String standalone(Tenant tenant, Optional<LlmSettings> model, List<Turn> recent, String question) {
        if (recent.isEmpty()) {
            return question;
        }
        if (model.isPresent()) {
            try {
                LlmChat.Completion rewritten = llm.chat(model.get(), SYSTEM, List.of(), conversation(recent, question), piece -> {
                });
                metrics.add("chat.tokens", tenant.id().value(), rewritten.inputTokens(), "kind", "input",
                        "provider", model.get().provider());
                metrics.add("chat.tokens", tenant.id().value(), rewritten.outputTokens(), "kind", "output",
                        "provider", model.get().provider());
                String text = rewritten.text().strip();
                if (!text.isEmpty() && text.length() <= 4 * question.length() + 200) {
                    return text;
                }
            } catch (LlmUnavailableException | LlmRefusedException e) {
                log.warn("Tenant {}: cannot rewrite a follow-up question ({}); searching with the previous one",
                        tenant.id(), e.getMessage());
            }
        }
        return withPreviousQuestion(recent, question);
    }

    /** A short follow-up is searched together with the previous question; a longer one stands alone. */
    static String withPreviousQuestion(List<Turn> recent, String question) {
        if (question.split("\\s+").length >= SHORT_QUESTION_WORDS) {
            return question;
        }
        for (int i = recent.size() - 1; i >= 0; i--) {
            if (recent.get(i).fromUser()) {
                return recent.get(i).content() + "\n" + question;
            }
        }
        return question;
    }

    private static String conversation(List<Turn> recent, String question) {
        StringBuilder out = new StringBuilder("Conversation:\n");
        for (Turn turn : recent) {
            out.append(turn.fromUser() ? "User: " : "Assistant: ").append(turn.content().strip()).append('\n');
        }
        return out.append("\nLast question: ").append(question).toString();
    }
}
