-- retort:upgrade
CREATE TABLE `database_snapshots` (
	`created_at` DATETIME NULL,
	`updated_at` DATETIME NULL,
	`deleted_at` DATETIME NULL,
	`deleted` TINYINT(1) NULL,
	`id` INT NOT NULL AUTO_INCREMENT,
	`uuid` VARCHAR(36) NOT NULL,
	`user_id` INT NULL,
	`size` BIGINT NOT NULL DEFAULT 0,
	`state` ENUM('pending','done') NULL COMMENT 'where the snapshot is',
	PRIMARY KEY (`id`),
	UNIQUE INDEX `uuid_ux` (`uuid`),
	INDEX `ix_database_snapshots_user_id` (`user_id`),
	CONSTRAINT `fk_database_snapshots_user_id_users` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`),
	CONSTRAINT `ck_database_snapshots_size` CHECK (size >= 0)
) COMMENT='snapshots of a database';

ALTER TABLE `users` ADD COLUMN `state` VARCHAR(32) NULL;

ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(128) NOT NULL;

ALTER TABLE `users` ALTER COLUMN `email` SET DEFAULT '';

ALTER TABLE `posts` MODIFY COLUMN `title` VARCHAR(200) NULL;

-- posts.body dropped and posts.content added, both text:
-- may be a rename of column body to content
ALTER TABLE `posts` DROP COLUMN `body`;

ALTER TABLE `posts` ADD COLUMN `content` TEXT NULL;

ALTER TABLE `posts` ADD COLUMN `editor_id` INT NULL;

ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_editor_id_users` FOREIGN KEY (`editor_id`) REFERENCES `users` (`id`) ON DELETE SET NULL;

CREATE INDEX `ix_posts_title` ON `posts` (`title`);

ALTER TABLE `users` ADD CONSTRAINT `uq_users_email` UNIQUE (`email`);

ALTER TABLE `users` ADD CONSTRAINT `ck_users_state` CHECK (state IN ('active', 'gone'));

ALTER TABLE `users` COMMENT = 'people who post';

DROP TABLE `legacy_audit`;

-- retort:downgrade
CREATE TABLE `legacy_audit` (
	`id` INT NOT NULL,
	`what` VARCHAR(100) NOT NULL DEFAULT 'none',
	PRIMARY KEY (`id`)
);

ALTER TABLE `users` COMMENT = '';

ALTER TABLE `users` DROP CONSTRAINT `ck_users_state`;

ALTER TABLE `users` DROP INDEX `uq_users_email`;

DROP INDEX `ix_posts_title` ON `posts`;

ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_editor_id_users`;

ALTER TABLE `posts` DROP COLUMN `editor_id`;

ALTER TABLE `posts` DROP COLUMN `content`;

-- posts.body dropped and posts.content added, both text:
-- may be a rename of column body to content
ALTER TABLE `posts` ADD COLUMN `body` TEXT NULL;

ALTER TABLE `posts` MODIFY COLUMN `title` VARCHAR(200) NOT NULL;

ALTER TABLE `users` ALTER COLUMN `email` DROP DEFAULT;

ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(64) NOT NULL;

ALTER TABLE `users` DROP COLUMN `state`;

DROP TABLE `database_snapshots`;
