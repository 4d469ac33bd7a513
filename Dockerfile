# pullqueue as a container image, from the same runnable JAR that `mvn verify` builds and tests
# (target/pullqueue.jar: Open Liberty minified to the features liberty/server.xml lists, with the WAR, the JDBC
# drivers and the top-level queue.yaml inside).
#
# Build:   mvn -DskipTests package            (makes target/pullqueue.jar)
#          docker build -t pullqueue .
# Run:     docker run -p 9080:9080 -v pullqueue-data:/data pullqueue
#          with your own queues:  -v $PWD/queue.yaml:/config/queue.yaml -e PULLQUEUE_QUEUE_CONFIG=/config/queue.yaml
# Several servers on one PostgreSQL (docs/scaling.md):
#   docker run -p 9080:9080 -e PULLQUEUE_STORE=postgres -e PULLQUEUE_POSTGRES_HOST=db -e PULLQUEUE_POSTGRES_PASSWORD=... pullqueue
#
# The test suite does not build this image (the build machines have no Docker engine); what it runs is the JAR,
# started by RunnableJarIT exactly as the CMD below starts it.
FROM eclipse-temurin:17-jre

RUN useradd --system --uid 1001 --home-dir /opt/pullqueue pullqueue \
    && mkdir -p /opt/pullqueue /data \
    && chown 1001:0 /opt/pullqueue /data
COPY --chown=1001:0 target/pullqueue.jar /opt/pullqueue/pullqueue.jar

# Listen on all interfaces inside the container; keep the database on a volume; extract Liberty into the
# container's own file system, once per start.
ENV HTTP_HOST=* \
    HTTP_PORT=9080 \
    HTTPS_PORT=9443 \
    PULLQUEUE_DATA_DIR=/data \
    WLP_JAR_EXTRACT_ROOT=/opt/pullqueue/extract

USER 1001
WORKDIR /opt/pullqueue
VOLUME /data
EXPOSE 9080 9443
CMD ["java", "-jar", "/opt/pullqueue/pullqueue.jar"]
