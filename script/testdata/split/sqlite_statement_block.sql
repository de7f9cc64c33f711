SELECT 1;
-- retort:statement-begin
CREATE TRIGGER weird AFTER INSERT ON t BEGIN
  SELECT 'unbalanced END';
END;
-- retort:statement-end
SELECT 2;
-- retort:statement-begin
-- retort:statement-end
