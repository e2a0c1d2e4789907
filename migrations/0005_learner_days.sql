CREATE TABLE `learner_days` (
	`day` integer NOT NULL,
	`learner_id` integer NOT NULL,
	PRIMARY KEY(`day`, `learner_id`),
	FOREIGN KEY (`learner_id`) REFERENCES `learners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `learner_days_learner` ON `learner_days` (`learner_id`);--> statement-breakpoint
INSERT OR IGNORE INTO `learner_days` (`day`, `learner_id`) SELECT DISTINCT (`at` + 25200000) / 86400000, `learner_id` FROM `progress_events`;
