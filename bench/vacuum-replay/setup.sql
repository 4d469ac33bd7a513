SET client_min_messages = warning;
DROP TABLE IF EXISTS task; DROP TABLE IF EXISTS tombstone;
CREATE TABLE task (queue text NOT NULL, name text NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY, eta_usec bigint NOT NULL, tag bytea, retry_count integer NOT NULL DEFAULT 0, retry_limit integer, created_usec bigint NOT NULL, payload bytea NOT NULL, PRIMARY KEY (queue, name)) WITH (fillfactor = 70);
CREATE INDEX task_due ON task (queue, eta_usec, seq) WITH (fillfactor = 80);
CREATE INDEX task_tag_due ON task (queue, (coalesce(tag, ''::bytea)), eta_usec, seq) WITH (fillfactor = 80);
CREATE TABLE tombstone (queue text NOT NULL, name text NOT NULL, expires_usec bigint NOT NULL, PRIMARY KEY (queue, name));
DROP SEQUENCE IF EXISTS nm; CREATE SEQUENCE nm;
INSERT INTO task (queue, name, eta_usec, created_usec, payload)
  SELECT 'q', lpad(g::text, 12, '0'), g, g, decode(repeat(md5(g::text), 32), 'hex') FROM generate_series(1, 1000000) g;
SELECT setval('nm', 1000001);
VACUUM ANALYZE task;
