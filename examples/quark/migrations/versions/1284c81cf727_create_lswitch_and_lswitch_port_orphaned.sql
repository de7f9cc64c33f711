-- retort:revision 1284c81cf727
-- retort:revises 4358d1b8cc75
-- retort:message create lswitch and lswitch port orphaned tables
-- retort:created 2026-11-22 10:15:00Z

-- retort:upgrade
CREATE TABLE quark_lswitch_orphaned (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    nvp_id VARCHAR(36) NOT NULL,
    network_id VARCHAR(36) NOT NULL,
    display_name VARCHAR(255),
    port_count INTEGER,
    transport_zone VARCHAR(36),
    created_at TIMESTAMP NULL
);
CREATE TABLE quark_lswitch_port_orphaned (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    port_id VARCHAR(36) NOT NULL,
    switch_id VARCHAR(36) NOT NULL REFERENCES quark_lswitch_orphaned (id),
    created_at TIMESTAMP NULL
);

-- retort:downgrade
DROP TABLE quark_lswitch_port_orphaned;
DROP TABLE quark_lswitch_orphaned;
