CREATE TABLE `conversation_states` (
	`learner_id` integer PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `learners` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`channel_user_id` text NOT NULL,
	`chat_id` text NOT NULL,
	`consent` integer,
	`consent_at` integer,
	`created_at` integer NOT NULL,
	`last_active_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `learners_channel_user` ON `learners` (`channel`,`channel_user_id`);--> statement-breakpoint
CREATE TABLE `lesson_progress` (
	`learner_id` integer NOT NULL,
	`lesson_id` text NOT NULL,
	`status` text NOT NULL,
	`step_reached` integer NOT NULL,
	`started_at` integer NOT NULL,
	`completed_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`learner_id`, `lesson_id`),
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `lesson_progress_lesson` ON `lesson_progress` (`lesson_id`,`status`);--> statement-breakpoint
CREATE TABLE `processed_messages` (
	`channel` text NOT NULL,
	`message_key` text NOT NULL,
	`learner_id` integer,
	`at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`channel`, `message_key`),
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `processed_messages_at` ON `processed_messages` (`at`);--> statement-breakpoint
CREATE TABLE `progress_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`learner_id` integer NOT NULL,
	`type` text NOT NULL,
	`lesson_id` text NOT NULL,
	`step_index` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `progress_events_lesson` ON `progress_events` (`lesson_id`,`type`);--> statement-breakpoint
CREATE INDEX `progress_events_learner` ON `progress_events` (`learner_id`);--> statement-breakpoint
CREATE TABLE `quiz_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`learner_id` integer NOT NULL,
	`lesson_id` text NOT NULL,
	`step_index` integer NOT NULL,
	`attempt` integer NOT NULL,
	`option_index` integer NOT NULL,
	`correct` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `quiz_attempts_learner` ON `quiz_attempts` (`learner_id`);--> statement-breakpoint
CREATE INDEX `quiz_attempts_lesson` ON `quiz_attempts` (`lesson_id`,`step_index`);