CREATE TABLE "lesson_mastery" (
	"learner_id" bigint NOT NULL,
	"lesson_id" text NOT NULL,
	"p_known" double precision NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "lesson_mastery_learner_id_lesson_id_pk" PRIMARY KEY("learner_id","lesson_id")
);
--> statement-breakpoint
CREATE TABLE "review_answers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"learner_id" bigint NOT NULL,
	"lesson_id" text NOT NULL,
	"step_index" integer NOT NULL,
	"kind" text NOT NULL,
	"correct" boolean NOT NULL,
	"first_at" bigint,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_cards" (
	"learner_id" bigint NOT NULL,
	"lesson_id" text NOT NULL,
	"step_title" text NOT NULL,
	"step_index" integer NOT NULL,
	"due" bigint NOT NULL,
	"stability" double precision NOT NULL,
	"difficulty" double precision NOT NULL,
	"reps" integer NOT NULL,
	"lapses" integer NOT NULL,
	"state" integer NOT NULL,
	"last_review" bigint,
	"scheduled_days" integer NOT NULL,
	"learning_steps" integer NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "review_cards_learner_id_lesson_id_step_title_pk" PRIMARY KEY("learner_id","lesson_id","step_title")
);
--> statement-breakpoint
CREATE TABLE "track_tests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"learner_id" bigint NOT NULL,
	"track_id" text NOT NULL,
	"score" integer NOT NULL,
	"total" integer NOT NULL,
	"passed" boolean NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "lesson_mastery" ADD CONSTRAINT "lesson_mastery_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_answers" ADD CONSTRAINT "review_answers_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_cards" ADD CONSTRAINT "review_cards_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_tests" ADD CONSTRAINT "track_tests_learner_id_learners_id_fk" FOREIGN KEY ("learner_id") REFERENCES "learners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lesson_mastery_lesson" ON "lesson_mastery" USING btree ("lesson_id","p_known");--> statement-breakpoint
CREATE INDEX "review_answers_lesson" ON "review_answers" USING btree ("lesson_id","kind");--> statement-breakpoint
CREATE INDEX "review_answers_learner" ON "review_answers" USING btree ("learner_id");--> statement-breakpoint
CREATE INDEX "review_cards_due" ON "review_cards" USING btree ("learner_id","due");--> statement-breakpoint
CREATE INDEX "track_tests_learner" ON "track_tests" USING btree ("learner_id","track_id");--> statement-breakpoint
CREATE INDEX "track_tests_track" ON "track_tests" USING btree ("track_id");