SELECT 1;

-- retort:statement-begin
SELECT 2;
