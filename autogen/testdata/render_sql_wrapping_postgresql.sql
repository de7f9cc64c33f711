-- retort:upgrade
DO $body$ BEGIN PERFORM 1; PERFORM 2; END $body$;

-- retort:statement-begin
SELECT 1 -- one
-- retort:statement-end

-- retort:downgrade
-- Nothing to undo.
