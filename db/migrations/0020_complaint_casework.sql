CREATE TABLE "complaint_county_settings" (
	"county_code" text PRIMARY KEY NOT NULL,
	"hand_down_days" integer NOT NULL,
	"transfer_days" integer NOT NULL,
	CONSTRAINT "complaint_county_settings_hand_down_days" CHECK ("complaint_county_settings"."hand_down_days" between 1 and 90),
	CONSTRAINT "complaint_county_settings_transfer_days" CHECK ("complaint_county_settings"."transfer_days" between 1 and 90)
);
--> statement-breakpoint
CREATE TABLE "complaint_departments" (
	"id" text PRIMARY KEY NOT NULL,
	"county_code" text NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "complaint_departments_county_name" UNIQUE("county_code","name")
);
--> statement-breakpoint
CREATE TABLE "complaint_proposals" (
	"id" text PRIMARY KEY NOT NULL,
	"complaint_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" text,
	"reason" text,
	"proposed_by" text NOT NULL,
	"proposed_on" date NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_on" date,
	"decision_note" text,
	CONSTRAINT "complaint_proposals_two_people" CHECK ("complaint_proposals"."decided_by" is null or "complaint_proposals"."decided_by" <> "complaint_proposals"."proposed_by")
);
--> statement-breakpoint
CREATE TABLE "complaint_referrals" (
	"id" text PRIMARY KEY NOT NULL,
	"complaint_id" text NOT NULL,
	"kind" text NOT NULL,
	"from_scope_code" text NOT NULL,
	"to_scope_code" text,
	"department_id" text,
	"sent_by" text NOT NULL,
	"sent_on" date NOT NULL,
	"due_on" date NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"report" text,
	"reported_on" date,
	"closed_on" date,
	CONSTRAINT "complaint_referrals_target" CHECK (("complaint_referrals"."kind" = 'transfer') = ("complaint_referrals"."department_id" is not null) and ("complaint_referrals"."kind" = 'transfer') = ("complaint_referrals"."to_scope_code" is null))
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "approver" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "subject_level" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "arrived_on" date;--> statement-breakpoint
-- A case arrived at its commission when it was filed, or when it was last moved up (escalation, review request).
UPDATE "complaints" c SET "arrived_on" = coalesce(
  (select max(e."on") from "complaint_events" e where e."complaint_id" = c."id" and e."kind" in ('escalated', 'reviewRequested')),
  c."filed_on");--> statement-breakpoint
ALTER TABLE "complaints" ALTER COLUMN "arrived_on" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "handed_down_to" text;--> statement-breakpoint
ALTER TABLE "complaint_county_settings" ADD CONSTRAINT "complaint_county_settings_county_code_areas_code_fk" FOREIGN KEY ("county_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_departments" ADD CONSTRAINT "complaint_departments_county_code_areas_code_fk" FOREIGN KEY ("county_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_proposals" ADD CONSTRAINT "complaint_proposals_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_proposals" ADD CONSTRAINT "complaint_proposals_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_proposals" ADD CONSTRAINT "complaint_proposals_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_referrals" ADD CONSTRAINT "complaint_referrals_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_referrals" ADD CONSTRAINT "complaint_referrals_from_scope_code_areas_code_fk" FOREIGN KEY ("from_scope_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_referrals" ADD CONSTRAINT "complaint_referrals_to_scope_code_areas_code_fk" FOREIGN KEY ("to_scope_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_referrals" ADD CONSTRAINT "complaint_referrals_department_id_complaint_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."complaint_departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_referrals" ADD CONSTRAINT "complaint_referrals_sent_by_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_proposals_complaint_idx" ON "complaint_proposals" USING btree ("complaint_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_proposals_one_pending" ON "complaint_proposals" USING btree ("complaint_id","kind") WHERE "complaint_proposals"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "complaint_referrals_complaint_idx" ON "complaint_referrals" USING btree ("complaint_id","sent_on");--> statement-breakpoint
CREATE INDEX "complaint_referrals_from_idx" ON "complaint_referrals" USING btree ("from_scope_code","sent_on");--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_referrals_one_open" ON "complaint_referrals" USING btree ("complaint_id") WHERE "complaint_referrals"."state" <> 'closed';--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_handed_down_to_areas_code_fk" FOREIGN KEY ("handed_down_to") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaints_handed_down_idx" ON "complaints" USING btree ("handed_down_to");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_approver_commission" CHECK (not "users"."approver" or "users"."role" = 'commission');;--> statement-breakpoint
-- Who a case is about, from the key-personnel category given at filing: village cadres; the heads of
-- township bodies; the heads of county departments' stations in the township (county staff).
-- Everything else stays 'unknown' (the old form did not ask).
UPDATE "complaints" SET "subject_level" = CASE
  WHEN "subject_role" = '村（社区）“两委”干部' THEN 'village_cadre'
  WHEN "subject_role" in ('乡镇行政综合执法队长', '综合服务中心主任', '退役军人服务站长') THEN 'township_cadre'
  WHEN "subject_role" in ('卫生院长', '中小学校长', '供电所长', '派出所长', '基层法庭庭长', '市场监管分局局长') THEN 'county_staff'
  ELSE 'unknown' END;--> statement-breakpoint
-- The old rule sent every complaint about a county-level place to the city; by jurisdiction only
-- county leaders go there. Cases the city has not yet taken up (received, not escalated or
-- reviewed, not about a commission head: those went to the province) move to the county
-- commission, arriving today, with a note saying why; cases the city already works stay with it.
CREATE TEMPORARY TABLE "complaints_rerouted" AS
  SELECT c."id", c."routed_scope_code" AS "from_code", substr(c."area_code", 1, 6) || '000000' AS "to_code"
    FROM "complaints" c
   WHERE c."status" = 'received' AND c."merged_into_id" IS NULL
     AND substr(c."area_code", 5, 2) <> '00' AND substr(c."area_code", 7, 6) = '000000'
     AND c."routed_scope_code" = substr(c."area_code", 1, 4) || '00000000'
     AND NOT EXISTS (select 1 from "complaint_events" e where e."complaint_id" = c."id" and e."kind" in ('escalated', 'reviewRequested'));--> statement-breakpoint
UPDATE "complaints" c SET "routed_scope_code" = r."to_code", "arrived_on" = (now() at time zone 'Asia/Shanghai')::date, "assignee_id" = NULL
  FROM "complaints_rerouted" r WHERE r."id" = c."id";--> statement-breakpoint
INSERT INTO "complaint_events" ("complaint_id", "seq", "on", "actor_id", "kind", "public", "text")
  SELECT r."id", 0, (now() at time zone 'Asia/Shanghai')::date, NULL, 'note', false, '按管理权限改由县纪委监委办理（系统升级时由市纪委监委转来）'
    FROM "complaints_rerouted" r;--> statement-breakpoint
DROP TABLE "complaints_rerouted";--> statement-breakpoint
-- A case "assigned" to a township commission account was a hand-down: it is now handed down to
-- that township's commission. Any other assignee outside the commission holding the case is no
-- handler of it.
UPDATE "complaints" c SET "handed_down_to" = u."scope_code", "assignee_id" = NULL
  FROM "users" u
 WHERE u."id" = c."assignee_id" AND u."role" = 'commission'
   AND substr(u."scope_code", 7, 3) <> '000' AND substr(u."scope_code", 10, 3) = '000'
   AND substr(u."scope_code", 1, 6) = substr(c."routed_scope_code", 1, 6);--> statement-breakpoint
UPDATE "complaints" c SET "assignee_id" = NULL
  FROM "users" u
 WHERE u."id" = c."assignee_id" AND u."scope_code" IS DISTINCT FROM c."routed_scope_code";