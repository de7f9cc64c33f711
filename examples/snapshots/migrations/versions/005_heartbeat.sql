-- retort:revision 005
-- retort:revises 004
-- retort:message heartbeat
-- retort:created 2012-04-20 12:00:00Z

-- retort:upgrade
CREATE TABLE agent_heartbeats (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    instance_id VARCHAR(36) NOT NULL,
    updated_at TIMESTAMP NULL
);
CREATE INDEX agent_heartbeats_instance_id ON agent_heartbeats (instance_id);

-- retort:downgrade
DROP TABLE agent_heartbeats;
