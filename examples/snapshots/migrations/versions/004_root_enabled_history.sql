-- retort:revision 004
-- retort:revises 003
-- retort:message root enabled history
-- retort:created 2012-04-02 12:00:00Z

-- retort:upgrade
CREATE TABLE root_enabled_history (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    "user" VARCHAR(255),
    created TIMESTAMP NULL
);

-- retort:upgrade dialect=mysql
-- MySQL reads "user" as a string unless ANSI_QUOTES is set; quote the
-- column its own way here.
CREATE TABLE root_enabled_history (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    `user` VARCHAR(255),
    created TIMESTAMP NULL
);

-- retort:downgrade
DROP TABLE root_enabled_history;
