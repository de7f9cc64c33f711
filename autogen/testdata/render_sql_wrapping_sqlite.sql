-- retort:upgrade
-- note: retort:downgrade is not a directive here
-- set comment on table users: nothing to do on sqlite

CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN
	UPDATE users SET created_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

-- retort:statement-begin
SELECT 1 -- one
-- retort:statement-end

-- retort:downgrade
-- Nothing to undo.
