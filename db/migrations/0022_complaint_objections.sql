CREATE TABLE "complaint_objections" (
	"id" text PRIMARY KEY NOT NULL,
	"complaint_id" text NOT NULL,
	"filed_on" date NOT NULL,
	"reasons" text NOT NULL,
	"due_on" date NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"answer" text,
	"answer_text" text,
	"answered_by" text,
	"answered_on" date,
	"pressed_on" date,
	CONSTRAINT "complaint_objections_answered" CHECK (("complaint_objections"."state" = 'answered') = ("complaint_objections"."answer" is not null and "complaint_objections"."answered_on" is not null))
);
--> statement-breakpoint
ALTER TABLE "complaint_objections" ADD CONSTRAINT "complaint_objections_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_objections" ADD CONSTRAINT "complaint_objections_answered_by_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_objections_complaint_idx" ON "complaint_objections" USING btree ("complaint_id","filed_on");--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_objections_one_open" ON "complaint_objections" USING btree ("complaint_id") WHERE "complaint_objections"."state" = 'open';--> statement-breakpoint
-- Review requests (复查) become objections: the old request had reopened the case one level up
-- already, so each is an objection answered by reopening, on the day it was made, with its reasons
-- from the case history. Its limit is approximated in calendar days (15 working days are about 21);
-- SQL has no holiday calendar. The history entries are renamed, the column goes.
INSERT INTO "complaint_objections" ("id", "complaint_id", "filed_on", "reasons", "due_on", "state", "answer", "answer_text", "answered_on")
SELECT gen_random_uuid()::text, c."id", c."review_requested_on",
       coalesce((select e."text" from "complaint_events" e where e."complaint_id" = c."id" and e."kind" = 'reviewRequested' order by e."seq" desc limit 1), '（复查申请，未记录理由）'),
       c."review_requested_on" + 21, 'answered', 'reopened', '按原复查申请，案件已由上一级纪委监委重新办理', c."review_requested_on"
  FROM "complaints" c
 WHERE c."review_requested_on" IS NOT NULL;--> statement-breakpoint
UPDATE "complaint_events" SET "kind" = 'objected' WHERE "kind" = 'reviewRequested';--> statement-breakpoint
ALTER TABLE "complaints" DROP COLUMN "review_requested_on";