-- retort:upgrade
-- retort:statement-begin
BEGIN NOT ATOMIC SELECT 1; SELECT 2; END
-- retort:statement-end

-- retort:downgrade
-- Nothing to undo.
