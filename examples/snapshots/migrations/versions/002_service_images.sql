-- retort:revision 002
-- retort:revises 001
-- retort:message service images
-- retort:created 2012-03-08 12:00:00Z

-- retort:upgrade
CREATE TABLE service_images (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    service_name VARCHAR(255),
    image_id VARCHAR(255)
);

-- retort:downgrade
DROP TABLE service_images;
