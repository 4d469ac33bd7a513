BEGIN;
INSERT INTO task (queue, name, eta_usec, created_usec, payload) SELECT 'q', 'n' || nextval('nm'), 3000000 + currval('nm'), 0, decode(repeat(md5(random()::text), 32), 'hex');
WITH p AS (SELECT ctid AS tid FROM task WHERE queue = 'q' AND eta_usec <= 9000000000 ORDER BY eta_usec, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
  UPDATE task t SET eta_usec = 9000000001 + t.seq, retry_count = retry_count + 1 FROM p WHERE t.ctid = p.tid RETURNING t.name \gset
COMMIT;
BEGIN;
WITH d AS (DELETE FROM task WHERE queue = 'q' AND name = ':name' RETURNING name) INSERT INTO tombstone SELECT 'q', name, 0 FROM d ON CONFLICT DO NOTHING;
COMMIT;
