package it.io.pullqueue.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Chromium;
import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.microshed.testing.jupiter.MicroShedTest;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's headless Chromium through chromedriver), on whichever store the pass
 * runs against: each view reached by its own address, and each action confirmed in the page's dialog and then
 * checked against the API. Screenshots of every view go to {@code target/failsafe-reports[-postgres]/console/}.
 * Needs {@code apt-get install chromium chromium-driver} (.ci/run installs them); without them this class does not
 * run.
 */
@MicroShedTest
@EnabledIf("browserInstalled")
class ConsoleBrowserIT {
    private static final String Q = "console-queue";
    private static final String QPATH = "/api/v1/queues/" + Q;
    private static final Path SHOTS = Path.of(
            "target",
            "postgres".equals(System.getProperty("pullqueue.it.store"))
                    ? "failsafe-reports-postgres"
                    : "failsafe-reports",
            "console");

    private static WebDriver browser;

    static boolean browserInstalled() {
        return Chromium.installed();
    }

    @BeforeAll
    static void start() throws IOException {
        browser = Chromium.start();
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void emptyActiveQueue() {
        browser.manage().window().setSize(new Dimension(1280, 1000));
        NativeApi.purge(Q);
        assertEquals(200, Http.post(QPATH + ":resume", "{}").status());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static WebDriverWait waiting() {
        // The console re-renders its tables on every refresh: an element read a moment ago may be gone.
        WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(20));
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }

    private static <T> T await(Function<WebDriver, T> condition) {
        return waiting().until(condition::apply);
    }

    /** Loads the page afresh at an address (going to another hash of the page shown would only re-render it). */
    private static void open(String hash) {
        browser.get("about:blank");
        browser.get(Http.base() + "/console/#" + hash);
        await(d -> d.findElement(By.id("crumbs")).getText().isEmpty() ? null : true);
    }

    private static void shot(String name) {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        try {
            Files.write(SHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** The value of a term in a description list (dt, dd), as shown. */
    private static String fact(String listId, String term) {
        return (String) ((JavascriptExecutor) browser)
                .executeScript(
                        "for (const dt of document.querySelectorAll('#' + arguments[0] + ' dt')) {"
                                + " if (dt.textContent === arguments[1]) return dt.nextElementSibling.textContent; }"
                                + " return null;",
                        listId,
                        term);
    }

    /**
     * Each row's cell texts of a table's body, read inside the page in one step: the console redraws its tables on
     * every refresh, and reading them cell by cell over the driver met a redrawn (stale) row on every try for 20 s
     * once on a loaded machine.
     */
    @SuppressWarnings("unchecked")
    private static List<List<String>> tableRows(WebDriver d, String tableId) {
        return (List<List<String>>) ((JavascriptExecutor) d)
                .executeScript(
                        "return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
                                + ".map(tr => Array.from(tr.cells).map(td => td.innerText.trim()));",
                        tableId);
    }

    /** The task table's rows: each row's cell texts, once the table shows {@code expected} rows. */
    private static List<List<String>> taskRows(int expected) {
        return await(d -> {
            List<List<String>> rows = new ArrayList<>();
            for (List<String> cells : tableRows(d, "tasks")) {
                if (cells.size() > 1) {
                    rows.add(cells);
                }
            }
            return rows.size() == expected ? rows : null;
        });
    }

    private static List<String> taskNames(int expected) {
        return taskRows(expected).stream().map(r -> r.get(1)).toList();
    }

    /** Confirms (or cancels) the page's dialog, after checking what it asks. */
    private static void answer(boolean ok, String asks) {
        WebElement dialog = await(d -> {
            WebElement e = d.findElement(By.id("confirm"));
            return e.isDisplayed() ? e : null;
        });
        assertTrue(dialog.getText().contains(asks), dialog.getText());
        browser.findElement(By.id(ok ? "confirm-ok" : "confirm-cancel")).click();
        await(d -> d.findElement(By.id("confirm")).isDisplayed() ? null : true);
    }

    private static void select(String... names) {
        for (String n : names) {
            await(d -> {
                d.findElement(By.cssSelector("#tasks input[value='" + n + "']")).click();
                return true;
            });
        }
    }

    private static String add(String name, String payload, String tag, Integer countdown) {
        var t = Json.createObjectBuilder()
                .add("name", name)
                .add("payload", Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
        if (tag != null) {
            t.add("tag", tag);
        }
        if (countdown != null) {
            t.add("countdownSeconds", countdown);
        }
        assertEquals(201, NativeApi.add(Q, t).status());
        return name;
    }

    private static JsonObject task(String name) {
        return Http.get(QPATH + "/tasks/" + name).json();
    }

    /** due (red), due (blue), leased (red), not yet due (blue), in that ETA order. */
    private static List<String> oneOfEach() {
        String leased = add(NativeApi.unique("leased"), "to be leased", "red", null);
        assertEquals(1, NativeApi.lease(Q, 1, 300).json().getJsonArray("tasks").size());
        String dueRed = add(NativeApi.unique("due-red"), "hello from the console", "red", null);
        String dueBlue = add(NativeApi.unique("due-blue"), "blue and due", "blue", null);
        String later = add(NativeApi.unique("later"), "for later", "blue", 3600);
        return List.of(dueRed, dueBlue, leased, later);
    }

    // ------------------------------------------------------------------------------------------ views

    @Test
    void theQueuesViewShowsEveryQueueWithItsBacklogAndTheConfigurationInForce() {
        oneOfEach();
        browser.get(Http.base() + "/");
        List<String> row = await(d -> {
            for (List<String> cells : tableRows(d, "queues")) {
                if (!cells.isEmpty() && cells.get(0).equals(Q)) {
                    return cells;
                }
            }
            return null;
        });
        assertEquals(List.of(Q, "pull", "4", "2", "1"), row.subList(0, 5), "queue, mode, tasks, due, in flight");
        assertEquals(List.of("5", "active"), row.subList(7, 9));
        assertTrue(await(d -> text("config-status").contains("in force since") ? text("config-status") : null)
                .contains("queue.yaml"));

        browser.findElement(By.id("queue-filter")).sendKeys("console");
        await(d -> d.findElements(By.cssSelector("#queues tbody tr")).size() == 1 ? true : null);
        shot("queues");
        await(d -> {
            d.findElement(By.linkText(Q)).click(); // the table is redrawn on every refresh: retried when stale
            return true;
        });
        await(d -> d.getCurrentUrl().endsWith("#/queues/" + Q) ? true : null);
        assertEquals(Q, await(d -> text("queue-name").isEmpty() ? null : text("queue-name")));
    }

    @Test
    void aRefusedQueueYamlIsShownWithItsErrorWhileTheLastGoodVersionStays() throws IOException {
        Path file = Path.of(System.getProperty("pullqueue.it.queue.config"));
        String original = Files.readString(file);
        try {
            Files.writeString(file, original + "\n- name: console-broken\n  mode: pull\n  rate: 5/s\n");
            await(d -> Http.get("/api/v1/config").body().contains("refused") ? true : null);
            open("/");
            String box = await(d -> text("config-status").contains("refused") ? text("config-status") : null);
            assertTrue(box.contains("key \"rate\""), box);
            assertTrue(box.contains("stays in force"), box);
            assertTrue(browser.findElement(By.id("config-status"))
                    .getAttribute("class")
                    .contains("refused"));
            shot("queues-config-refused");
        } finally {
            Files.writeString(file, original);
        }
        await(d -> Http.get("/api/v1/config").body().contains("applied") ? true : null);
    }

    @Test
    void theQueueViewChartsItsLifeAndShowsItsConfiguration() {
        List<String> names = oneOfEach();
        Http.delete(QPATH + "/tasks/" + names.get(1));
        // Samples are taken every second on the test servers; wait for one that saw this activity.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonObject point = null;
        while (point == null && System.nanoTime() < deadline) {
            for (JsonObject p : Http.get(QPATH + "/history?seconds=600")
                    .json()
                    .getJsonArray("points")
                    .getValuesAs(JsonObject.class)) {
                if (p.getJsonNumber("deletedPerSecond").doubleValue() > 0) {
                    point = p;
                }
            }
        }
        assertTrue(point != null, "a sample with the delete within 30 s");

        open("/queues/" + Q);
        await(d -> d.findElements(By.cssSelector("#chart-rates path.line")).size() >= 3 ? true : null);
        assertEquals(
                3,
                browser.findElements(By.cssSelector("#chart-backlog path.line")).size(),
                "due, in flight and all");
        assertEquals(
                1, browser.findElements(By.cssSelector("#chart-age path.line")).size());
        assertTrue(browser.findElement(By.cssSelector("#chart-rates desc"))
                .getAttribute("textContent")
                .startsWith("Latest: added"));
        assertEquals("5 leases", await(d -> fact("queue-config", "retry limit")));
        assertEquals("unlimited", fact("queue-config", "lease requests per second"));
        assertEquals("anyone", fact("queue-config", "ACL: users"));
        assertEquals("1", await(d -> fact("queue-counts", "in flight")));
        assertEquals("1", fact("queue-counts", "due"), "one due task is left: the other was deleted");
        shot("queue");

        browser.manage().window().setSize(new Dimension(390, 1400));
        assertEquals(
                Boolean.TRUE,
                await(
                        d -> ((JavascriptExecutor) d)
                                .executeScript(
                                        "return window.innerWidth < 700 && document.documentElement.scrollWidth <= window.innerWidth")),
                "on a narrow screen nothing is wider than the screen (tables scroll in their own box)");
        shot("queue-narrow");
    }

    @Test
    void tasksFilterByStateAndTagAndSortByAgeWithTheFilterInTheAddress() {
        List<String> n = oneOfEach();
        open("/queues/" + Q);
        assertEquals(n, taskNames(4), "oldest ETA first: due ones, then the lease that runs out, then later");
        List<String> leasedRow = taskRows(4).get(2);
        assertEquals(List.of("red", "leased"), leasedRow.subList(2, 4));
        assertEquals("1", leasedRow.get(6), "retry count");
        assertEquals("12", leasedRow.get(7), "payload size");

        open("/queues/" + Q + "?state=due");
        assertEquals(n.subList(0, 2), taskNames(2));
        open("/queues/" + Q + "?state=leased");
        assertEquals(List.of(n.get(2)), taskNames(1));
        open("/queues/" + Q + "?state=waiting&tag=blue");
        assertEquals(List.of(n.get(3)), taskNames(1));
        assertEquals(
                List.of(n.get(3)),
                Http.get(QPATH + "/tasks?state=waiting&tag=blue&order=eta")
                        .json()
                        .getJsonArray("tasks")
                        .getValuesAs(JsonObject.class)
                        .stream()
                        .map(t -> t.getString("name"))
                        .toList(),
                "the API answers the same filter alike");

        // The filter form writes the address: red, newest first, two per page.
        open("/queues/" + Q);
        taskNames(4);
        browser.findElement(By.id("f-tag")).sendKeys("red");
        browser.findElement(By.id("f-order")).sendKeys("newest");
        browser.findElement(By.id("f-size")).sendKeys("25");
        browser.findElement(By.id("f-tag")).sendKeys(Keys.ENTER);
        await(d -> d.getCurrentUrl().contains("tag=red") && d.getCurrentUrl().contains("order=-eta") ? true : null);
        assertEquals(List.of(n.get(2), n.get(0)), taskNames(2));
        shot("tasks-filtered");

        open("/queues/" + Q + "?order=name&size=25");
        List<String> byName = taskNames(4);
        assertEquals(n.stream().sorted().toList(), byName);
    }

    @Test
    void aTaskHasItsOwnAddressWithItsHistoryAndPayload() {
        List<String> n = oneOfEach();
        open("/queues/" + Q + "/tasks/" + n.get(2));
        await(d -> text("task-facts").isEmpty() ? null : true);
        assertEquals("leased", fact("task-facts", "state"));
        assertEquals("1", fact("task-facts", "retry count"));
        assertEquals("red", fact("task-facts", "tag"));
        assertEquals("12 bytes", fact("task-facts", "payload size"));
        assertTrue(fact("task-facts", "lease expires").length() > 0);
        assertTrue(text("task-history").contains("Leased 1 time."), text("task-history"));
        assertEquals("to be leased", text("payload"));
        assertEquals("(text)", text("payload-kind"));
        shot("task-text");

        String binary = NativeApi.unique("binary");
        assertEquals(
                201,
                NativeApi.add(
                                Q,
                                Json.createObjectBuilder()
                                        .add("name", binary)
                                        .add("payload", Base64.getEncoder().encodeToString(new byte[] {
                                            0, 1, 2, (byte) 0xff, 'A'
                                        })))
                        .status());
        open("/queues/" + Q + "/tasks/" + binary);
        assertEquals(
                "00000000  00 01 02 ff 41" + " ".repeat(33) + "  ....A",
                await(d -> text("payload").isEmpty()
                        ? null
                        : browser.findElement(By.id("payload")).getAttribute("textContent")));
        assertTrue(text("payload-kind").contains("hex"));
        shot("task-binary");

        open("/queues/" + Q + "/tasks/no-such-task");
        assertTrue(await(d -> text("error").isEmpty() ? null : text("error")).startsWith("UNKNOWN_TASK"));
    }

    // ------------------------------------------------------------------------------------------ actions

    private static boolean paused() {
        return Http.get(QPATH).json().getBoolean("paused");
    }

    @Test
    void pauseResumeAndPurgeAskFirstAndDoWhatTheApiShows() {
        oneOfEach();
        open("/queues/" + Q);
        taskNames(4);

        browser.findElement(By.id("pause")).click();
        answer(false, "Pause " + Q + "?");
        assertFalse(paused(), "cancelled: nothing changed");
        browser.findElement(By.id("pause")).click();
        shot("confirm-pause");
        answer(true, "Pause " + Q + "?");
        await(d -> "paused".equals(text("queue-state")) ? true : null);
        assertTrue(paused(), "the console's Pause paused the queue");

        browser.findElement(By.id("resume")).click();
        answer(true, "Resume");
        await(d -> "active".equals(text("queue-state")) ? true : null);
        assertFalse(paused(), "the console's Resume resumed it");

        browser.findElement(By.id("purge")).sendKeys(Keys.ENTER);
        answer(true, "Delete every task of " + Q);
        await(d -> text("status").startsWith("Purged 4 tasks") ? true : null);
        assertEquals(0, NativeApi.taskCount(Q));
        assertEquals("No tasks match.", await(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#tasks tbody tr"));
            return rows.size() == 1 ? rows.get(0).getText() : null;
        }));
    }

    @Test
    void selectedTasksAreDeletedGivenBackOrRunNow() {
        List<String> n = oneOfEach();
        String leased2 = add(NativeApi.unique("leased2"), "second lease", "red", null);
        assertEquals(
                2, NativeApi.lease(Q, 2, 300).json().getJsonArray("tasks").size(), "the oldest due: n[0] and n[1]");
        open("/queues/" + Q + "?state=leased");
        taskNames(3);

        select(n.get(0), n.get(1));
        assertEquals("2 selected", text("sel-count"));
        browser.findElement(By.id("sel-release")).click();
        answer(true, "Give back the leases of 2 tasks");
        await(d -> text("status").startsWith("Gave back the leases of 2 tasks") ? true : null);
        for (String name : List.of(n.get(0), n.get(1))) {
            JsonObject t = task(name);
            assertFalse(t.getBoolean("leased"), name + " is no longer leased");
            assertTrue(
                    t.getJsonNumber("etaUsec").longValue() <= System.currentTimeMillis() * 1000 + 1_000_000,
                    name + " is due");
        }
        assertEquals(List.of(n.get(2)), taskNames(1), "the filter still shows the leased one only");

        open("/queues/" + Q + "?state=waiting");
        select(n.get(3));
        browser.findElement(By.id("sel-run")).click();
        answer(true, "Run now 1 task");
        await(d -> text("status").startsWith("Made due 1 task") ? true : null);
        assertTrue(
                task(n.get(3)).getJsonNumber("etaUsec").longValue() <= System.currentTimeMillis() * 1000 + 1_000_000);

        open("/queues/" + Q + "?state=due");
        taskNames(4);
        browser.findElement(By.id("sel-all")).click();
        assertEquals("4 selected", text("sel-count"));
        browser.findElement(By.id("sel-delete")).click();
        shot("confirm-delete");
        answer(true, "Delete 4 tasks");
        await(d -> text("status").startsWith("Deleted 4 tasks") ? true : null);
        for (String name : List.of(n.get(0), n.get(1), n.get(3), leased2)) {
            assertEquals("TOMBSTONED_TASK", Http.get(QPATH + "/tasks/" + name).reason());
        }
        assertEquals(1, NativeApi.taskCount(Q), "the leased task is left");
    }

    @Test
    void aTaskIsGivenBackRunOrDeletedFromItsOwnView() {
        List<String> n = oneOfEach();
        open("/queues/" + Q + "/tasks/" + n.get(2));
        await(d -> d.findElement(By.id("task-release")).isDisplayed() ? true : null);
        browser.findElement(By.id("task-release")).click();
        answer(true, "Give back the lease of " + n.get(2));
        await(d -> "due".equals(fact("task-facts", "state")) ? true : null);
        assertFalse(task(n.get(2)).getBoolean("leased"));

        open("/queues/" + Q + "/tasks/" + n.get(3));
        await(d -> d.findElement(By.id("task-run")).isDisplayed() ? true : null);
        browser.findElement(By.id("task-run")).click();
        answer(true, "Run now " + n.get(3));
        await(d -> "due".equals(fact("task-facts", "state")) ? true : null);

        browser.findElement(By.id("task-delete")).click();
        answer(true, "Delete task " + n.get(3));
        await(d -> d.getCurrentUrl().endsWith("#/queues/" + Q) ? true : null);
        assertEquals("Deleted task " + n.get(3) + ".", text("status"), "the queue view says what was done");
        assertEquals("TOMBSTONED_TASK", Http.get(QPATH + "/tasks/" + n.get(3)).reason());
    }
}
