SELECT 1;
-- retort:statement-end
