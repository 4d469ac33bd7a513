package it.io.pullqueue;

import java.io.File;
import java.time.Duration;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's headless Chromium through chromedriver ({@code apt-get install chromium chromium-driver}). */
public final class Chromium {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    private Chromium() {}

    /** True when both are installed; browser tests that cannot run without them are skipped otherwise. */
    public static boolean installed() {
        return CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
    }

    /** A new headless browser; quit it when done. */
    public static WebDriver start() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        return new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER)
                        .usingAnyFreePort()
                        .build(),
                options);
    }

    /** A wait that looks again when the page re-rendered what it had found (the console refreshes its tables). */
    public static WebDriverWait waiting(WebDriver browser, Duration timeout) {
        WebDriverWait w = new WebDriverWait(browser, timeout);
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }
}
