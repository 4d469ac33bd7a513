import io.pullqueue.config.ApiKeyFile;
import io.pullqueue.core.AccessRules;
import io.pullqueue.core.Acl;
import io.pullqueue.core.Identity;
import io.pullqueue.core.Operation;
import io.pullqueue.core.QueueMode;
import io.pullqueue.core.QueueSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The in-process cost of checking a caller on every call: an API key taken from the header, hashed and looked up
 * among 100 keys, and the access rule checked against a queue with an acl. Run from the repository after a build:
 * {@code java -cp target/classes bench/AuthCheckCost.java}. The end-to-end figure comes from bench/auth-cost.
 */
public class AuthCheckCost {
    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("keys", "");
        try {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                lines.append("key-").append(1_000_000_000L + i).append("-abcdefgh u").append(i).append("@x consumer\n");
            }
            Files.writeString(file, lines);
            ApiKeyFile keys = new ApiKeyFile(file);
            keys.reloadIfChanged();
            QueueSpec queue = new QueueSpec("bench", QueueMode.PULL, null, new Acl(List.of("u7@x"), List.of()), 0);
            String header = "Bearer key-1000000007-abcdefgh";
            long sink = 0;
            for (int round = 0; round < 5; round++) {
                int n = 1_000_000;
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Identity who = keys.find(header.substring(7).trim()).orElseThrow();
                    AccessRules.check(who, Operation.LEASE, queue);
                    sink += who.email().length();
                }
                System.out.printf("round %d: %.2f us per credential and rule check%n", round,
                        (System.nanoTime() - t0) / 1e3 / n);
            }
            System.out.println(sink > 0 ? "done" : "?");
        } finally {
            Files.delete(file);
        }
    }
}
