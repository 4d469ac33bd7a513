package it.io.pullqueue.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import it.io.pullqueue.Chromium;
import it.io.pullqueue.Http;
import it.io.pullqueue.security.AuthServer.Who;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in headless Chromium: it signs in on a server that asks for credentials, keeps the key out of the
 * page's reach, is refused an action its role may not take; and another site's form post and cross-origin fetch
 * change nothing, also on a loopback server that needs no credential at all.
 */
@EnabledIf("it.io.pullqueue.Chromium#installed")
class ConsoleSignInIT {
    private static WebDriver browser;

    @BeforeAll
    static void start() {
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        browser.quit();
    }

    private static WebDriverWait waiting() {
        return Chromium.waiting(browser, Duration.ofSeconds(20));
    }

    @Test
    void aConsumerSignsInSeesItsQueuesAndIsRefusedAPause() {
        browser.manage().deleteAllCookies();
        browser.get(AuthServer.base() + "/console/");
        waiting()
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-key")))
                .sendKeys(Who.CONSUMER.key);
        browser.findElement(By.id("signin-submit")).click();
        List<String> shown = waiting().until(d -> {
            List<String> names = d.findElements(By.cssSelector("#queues tbody tr td:first-child")).stream()
                    .map(WebElement::getText)
                    .toList();
            return names.contains(AuthServer.OPEN) ? names : null;
        });
        assertFalse(shown.contains(AuthServer.ACL), "a queue whose acl does not list it is hidden: " + shown);

        Cookie session = browser.manage().getCookieNamed("pullqueue_session");
        assertTrue(session.isHttpOnly());
        assertEquals("Strict", session.getSameSite());
        assertEquals(
                "",
                ((JavascriptExecutor) browser).executeScript("return document.cookie"),
                "no script can read the session");
        assertTrue(!browser.getCurrentUrl().contains(Who.CONSUMER.key));

        browser.get(AuthServer.base() + "/console/#/queues/" + AuthServer.OPEN);
        waiting()
                .until(d -> d.findElement(By.id("view-queue")).isDisplayed()
                        && d.findElement(By.id("queue-name")).getText().equals(AuthServer.OPEN)
                        && d.findElement(By.id("pause")).isEnabled());
        browser.findElement(By.id("pause")).click();
        waiting()
                .until(ExpectedConditions.elementToBeClickable(By.id("confirm-ok")))
                .click();
        waiting().until(d -> d.findElement(By.id("error")).getText().contains("PERMISSION_DENIED"));
        assertEquals(
                false,
                AuthServer.get("/api/v1/queues/" + AuthServer.OPEN, Who.ADMIN)
                        .json()
                        .getBoolean("paused"));
    }

    @Test
    void anotherSitesFormPostAndFetchChangeNothingOnALoopbackServer() throws Exception {
        // The IT server needs no credential from this machine: only the cross-site checks stand in the way. The
        // other site is a page served by this test on another port of 127.0.0.1 (another origin).
        String q = "/api/v1/queues/" + AuthServer.OPEN;
        Http.post(q + ":resume", "");
        assertEquals(201, Http.post(q + "/tasks", "{\"payload\":\"aGk=\"}").status());
        long before =
                Http.get(q).json().getJsonObject("stats").getJsonNumber("tasks").longValue();
        byte[] evil = ("<!DOCTYPE html><title>evil</title><form id=f method=post enctype=text/plain action='"
                        + Http.base() + q + ":purge'><input name=x value=y></form><script>fetch('" + Http.base() + q
                        + ":pause',{method:'POST',mode:'no-cors'}).finally(()=>document.getElementById('f').submit());"
                        + "</script>")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, evil.length);
            exchange.getResponseBody().write(evil);
            exchange.close();
        });
        site.start();
        try {
            browser.get("http://127.0.0.1:" + site.getAddress().getPort() + "/");
            waiting().until(d -> d.getPageSource().contains("CROSS_SITE"));
        } finally {
            site.stop(0);
        }
        assertEquals(
                before,
                Http.get(q).json().getJsonObject("stats").getJsonNumber("tasks").longValue(),
                "the cross-site form purged nothing");
        assertEquals(false, Http.get(q).json().getBoolean("paused"), "the cross-origin fetch paused nothing");
    }
}
