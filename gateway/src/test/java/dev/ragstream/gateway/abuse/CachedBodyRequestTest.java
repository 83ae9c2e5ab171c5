package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class CachedBodyRequestTest {

    @Test
    void theControllerReadsTheSameBytesAsOftenAsItLikes() throws IOException {
        MockHttpServletRequest original = request("{\"message\": \"grüße\"}");
        byte[] body = CachedBodyRequest.read(original, 1024);
        CachedBodyRequest cached = new CachedBodyRequest(original, body);

        assertThat(cached.getInputStream().readAllBytes()).isEqualTo(body);
        assertThat(cached.getReader().readLine()).isEqualTo("{\"message\": \"grüße\"}");
        assertThat(cached.getContentLengthLong()).isEqualTo(body.length);
    }

    @Test
    void refusesBodiesOverTheLimitWhetherDeclaredOrNot() throws IOException {
        MockHttpServletRequest declared = request("x".repeat(11));
        assertThatThrownBy(() -> CachedBodyRequest.read(declared, 10)).isInstanceOf(CachedBodyRequest.TooLargeException.class);

        MockHttpServletRequest undeclared = new MockHttpServletRequest() {
            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        undeclared.setContent("x".repeat(11).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> CachedBodyRequest.read(undeclared, 10)).isInstanceOf(CachedBodyRequest.TooLargeException.class);

        assertThat(CachedBodyRequest.read(request("x".repeat(10)), 10)).hasSize(10);
    }

    private static MockHttpServletRequest request(String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/chat");
        request.setCharacterEncoding("UTF-8");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }
}
