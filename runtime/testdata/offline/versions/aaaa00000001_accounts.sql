-- retort:revision aaaa00000001
-- retort:message create accounts

-- retort:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL);

-- retort:downgrade
DROP TABLE accounts;
