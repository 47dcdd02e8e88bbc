CREATE TABLE "staff_notices" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"complaint_id" text NOT NULL,
	"kind" text NOT NULL,
	"on" date NOT NULL,
	"read" boolean DEFAULT false NOT NULL,
	"outbound" text DEFAULT 'pending' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "contact" text;--> statement-breakpoint
ALTER TABLE "staff_notices" ADD CONSTRAINT "staff_notices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notices" ADD CONSTRAINT "staff_notices_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "staff_notices_user_idx" ON "staff_notices" USING btree ("user_id","read","on");--> statement-breakpoint
CREATE INDEX "staff_notices_pending_idx" ON "staff_notices" USING btree ("user_id") WHERE "staff_notices"."outbound" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "staff_notices_one_unread" ON "staff_notices" USING btree ("user_id","complaint_id","kind") WHERE not "staff_notices"."read";--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_contact_length" CHECK (length("users"."contact") <= 254);--> statement-breakpoint
-- Escalations (提级) leave a trace in the sender's view from now on, as a closed referral of kind
-- 'escalate'; the ones made before are rebuilt from their audit entries (sender, target, officer, day, reason).
INSERT INTO "complaint_referrals" ("id", "complaint_id", "kind", "from_scope_code", "to_scope_code", "sent_by", "sent_on", "due_on", "state", "report", "closed_on")
  SELECT gen_random_uuid()::text, a."subject_id", 'escalate', a."scope_code", a."detail"->>'to', a."actor_id",
         (a."at" at time zone 'Asia/Shanghai')::date, (a."at" at time zone 'Asia/Shanghai')::date, 'closed', a."reason", (a."at" at time zone 'Asia/Shanghai')::date
    FROM "audit_events" a
   WHERE a."action" = 'complaint.escalate' AND a."subject_type" = 'complaint'
     AND EXISTS (select 1 from "complaints" c where c."id" = a."subject_id")
     AND EXISTS (select 1 from "users" u where u."id" = a."actor_id")
     AND EXISTS (select 1 from "areas" s where s."code" = a."scope_code")
     AND EXISTS (select 1 from "areas" t where t."code" = a."detail"->>'to');--> statement-breakpoint
-- Hand-downs that migration 0020 made from township assignments have no referral row. Rebuild one
-- where the data allows: the officer and day of the holding commission's last step on the case (an
-- audit entry, else a history entry) stand for the hand-down's; the limit is approximated as 42
-- calendar days (30 working days; SQL has no holiday calendar). Open while the case is, closed otherwise.
INSERT INTO "complaint_referrals" ("id", "complaint_id", "kind", "from_scope_code", "to_scope_code", "sent_by", "sent_on", "due_on", "state", "closed_on")
  SELECT gen_random_uuid()::text, c."id", 'hand_down', c."routed_scope_code", c."handed_down_to", s."sent_by", s."sent_on", s."sent_on" + 42,
         CASE WHEN c."status" in ('received', 'accepted', 'in_progress') AND c."merged_into_id" IS NULL
                   AND NOT EXISTS (select 1 from "complaint_referrals" o where o."complaint_id" = c."id" and o."state" <> 'closed')
              THEN 'open' ELSE 'closed' END,
         CASE WHEN c."status" in ('received', 'accepted', 'in_progress') AND c."merged_into_id" IS NULL
                   AND NOT EXISTS (select 1 from "complaint_referrals" o where o."complaint_id" = c."id" and o."state" <> 'closed')
              THEN NULL ELSE (now() at time zone 'Asia/Shanghai')::date END
    FROM "complaints" c
    CROSS JOIN LATERAL (
      SELECT x."sent_by", x."sent_on" FROM (
        SELECT a."actor_id" AS "sent_by", (a."at" at time zone 'Asia/Shanghai')::date AS "sent_on", 1 AS "rank"
          FROM "audit_events" a JOIN "users" u ON u."id" = a."actor_id"
         WHERE a."subject_type" = 'complaint' AND a."subject_id" = c."id" AND u."scope_code" = c."routed_scope_code"
        UNION ALL
        SELECT e."actor_id", e."on", 2
          FROM "complaint_events" e JOIN "users" u ON u."id" = e."actor_id"
         WHERE e."complaint_id" = c."id" AND u."scope_code" = c."routed_scope_code"
      ) x ORDER BY x."rank", x."sent_on" DESC LIMIT 1
    ) s
   WHERE c."handed_down_to" IS NOT NULL
     AND NOT EXISTS (select 1 from "complaint_referrals" r where r."complaint_id" = c."id" and r."kind" = 'hand_down');--> statement-breakpoint
-- Zone assignment is its own step in the history (it was an internal note 分派至…).
UPDATE "complaint_events" e SET "kind" = 'zoneAssigned'
 WHERE e."kind" = 'note' AND NOT e."public" AND e."text" LIKE '分派至%'
   AND EXISTS (select 1 from "audit_events" a where a."action" = 'complaint.zoneAssigned' and a."subject_id" = e."complaint_id"
                  and a."actor_id" = e."actor_id" and a."detail"->>'zone' = substr(e."text", 4));
