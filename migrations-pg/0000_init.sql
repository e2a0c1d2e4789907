CREATE TABLE "announcements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"recipients" integer NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"learner_id" bigint NOT NULL,
	"track_id" text NOT NULL,
	"track_title" text NOT NULL,
	"first_name" text,
	"issued_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_states" (
	"learner_id" bigint PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"message_key" text NOT NULL,
	"user_key" text NOT NULL,
	"chat_id" text NOT NULL,
	"text" text NOT NULL,
	"media" text,
	"callback_id" text,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "learner_days" (
	"day" integer NOT NULL,
	"learner_id" bigint NOT NULL,
	CONSTRAINT "learner_days_day_learner_id_pk" PRIMARY KEY("day","learner_id")
);
--> statement-breakpoint
CREATE TABLE "learner_leases" (
	"key" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"until" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "learners" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"channel_user_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"consent" boolean,
	"consent_at" bigint,
	"reminders" boolean,
	"reminded_at" bigint,
	"unreachable_at" bigint,
	"created_at" bigint NOT NULL,
	"last_active_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lesson_progress" (
	"learner_id" bigint NOT NULL,
	"lesson_id" text NOT NULL,
	"status" text NOT NULL,
	"step_reached" integer NOT NULL,
	"started_at" bigint NOT NULL,
	"completed_at" bigint,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "lesson_progress_learner_id_lesson_id_pk" PRIMARY KEY("learner_id","lesson_id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"chat_id" text NOT NULL,
	"learner_id" bigint,
	"method" text NOT NULL,
	"params" text NOT NULL,
	"parts_sent" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"sent_at" bigint,
	"lease_owner" text,
	"lease_until" bigint,
	"forget" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_messages" (
	"channel" text NOT NULL,
	"message_key" text NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "processed_messages_channel_message_key_pk" PRIMARY KEY("channel","message_key")
);
--> statement-breakpoint
CREATE TABLE "progress_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"learner_id" bigint NOT NULL,
	"type" text NOT NULL,
	"lesson_id" text NOT NULL,
	"step_index" integer,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qa_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"answer" text NOT NULL,
	"lesson_id" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qa_questions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"learner_id" bigint,
	"channel" text NOT NULL,
	"question" text NOT NULL,
	"action" text NOT NULL,
	"rule" text NOT NULL,
	"lesson_id" text,
	"source" text NOT NULL,
	"grounded" boolean NOT NULL,
	"feedback" integer,
	"flagged" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quiz_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"learner_id" bigint NOT NULL,
	"lesson_id" text NOT NULL,
	"step_index" integer NOT NULL,
	"attempt" integer NOT NULL,
	"option_index" integer NOT NULL,
	"correct" boolean NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "send_rate" (
	"bucket" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_states" ADD CONSTRAINT "conversation_states_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learner_days" ADD CONSTRAINT "learner_days_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_progress" ADD CONSTRAINT "lesson_progress_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_events" ADD CONSTRAINT "progress_events_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_questions" ADD CONSTRAINT "qa_questions_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_code" ON "certificates" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_learner_track" ON "certificates" USING btree ("learner_id","track_id");--> statement-breakpoint
CREATE INDEX "inbox_learner" ON "inbox" USING btree ("channel","user_key","id");--> statement-breakpoint
CREATE INDEX "learner_days_learner" ON "learner_days" USING btree ("learner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "learners_channel_user" ON "learners" USING btree ("channel","channel_user_id");--> statement-breakpoint
CREATE INDEX "learners_last_active" ON "learners" USING btree ("last_active_at");--> statement-breakpoint
CREATE INDEX "learners_created" ON "learners" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "lesson_progress_lesson" ON "lesson_progress" USING btree ("lesson_id","status","step_reached");--> statement-breakpoint
CREATE INDEX "outbox_pending_chat" ON "outbox" USING btree ("channel","chat_id","id") WHERE "outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_pending" ON "outbox" USING btree ("id") WHERE "outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_status_sent" ON "outbox" USING btree ("status","sent_at");--> statement-breakpoint
CREATE INDEX "processed_messages_at" ON "processed_messages" USING btree ("at");--> statement-breakpoint
CREATE INDEX "progress_events_lesson" ON "progress_events" USING btree ("lesson_id","type");--> statement-breakpoint
CREATE INDEX "progress_events_learner" ON "progress_events" USING btree ("learner_id");--> statement-breakpoint
CREATE INDEX "progress_events_at" ON "progress_events" USING btree ("at","learner_id");--> statement-breakpoint
CREATE INDEX "qa_questions_learner" ON "qa_questions" USING btree ("learner_id","created_at");--> statement-breakpoint
CREATE INDEX "qa_questions_created" ON "qa_questions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "quiz_attempts_learner" ON "quiz_attempts" USING btree ("learner_id");--> statement-breakpoint
CREATE INDEX "quiz_attempts_lesson" ON "quiz_attempts" USING btree ("lesson_id","step_index","learner_id","attempt","correct");