-- retort:revision 006
-- retort:revises 005
-- retort:message add dns table
-- retort:created 2012-05-10 12:00:00Z

-- retort:upgrade
CREATE TABLE dns_records (
    name VARCHAR(255) NOT NULL PRIMARY KEY,
    record_id VARCHAR(64)
);

-- retort:downgrade
DROP TABLE dns_records;
