CREATE TABLE `qa_cache` (
	`key` text PRIMARY KEY NOT NULL,
	`answer` text NOT NULL,
	`lesson_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `qa_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`learner_id` integer,
	`channel` text NOT NULL,
	`question` text NOT NULL,
	`action` text NOT NULL,
	`rule` text NOT NULL,
	`lesson_id` text,
	`source` text NOT NULL,
	`grounded` integer NOT NULL,
	`feedback` integer,
	`flagged` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `qa_questions_learner` ON `qa_questions` (`learner_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `qa_questions_created` ON `qa_questions` (`created_at`);