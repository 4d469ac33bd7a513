# pullqueue on Open Liberty, following the kernel-slim convention: configuration first, features.sh installs only
# the features server.xml lists, then the application, then configure.sh.
#
# Build the WAR and the JDBC driver first:   mvn -DskipTests package
# Then:                                        docker build -t pullqueue .
#                                              docker run -p 9080:9080 -v pullqueue-data:/data pullqueue
# Several servers on one PostgreSQL (docs/scaling.md):
#   docker run -p 9080:9080 -e PULLQUEUE_STORE=postgres -e PULLQUEUE_POSTGRES_HOST=db -e PULLQUEUE_POSTGRES_PASSWORD=... pullqueue
# (The test suite does not build this image: there is no Docker engine on the build machines.)
FROM icr.io/appcafe/open-liberty:kernel-slim-java17-openj9-ubi

COPY --chown=1001:0 liberty/server.xml liberty/jvm.options /config/
RUN features.sh

COPY --chown=1001:0 target/jdbc/ /config/lib/jdbc/
COPY --chown=1001:0 queue.yaml /config/queue.yaml
COPY --chown=1001:0 target/pullqueue.war /config/apps/

# Listen on all interfaces inside the container; keep the database on a volume.
ENV HTTP_HOST=* \
    HTTP_PORT=9080 \
    HTTPS_PORT=9443 \
    APP_CONTEXT_ROOT=/ \
    PULLQUEUE_QUEUE_CONFIG=/config/queue.yaml \
    PULLQUEUE_DATA_DIR=/data
USER root
RUN mkdir -p /data && chown 1001:0 /data
USER 1001
VOLUME /data
EXPOSE 9080

RUN configure.sh
