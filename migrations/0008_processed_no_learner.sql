PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_processed_messages` (
	`channel` text NOT NULL,
	`message_key` text NOT NULL,
	`at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`channel`, `message_key`)
);
--> statement-breakpoint
INSERT INTO `__new_processed_messages`("channel", "message_key", "at") SELECT "channel", "message_key", "at" FROM `processed_messages`;--> statement-breakpoint
DROP TABLE `processed_messages`;--> statement-breakpoint
ALTER TABLE `__new_processed_messages` RENAME TO `processed_messages`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `processed_messages_at` ON `processed_messages` (`at`);