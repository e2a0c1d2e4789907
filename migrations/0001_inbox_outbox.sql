CREATE TABLE `inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`message_key` text NOT NULL,
	`user_key` text NOT NULL,
	`chat_id` text NOT NULL,
	`text` text NOT NULL,
	`media` text,
	`callback_id` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inbox_user` ON `inbox` (`channel`,`user_key`,`id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`learner_id` integer,
	`method` text NOT NULL,
	`params` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_chat` ON `outbox` (`channel`,`chat_id`,`status`,`id`);--> statement-breakpoint
ALTER TABLE `learners` ADD `unreachable_at` integer;