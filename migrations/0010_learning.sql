CREATE TABLE `lesson_mastery` (
	`learner_id` integer NOT NULL,
	`lesson_id` text NOT NULL,
	`p_known` real NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`learner_id`, `lesson_id`),
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `lesson_mastery_lesson` ON `lesson_mastery` (`lesson_id`,`p_known`);--> statement-breakpoint
CREATE TABLE `review_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`learner_id` integer NOT NULL,
	`lesson_id` text NOT NULL,
	`step_index` integer NOT NULL,
	`kind` text NOT NULL,
	`correct` integer NOT NULL,
	`first_at` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `review_answers_lesson` ON `review_answers` (`lesson_id`,`kind`);--> statement-breakpoint
CREATE INDEX `review_answers_learner` ON `review_answers` (`learner_id`);--> statement-breakpoint
CREATE TABLE `review_cards` (
	`learner_id` integer NOT NULL,
	`lesson_id` text NOT NULL,
	`step_title` text NOT NULL,
	`step_index` integer NOT NULL,
	`due` integer NOT NULL,
	`stability` real NOT NULL,
	`difficulty` real NOT NULL,
	`reps` integer NOT NULL,
	`lapses` integer NOT NULL,
	`state` integer NOT NULL,
	`last_review` integer,
	`scheduled_days` integer NOT NULL,
	`learning_steps` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`learner_id`, `lesson_id`, `step_title`),
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `review_cards_due` ON `review_cards` (`learner_id`,`due`);--> statement-breakpoint
CREATE TABLE `track_tests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`learner_id` integer NOT NULL,
	`track_id` text NOT NULL,
	`score` integer NOT NULL,
	`total` integer NOT NULL,
	`passed` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `track_tests_learner` ON `track_tests` (`learner_id`,`track_id`);--> statement-breakpoint
CREATE INDEX `track_tests_track` ON `track_tests` (`track_id`);