package io.pullqueue.config;

import io.pullqueue.core.Identity;
import io.pullqueue.core.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The API keys of one file ({@code pullqueue.api.keys.file}), re-read when it changes, as queue.yaml is. One key a
 * line: {@code KEY EMAIL ROLES}, roles comma-separated from {@code admin}, {@code producer}, {@code consumer};
 * {@code #} starts a comment. A key may be written as {@code sha256:<64 hex digits>} (the SHA-256 of the key's
 * UTF-8 bytes) so that the file need not hold secrets. Only hashes are kept in memory; a presented key is
 * hashed once and looked up. An invalid new version is refused (one logged line) and the last good one stays.
 */
public final class ApiKeyFile {
    private static final Logger LOG = Logger.getLogger(ApiKeyFile.class.getName());
    /** The shortest plain key accepted: shorter ones are guessable. */
    public static final int MIN_KEY_LENGTH = 16;

    static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final String HASHED = "sha256:";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._~+/=-]+");

    private final Path path;
    private volatile Map<String, Identity> byHash = Map.of();
    private volatile String lastError;
    private long seenSize = -1;
    private long seenModified = -1;

    public ApiKeyFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** The identity of a presented key, or empty when the key is not in the file. */
    public Optional<Identity> find(String key) {
        return Optional.ofNullable(byHash.get(sha256Hex(key)));
    }

    /** How many keys are in force. */
    public int size() {
        return byHash.size();
    }

    /** Why the newest version of the file was refused, or empty when it is in force. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Re-reads the file if its size or modification time changed; true when a new version was applied. */
    public synchronized boolean reloadIfChanged() {
        List<String> lines;
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            long modified = a.lastModifiedTime().toMillis();
            if (a.size() == seenSize && modified == seenModified) {
                return false;
            }
            seenSize = a.size();
            seenModified = modified;
            if (a.size() > MAX_FILE_BYTES) {
                return refuse("file is " + a.size() + " bytes; the limit is " + MAX_FILE_BYTES);
            }
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            seenSize = -2;
            return refuse("file not found");
        } catch (IOException e) {
            seenSize = -2;
            return refuse("cannot be read: " + e.getMessage());
        }
        List<String> errors = new ArrayList<>();
        Map<String, Identity> parsed = parse(lines, errors);
        if (!errors.isEmpty()) {
            return refuse(String.join("; ", errors));
        }
        byHash = Map.copyOf(parsed);
        lastError = null;
        LOG.info(() -> "API keys applied from " + path + ": " + parsed.size() + " keys");
        return true;
    }

    private boolean refuse(String error) {
        if (!error.equals(lastError)) {
            LOG.severe("API keys file " + path + " refused (the last good version stays in force, " + byHash.size()
                    + " keys): " + error);
        }
        lastError = error;
        return false;
    }

    /** The keys of the file's lines by the hex SHA-256 of the key; each problem goes to {@code errors}. */
    static Map<String, Identity> parse(List<String> lines, List<String> errors) {
        Map<String, Identity> keys = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (f.length == 1 && f[0].isEmpty()) {
                continue;
            }
            String where = "line " + (i + 1) + ": ";
            if (f.length != 3) {
                errors.add(where + "expected KEY EMAIL ROLES, got " + f.length + " fields");
                continue;
            }
            String digest = digest(f[0], where, errors);
            Set<Role> roles = roles(f[2], where, errors);
            if (digest == null || roles == null) {
                continue;
            }
            if (keys.put(digest, new Identity(f[1], roles)) != null) {
                errors.add(where + "the same key appears twice");
            }
        }
        return keys;
    }

    private static String digest(String key, String where, List<String> errors) {
        if (key.startsWith(HASHED)) {
            String hex = key.substring(HASHED.length());
            if (!HEX64.matcher(hex).matches()) {
                errors.add(where + "sha256: must be followed by 64 hex digits");
                return null;
            }
            return hex.toLowerCase(Locale.ROOT);
        }
        if (key.length() < MIN_KEY_LENGTH || !KEY.matcher(key).matches()) {
            errors.add(where + "a key must be at least " + MIN_KEY_LENGTH
                    + " characters from A-Z a-z 0-9 . _ ~ + / = - (or sha256:<hex>)");
            return null;
        }
        return sha256Hex(key);
    }

    private static Set<Role> roles(String list, String where, List<String> errors) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : list.split(",")) {
            Role r = Role.parse(name);
            if (r == null) {
                errors.add(where + "unknown role '" + name + "' (admin, producer, consumer)");
                return null;
            }
            roles.add(r);
        }
        return roles;
    }

    /** The lower-case hex SHA-256 of a key's UTF-8 bytes, as the file's {@code sha256:} form writes it. */
    public static String sha256Hex(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
