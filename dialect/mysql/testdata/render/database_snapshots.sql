CREATE TABLE `database_snapshots` (
	`created_at` DATETIME NULL,
	`updated_at` DATETIME NULL,
	`deleted_at` DATETIME NULL,
	`deleted` TINYINT(1) NULL,
	`id` INT NOT NULL AUTO_INCREMENT,
	`uuid` VARCHAR(36) NOT NULL,
	`user_id` VARCHAR(32) NOT NULL,
	`instance_id` VARCHAR(36) NULL,
	`name` VARCHAR(255) NULL,
	`description` VARCHAR(255) NULL,
	`state` VARCHAR(32) NULL,
	PRIMARY KEY (`id`),
	UNIQUE INDEX `ix_database_snapshots_uuid` (`uuid`),
	INDEX `ix_database_snapshots_user_id` (`user_id`)
);
