-- retort:revision 4358d1b8cc75
-- retort:revises
-- retort:message initial
-- retort:created 2026-11-01 09:00:00Z

-- retort:upgrade
CREATE TABLE quark_lswitches (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    nvp_id VARCHAR(36) NOT NULL,
    network_id VARCHAR(36) NOT NULL,
    display_name VARCHAR(255),
    port_count INTEGER,
    transport_zone VARCHAR(36),
    created_at TIMESTAMP NULL
);
CREATE TABLE quark_lswitch_ports (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    port_id VARCHAR(36) NOT NULL,
    switch_id VARCHAR(36) NOT NULL REFERENCES quark_lswitches (id),
    created_at TIMESTAMP NULL
);

-- retort:downgrade
DROP TABLE quark_lswitch_ports;
DROP TABLE quark_lswitches;
