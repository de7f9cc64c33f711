-- retort:revision 003
-- retort:revises 002
-- retort:message create audit

-- retort:upgrade
CREATE TABLE audit (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL);

-- retort:downgrade
DROP TABLE audit;
