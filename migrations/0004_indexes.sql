DROP INDEX `lesson_progress_lesson`;--> statement-breakpoint
CREATE INDEX `lesson_progress_lesson` ON `lesson_progress` (`lesson_id`,`status`,`step_reached`);--> statement-breakpoint
DROP INDEX `quiz_attempts_lesson`;--> statement-breakpoint
CREATE INDEX `quiz_attempts_lesson` ON `quiz_attempts` (`lesson_id`,`step_index`,`learner_id`,`attempt`,`correct`);--> statement-breakpoint
CREATE INDEX `learners_last_active` ON `learners` (`last_active_at`);--> statement-breakpoint
CREATE INDEX `learners_created` ON `learners` (`created_at`);--> statement-breakpoint
CREATE INDEX `outbox_status_id` ON `outbox` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `progress_events_at` ON `progress_events` (`at`,`learner_id`);