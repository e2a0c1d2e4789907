CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`learner_id` integer NOT NULL,
	`reason` text NOT NULL,
	`lesson_id` text,
	`step` integer,
	`opened_at` integer NOT NULL,
	`answered_at` integer,
	`reminded_at` integer,
	`closed_at` integer,
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_one_open` ON `tickets` (`learner_id`) WHERE "tickets"."closed_at" is null;--> statement-breakpoint
CREATE INDEX `tickets_learner` ON `tickets` (`learner_id`,`id`);--> statement-breakpoint
CREATE INDEX `tickets_opened` ON `tickets` (`opened_at`);