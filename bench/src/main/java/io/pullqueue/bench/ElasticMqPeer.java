package io.pullqueue.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * ElasticMQ 1.7.x (the SQS-compatible server) from Maven Central, with its H2 message storage on, driven with the
 * AWS SDK v2 SQS client: ReceiveMessage with up to 10 messages (SQS's maximum, ElasticMQ's strict limits), visibility
 * timeout 600 s, then DeleteMessageBatch.
 */
final class ElasticMqPeer implements Peer {
    private static final String QUEUE = "bench";
    private final Path lib;
    private final Path work;
    private final int port;
    private Process process;
    private SqsClient sqs;
    private String queueUrl;
    private String body;

    ElasticMqPeer(Path lib, Path work, int port) {
        this.lib = lib;
        this.work = work.resolve("elasticmq");
        this.port = port;
    }

    @Override
    public String name() {
        return "elasticmq";
    }

    @Override
    public int maxLeaseBatch() {
        return 10;
    }

    @Override
    public int maxAddBatch() {
        return 10;
    }

    @Override
    public void start() throws Exception {
        if (Procs.listening(port)) {
            throw new IOException("port " + port + " is busy");
        }
        if (!Files.isDirectory(lib)) {
            throw new IOException("ElasticMQ not fetched: mvn -f bench/peers/elasticmq/pom.xml package");
        }
        Procs.deleteTree(work);
        Files.createDirectories(work);
        Path conf = work.resolve("elasticmq.conf");
        Files.writeString(conf, """
                include classpath("application.conf")
                node-address { protocol = http, host = "127.0.0.1", port = %d, context-path = "" }
                rest-sqs { enabled = true, bind-port = %d, bind-hostname = "127.0.0.1", sqs-limits = strict }
                queues { bench { defaultVisibilityTimeout = 600 seconds, delay = 0 seconds, receiveMessageWait = 0 seconds } }
                messages-storage { enabled = true, uri = "jdbc:h2:%s", prune-data-on-init = true }
                """.formatted(port, port, work.resolve("h2").toString()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = Procs.start(List.of(java, "-Xmx512m", "-Dconfig.file=" + conf, "-cp", lib + "/*", "org.elasticmq.server.Main"),
                Map.of(), work.resolve("elasticmq.log"));
        Procs.awaitPort(port, 120_000, process);
        sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64).tcpKeepAlive(true)
                        .connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(120)))
                .build();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                queueUrl = sqs.getQueueUrl(b -> b.queueName(QUEUE)).queueUrl();
                break;
            } catch (RuntimeException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    public void clear() {
        sqs.purgeQueue(b -> b.queueUrl(queueUrl));
    }

    @Override
    public long ready() {
        return Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    @Override
    public void fill(long n, byte[] payload) throws Exception {
        Fill.parallel(this, n, payload, 8);
    }

    @Override
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public long heapAfterGc() {
        return Procs.heapAfterGc(pid());
    }

    @Override
    public Session session() {
        return new Session() {
            @Override
            public List<Object> lease(int n) {
                List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(n)
                        .visibilityTimeout(600).waitTimeSeconds(0)).messages();
                return new ArrayList<>(got);
            }

            @Override
            public void delete(List<Object> handles) {
                List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(handles.size());
                for (Object h : handles) {
                    Message m = (Message) h;
                    entries.add(DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build());
                }
                var r = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                if (!r.failed().isEmpty()) {
                    throw new IllegalStateException("delete failed: " + r.failed());
                }
            }

            @Override
            public void add(int n, byte[] payload) {
                String text = body(payload);
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(text).build());
                }
                var r = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                if (!r.failed().isEmpty()) {
                    throw new IllegalStateException("send failed: " + r.failed());
                }
            }

            @Override
            public void close() {
                // the SDK client and its connection pool are shared
            }
        };
    }

    /** SQS bodies are text: the 1 KiB payload is sent as 1 KiB of ASCII. */
    private synchronized String body(byte[] payload) {
        if (body == null || body.length() != payload.length) {
            byte[] ascii = new byte[payload.length];
            for (int i = 0; i < ascii.length; i++) {
                ascii[i] = (byte) ('a' + (payload[i] & 0xff) % 26);
            }
            body = new String(ascii, StandardCharsets.US_ASCII);
        }
        return body;
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        String jar = "?";
        try (var files = Files.list(lib)) {
            jar = files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("elasticmq-server")).findFirst().orElse("?");
        } catch (IOException ignored) {
            // reported as ?
        }
        d.put("version", jar.replace(".jar", "") + " (Maven Central), JVM " + System.getProperty("java.version") + ", -Xmx512m");
        d.put("durability", "messages-storage on: every message change goes to an H2 file database, with H2's defaults "
                + "(MVStore writes in the background; no fsync per request)");
        d.put("runs as", "org.elasticmq.server.Main on 127.0.0.1:" + port + ", sqs-limits = strict");
        d.put("client", "AWS SDK v2 SqsClient " + software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION
                + " (Apache HTTP client, pooled keep-alive connections, TCP_NODELAY by default); batches of 10");
        return d;
    }

    @Override
    public void close() {
        if (sqs != null) {
            sqs.close();
        }
        Procs.stop(process);
    }
}
