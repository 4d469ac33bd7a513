DELETE FROM task WHERE eta_usec <= 250000;
UPDATE task SET eta_usec = eta_usec + 2000000, retry_count = retry_count + 1 WHERE eta_usec > 250000 AND eta_usec <= 350000;
