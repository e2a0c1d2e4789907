DROP INDEX `outbox_pending`;--> statement-breakpoint
DROP INDEX `outbox_chat`;