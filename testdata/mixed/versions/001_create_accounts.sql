-- retort:revision 001
-- retort:revises
-- retort:message create accounts

-- retort:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);
INSERT INTO accounts (id, name) VALUES (1, 'ada');

-- retort:downgrade
DROP TABLE accounts;
