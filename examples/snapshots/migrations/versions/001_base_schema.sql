-- retort:revision 001
-- retort:revises
-- retort:message base schema
-- retort:created 2012-03-01 12:00:00Z

-- The instances table as reddwarf's first migrate script created it.
-- Types are kept to what SQLite, PostgreSQL and MySQL all accept;
-- TIMESTAMP columns say NULL so that MySQL without
-- explicit_defaults_for_timestamp does not give them automatic defaults.
-- Dropping a table drops its indexes on all three databases, which spares
-- the downgrades DROP INDEX, whose syntax differs on MySQL.

-- retort:upgrade
CREATE TABLE instances (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    created TIMESTAMP NULL,
    updated TIMESTAMP NULL,
    name VARCHAR(255),
    hostname VARCHAR(255),
    compute_instance_id VARCHAR(36),
    task_id VARCHAR(36),
    task_description VARCHAR(32),
    task_start_time TIMESTAMP NULL,
    volume_id VARCHAR(36),
    flavor_id INTEGER,
    volume_size INTEGER,
    tenant_id VARCHAR(36),
    server_status VARCHAR(64),
    deleted BOOLEAN,
    deleted_at TIMESTAMP NULL
);
CREATE INDEX instances_tenant_id ON instances (tenant_id);

-- retort:downgrade
DROP TABLE instances;
