package it.io.pullqueue.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Chromium;
import it.io.pullqueue.Http;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.microshed.testing.jupiter.MicroShedTest;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's headless Chromium through chromedriver): an operator finds the
 * queue and its backlog, opens a task and reads its payload, pauses and resumes the queue, and deletes the task.
 * Every action is checked against the API too. Needs {@code apt-get install chromium chromium-driver}
 * (.ci/run installs them); without them this class does not run.
 */
@MicroShedTest
@EnabledIf("browserInstalled")
class ConsoleBrowserIT {
    private static final String Q = "console-queue";
    private static WebDriver browser;

    static boolean browserInstalled() {
        return Chromium.installed();
    }

    @BeforeAll
    static void start() {
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static WebDriverWait waiting() {
        // The console re-renders its tables on every refresh: an element read a moment ago may be gone.
        WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(15));
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }

    /** The console's row of a queue: its cells' texts once the row exists. */
    private static List<String> queueRow() {
        return waiting().until(d -> {
            for (WebElement tr : d.findElements(By.cssSelector("#queues tbody tr"))) {
                List<String> cells = tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
                if (!cells.isEmpty() && cells.get(0).equals(Q)) {
                    return cells;
                }
            }
            return null;
        });
    }

    private static WebElement taskRow(String name) {
        return waiting().until(d -> d.findElements(By.cssSelector("#tasks tbody tr")).stream()
                .filter(tr -> tr.findElement(By.tagName("td")).getText().equals(name)).findFirst().orElse(null));
    }

    private static boolean paused() {
        return Http.get("/api/v1/queues/" + Q).json().getBoolean("paused");
    }

    @Test
    void anOperatorFindsReadsPausesAndDeletesATask() {
        NativeApi.purge(Q);
        assertEquals(200, Http.post("/api/v1/queues/" + Q + ":resume", "{}").status());
        String name = NativeApi.unique("console");
        assertEquals(201, NativeApi.add(Q, NativeApi.task("hello from the console").add("name", name).add("tag",
                "blue"))
                .status());

        browser.get(Http.base() + "/");
        waiting().until(ExpectedConditions.urlContains("/console/"));
        List<String> row = queueRow();
        assertEquals(List.of(Q, "pull", "1", "1", "0"), row.subList(0, 5), "queue, mode, tasks, due, in flight");
        assertEquals("active", row.get(8));

        waiting().until(d -> {
            for (WebElement tr : d.findElements(By.cssSelector("#queues tbody tr"))) {
                if (tr.findElement(By.tagName("td")).getText().equals(Q)) {
                    tr.click();
                    return true;
                }
            }
            return false;
        });
        waiting().until(ExpectedConditions.textToBe(By.id("queue-name"), Q));
        assertEquals("blue", waiting().until(d -> taskRow(name).findElements(By.tagName("td")).get(1).getText()));

        waiting().until(d -> {
            taskRow(name).click();
            return true;
        });
        WebElement view = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("task-view")));
        waiting().until(d -> view.getText().contains("hello from the console"));
        assertTrue(view.getText().contains("\"name\": \"" + name + "\""), view.getText());

        browser.findElement(By.id("pause")).click();
        waiting().until(d -> "paused".equals(queueRow().get(8)));
        assertTrue(paused(), "the console's Pause paused the queue");
        browser.findElement(By.id("resume")).click();
        waiting().until(d -> "active".equals(queueRow().get(8)));
        assertTrue(!paused(), "the console's Resume resumed it");

        waiting().until(d -> {
            taskRow(name).findElement(By.tagName("button")).click();
            return true;
        });
        waiting().until(ExpectedConditions.alertIsPresent()).accept();
        waiting().until(d -> d.findElements(By.cssSelector("#tasks tbody tr")).isEmpty());
        assertEquals("0", queueRow().get(2), "the queue row shows the task gone");
        assertEquals("TOMBSTONED_TASK", Http.get("/api/v1/queues/" + Q + "/tasks/" + name).reason());
    }
}
