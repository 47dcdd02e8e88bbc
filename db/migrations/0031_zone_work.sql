CREATE TABLE "zone_case_shares" (
	"complaint_id" text NOT NULL,
	"zone_id" text NOT NULL,
	"percent" integer NOT NULL,
	"recorded_by" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "zone_case_shares_complaint_id_zone_id_pk" PRIMARY KEY("complaint_id","zone_id"),
	CONSTRAINT "zone_case_shares_percent" CHECK ("zone_case_shares"."percent" > 0 and "zone_case_shares"."percent" <= 100)
);
--> statement-breakpoint
CREATE TABLE "zone_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "zone_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"zone_id" text NOT NULL,
	"kind" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"changed_by" text,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "zone_cross_check_findings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "zone_cross_check_findings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cross_check_id" text NOT NULL,
	"body" text NOT NULL,
	"opinion_id" integer,
	"case_note" text,
	"recorded_by" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "zone_cross_checks" (
	"id" text PRIMARY KEY NOT NULL,
	"county_code" text NOT NULL,
	"inspecting_zone_id" text,
	"inspecting_township_code" text,
	"inspected_township_code" text NOT NULL,
	"subject" text NOT NULL,
	"scheduled_on" date NOT NULL,
	"due_on" date NOT NULL,
	"scheduled_by" text,
	CONSTRAINT "zone_cross_checks_one_inspector" CHECK (("zone_cross_checks"."inspecting_zone_id" is null) <> ("zone_cross_checks"."inspecting_township_code" is null)),
	CONSTRAINT "zone_cross_checks_not_own" CHECK ("zone_cross_checks"."inspecting_township_code" is null or "zone_cross_checks"."inspecting_township_code" <> "zone_cross_checks"."inspected_township_code")
);
--> statement-breakpoint
CREATE TABLE "zone_members" (
	"zone_id" text NOT NULL,
	"user_id" text NOT NULL,
	"post" text NOT NULL,
	CONSTRAINT "zone_members_zone_id_user_id_pk" PRIMARY KEY("zone_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "zone_targets" (
	"zone_id" text NOT NULL,
	"period" text NOT NULL,
	"tasks" integer NOT NULL,
	"cases" integer NOT NULL,
	"set_by" text,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "zone_targets_zone_id_period_pk" PRIMARY KEY("zone_id","period"),
	CONSTRAINT "zone_targets_period" CHECK ("zone_targets"."period" ~ '^[0-9]{4}(Q[1-4])?$'),
	CONSTRAINT "zone_targets_non_negative" CHECK ("zone_targets"."tasks" >= 0 and "zone_targets"."cases" >= 0)
);
--> statement-breakpoint
CREATE TABLE "zone_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"zone_id" text NOT NULL,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"village_code" text,
	"complaint_id" text,
	"assigned_on" date NOT NULL,
	"due_on" date NOT NULL,
	"assigned_by" text,
	"result" text,
	"result_on" date,
	"result_by" text,
	CONSTRAINT "zone_tasks_due_after_assigned" CHECK ("zone_tasks"."due_on" >= "zone_tasks"."assigned_on"),
	CONSTRAINT "zone_tasks_result_whole" CHECK (("zone_tasks"."result" is null) = ("zone_tasks"."result_on" is null))
);
--> statement-breakpoint
ALTER TABLE "zones" ALTER COLUMN "head" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "zones" ALTER COLUMN "deputies" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "zones" ALTER COLUMN "liaison" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "zone_case_shares" ADD CONSTRAINT "zone_case_shares_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_case_shares" ADD CONSTRAINT "zone_case_shares_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_case_shares" ADD CONSTRAINT "zone_case_shares_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_changes" ADD CONSTRAINT "zone_changes_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_changes" ADD CONSTRAINT "zone_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_cross_check_findings" ADD CONSTRAINT "zone_cross_check_findings_cross_check_id_zone_cross_checks_id_fk" FOREIGN KEY ("cross_check_id") REFERENCES "public"."zone_cross_checks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_cross_check_findings" ADD CONSTRAINT "zone_cross_check_findings_opinion_id_supervision_opinions_id_fk" FOREIGN KEY ("opinion_id") REFERENCES "public"."supervision_opinions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_cross_check_findings" ADD CONSTRAINT "zone_cross_check_findings_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_cross_checks" ADD CONSTRAINT "zone_cross_checks_county_code_areas_code_fk" FOREIGN KEY ("county_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_cross_checks" ADD CONSTRAINT "zone_cross_checks_inspecting_zone_id_zones_id_fk" FOREIGN KEY ("inspecting_zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_cross_checks" ADD CONSTRAINT "zone_cross_checks_inspecting_township_code_areas_code_fk" FOREIGN KEY ("inspecting_township_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_cross_checks" ADD CONSTRAINT "zone_cross_checks_inspected_township_code_areas_code_fk" FOREIGN KEY ("inspected_township_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_cross_checks" ADD CONSTRAINT "zone_cross_checks_scheduled_by_users_id_fk" FOREIGN KEY ("scheduled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_members" ADD CONSTRAINT "zone_members_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_members" ADD CONSTRAINT "zone_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_targets" ADD CONSTRAINT "zone_targets_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_targets" ADD CONSTRAINT "zone_targets_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_tasks" ADD CONSTRAINT "zone_tasks_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_tasks" ADD CONSTRAINT "zone_tasks_village_code_areas_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_tasks" ADD CONSTRAINT "zone_tasks_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_tasks" ADD CONSTRAINT "zone_tasks_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_tasks" ADD CONSTRAINT "zone_tasks_result_by_users_id_fk" FOREIGN KEY ("result_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "zone_changes_zone_idx" ON "zone_changes" USING btree ("zone_id","id");--> statement-breakpoint
CREATE INDEX "zone_cross_check_findings_check_idx" ON "zone_cross_check_findings" USING btree ("cross_check_id","id");--> statement-breakpoint
CREATE INDEX "zone_cross_checks_county_idx" ON "zone_cross_checks" USING btree ("county_code","due_on");--> statement-breakpoint
CREATE INDEX "zone_members_user_idx" ON "zone_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "zone_tasks_zone_idx" ON "zone_tasks" USING btree ("zone_id","due_on");