-- retort:revision 003
-- retort:revises 002
-- retort:message service statuses
-- retort:created 2012-03-15 12:00:00Z

-- retort:upgrade
CREATE TABLE service_statuses (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    instance_id VARCHAR(36) NOT NULL,
    status_id INTEGER NOT NULL,
    status_description VARCHAR(64) NOT NULL,
    updated_at TIMESTAMP NULL
);
CREATE INDEX service_statuses_instance_id ON service_statuses (instance_id);

-- retort:downgrade
DROP TABLE service_statuses;
