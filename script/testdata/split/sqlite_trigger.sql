CREATE TEMP TRIGGER IF NOT EXISTS upd AFTER UPDATE ON t
BEGIN
  UPDATE t SET n = CASE WHEN new.n > 0 THEN new.n ELSE 0 END WHERE id = new.id;
  INSERT INTO log VALUES (new.id);
END;
CREATE TABLE trigger_log (begin_at TEXT, "end" TEXT);
INSERT INTO trigger_log VALUES ('a', 'b');
