CREATE TABLE "tickets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"learner_id" bigint NOT NULL,
	"reason" text NOT NULL,
	"lesson_id" text,
	"step" integer,
	"opened_at" bigint NOT NULL,
	"answered_at" bigint,
	"reminded_at" bigint,
	"closed_at" bigint
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_one_open" ON "tickets" USING btree ("learner_id") WHERE "tickets"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "tickets_learner" ON "tickets" USING btree ("learner_id","id");--> statement-breakpoint
CREATE INDEX "tickets_opened" ON "tickets" USING btree ("opened_at");