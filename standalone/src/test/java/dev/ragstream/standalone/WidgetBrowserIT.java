package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ragstream.testsupport.fixtures.Fixtures;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The seed's widgets in a real browser (Debian's headless Chromium): a tenant's web site on
 * another origin embeds {@code /customer-widget.js} or {@code /chat-widget.js} from the gateway,
 * a visitor opens it, asks, and reads the streamed answer with its sources; the customer widget
 * shows its stored settings and takes an inquiry through its lead form.
 */
class WidgetBrowserIT {

    private static final String VACATION = "How many vacation days do employees get?";

    @TempDir
    static Path home;

    static HttpServer site;
    static String siteOrigin;
    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;
    static GatewayClient gateway;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        siteOrigin = "http://127.0.0.1:" + site.getAddress().getPort();
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.rewrite(tenants.create("site"), Map.of("ALLOWED_ORIGINS", siteOrigin));
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());
        TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, tenant, "handbook.md", Fixtures.bytes(Fixtures.HANDBOOK));
        assertThat(gateway.admin("PUT", "/admin/widgets/support", tenant.id(), tenant.adminKey(), """
                {"title": "Handbook help", "greeting": "Hi! Ask me about the handbook.", "placeholder": "Your question",
                 "primary_color": "#aa3300", "lead_form": true, "lead_form_text": "Or write to HR directly."}""").status())
                .isEqualTo(200);
        page("/customer.html", "window.RAG_CHATBOT_TENANT = '" + tenant.id() + "'; window.RAG_CHATBOT_WIDGET_KEY = 'support';",
                "/customer-widget.js");
        page("/chat.html", "window.RAG_CHATBOT_TENANT = '" + tenant.id() + "'; window.RAG_CHATBOT_API = '/chat';"
                + " window.RAG_CHATBOT_API_KEY = '" + tenant.chatKey() + "';", "/chat-widget.js");
        site.start();
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build(), options);
    }

    /** A page of the tenant's site that sets the widget's globals and loads {@code script} from the gateway. */
    private static void page(String path, String globals, String script) {
        byte[] html = ("<!doctype html><html><head><title>Site</title></head><body><h1>Our site</h1>"
                + "<script>" + globals + "</script><script src=\"" + system.gatewayUrl() + script + "\"></script></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        site.createContext(path, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (site != null) {
            site.stop(0);
        }
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
    }

    @Test
    void theCustomerWidgetShowsItsSettingsAnswersWithSourcesAndTakesAnInquiry() {
        SearchContext widget = open("/customer.html", "customer");

        assertThat(widget.findElement(By.cssSelector(".title")).getText()).isEqualTo("Handbook help");
        assertThat(widget.findElement(By.cssSelector(".msg.assistant")).getText()).isEqualTo("Hi! Ask me about the handbook.");
        assertThat(widget.findElement(By.cssSelector("form.ask input")).getAttribute("placeholder")).isEqualTo("Your question");
        WebElement answer = ask(widget, VACATION);
        assertThat(answer.findElement(By.cssSelector(".sources")).getText()).isEqualTo("Sources: handbook.md");
        assertThat(answer.findElements(By.cssSelector("blockquote strong")).stream().map(WebElement::getText))
                .as("the answer's Markdown (quoted passages) is rendered, not shown raw").contains("27 days of paid vacation");
        assertThat(answer.getText()).doesNotContain("**").doesNotContain("\n>");

        widget.findElement(By.cssSelector(".leadlink")).click();
        WebElement lead = widget.findElement(By.cssSelector("form.lead"));
        assertThat(lead.getText()).contains("Or write to HR directly.");
        lead.findElement(By.name("name")).sendKeys("Grace Visitor");
        lead.findElement(By.name("email")).sendKeys("grace@example.com");
        lead.findElement(By.name("message")).sendKeys("Please call me about the vacation policy.");
        lead.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(() -> lead.findElement(By.cssSelector(".status")).getText().startsWith("Thank you"));

        GatewayClient.Reply inquiries = gateway.admin("GET", "/admin/inquiries", tenant.id(), tenant.adminKey(), null);
        assertThat(inquiries.status()).isEqualTo(200);
        assertThat(inquiries.body().toString()).contains("Grace Visitor", "grace@example.com");
    }

    @Test
    void theChatWidgetAnswersThroughChatWithTheTenantsKeyAndStartsNewConversations() {
        SearchContext widget = open("/chat.html", "chat");

        WebElement answer = ask(widget, VACATION);
        assertThat(answer.getText()).contains("27 days of paid vacation").contains("Sources: handbook.md");
        assertThat(widget.findElements(By.cssSelector(".msg.user"))).hasSize(1);

        widget.findElement(By.cssSelector("button.new")).click();
        assertThat(widget.findElements(By.cssSelector(".msg.user"))).as("a new conversation starts empty").isEmpty();
        assertThat(ask(widget, VACATION).getText()).contains("Sources: handbook.md");
    }

    /** Loads {@code path} of the site, waits for the widget and opens it; its shadow root. */
    private static SearchContext open(String path, String mode) {
        browser.get(siteOrigin + path);
        waitFor(() -> !browser.findElements(By.cssSelector("[data-ragstream-widget=" + mode + "]")).isEmpty());
        SearchContext widget = browser.findElement(By.cssSelector("[data-ragstream-widget=" + mode + "]")).getShadowRoot();
        widget.findElement(By.cssSelector(".launcher")).click();
        waitFor(() -> widget.findElement(By.cssSelector(".panel")).isDisplayed());
        return widget;
    }

    /** Asks {@code question} and waits for the complete answer (its sources come last); the answer's element. */
    private static WebElement ask(SearchContext widget, String question) {
        int before = widget.findElements(By.cssSelector(".msg")).size();
        widget.findElement(By.cssSelector("form.ask input")).sendKeys(question);
        widget.findElement(By.cssSelector("button.send")).click();
        waitFor(() -> {
            List<WebElement> messages = widget.findElements(By.cssSelector(".msg"));
            return messages.size() >= before + 2 && (!messages.get(messages.size() - 1).findElements(By.cssSelector(".sources")).isEmpty()
                    || messages.get(messages.size() - 1).getAttribute("class").contains("error"));
        });
        List<WebElement> messages = widget.findElements(By.cssSelector(".msg"));
        WebElement answer = messages.get(messages.size() - 1);
        assertThat(answer.getAttribute("class")).as(answer.getText()).doesNotContain("error");
        return answer;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> condition.getAsBoolean());
    }
}
