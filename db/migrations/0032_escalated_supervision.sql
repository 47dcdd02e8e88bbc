CREATE TABLE "escalated_designations" (
	"id" text PRIMARY KEY NOT NULL,
	"village_code" text NOT NULL,
	"commission_code" text NOT NULL,
	"reason" text NOT NULL,
	"starts_on" date NOT NULL,
	"review_on" date NOT NULL,
	"leader_id" text,
	"designated_by" text,
	"designated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_on" date,
	"end_reason" text,
	"ended_by" text,
	CONSTRAINT "escalated_designations_review_after_start" CHECK ("escalated_designations"."review_on" >= "escalated_designations"."starts_on")
);
--> statement-breakpoint
CREATE TABLE "escalated_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "escalated_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"designation_id" text NOT NULL,
	"kind" text NOT NULL,
	"occurred_on" date,
	"body" text NOT NULL,
	"leader_id" text,
	"actor_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalated_judgements" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "escalated_judgements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"designation_id" text NOT NULL,
	"village_code" text NOT NULL,
	"quarter" text NOT NULL,
	"body" text NOT NULL,
	"figures" jsonb NOT NULL,
	"written_by" text,
	"written_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "escalated_judgements_quarter_format" CHECK ("escalated_judgements"."quarter" ~ '^[0-9]{4}-Q[1-4]$')
);
--> statement-breakpoint
ALTER TABLE "escalated_designations" ADD CONSTRAINT "escalated_designations_village_code_areas_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_designations" ADD CONSTRAINT "escalated_designations_commission_code_areas_code_fk" FOREIGN KEY ("commission_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_designations" ADD CONSTRAINT "escalated_designations_leader_id_users_id_fk" FOREIGN KEY ("leader_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_designations" ADD CONSTRAINT "escalated_designations_designated_by_users_id_fk" FOREIGN KEY ("designated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_designations" ADD CONSTRAINT "escalated_designations_ended_by_users_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_events" ADD CONSTRAINT "escalated_events_designation_id_escalated_designations_id_fk" FOREIGN KEY ("designation_id") REFERENCES "public"."escalated_designations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_events" ADD CONSTRAINT "escalated_events_leader_id_users_id_fk" FOREIGN KEY ("leader_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_events" ADD CONSTRAINT "escalated_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_judgements" ADD CONSTRAINT "escalated_judgements_designation_id_escalated_designations_id_fk" FOREIGN KEY ("designation_id") REFERENCES "public"."escalated_designations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_judgements" ADD CONSTRAINT "escalated_judgements_village_code_areas_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalated_judgements" ADD CONSTRAINT "escalated_judgements_written_by_users_id_fk" FOREIGN KEY ("written_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "escalated_designations_active_village" ON "escalated_designations" USING btree ("village_code") WHERE "escalated_designations"."ended_on" is null;--> statement-breakpoint
CREATE INDEX "escalated_designations_commission_idx" ON "escalated_designations" USING btree ("commission_code","village_code");--> statement-breakpoint
CREATE INDEX "escalated_events_designation_idx" ON "escalated_events" USING btree ("designation_id","id");--> statement-breakpoint
CREATE INDEX "escalated_judgements_village_idx" ON "escalated_judgements" USING btree ("village_code","written_at");--> statement-breakpoint
-- A designation's history is kept: it is never deleted; once ended it never changes, and before that
-- only its leader and its end fields may change. Events and judgements are append-only.
CREATE OR REPLACE FUNCTION escalated_designations_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.ended_on IS NOT NULL THEN
    RAISE EXCEPTION 'escalated designation % is history: % refused', OLD.id, TG_OP USING ERRCODE = 'P0001';
  END IF;
  IF NEW.id <> OLD.id OR NEW.village_code <> OLD.village_code OR NEW.commission_code <> OLD.commission_code
     OR NEW.reason <> OLD.reason OR NEW.starts_on <> OLD.starts_on OR NEW.review_on <> OLD.review_on
     OR NEW.designated_by IS DISTINCT FROM OLD.designated_by OR NEW.designated_at <> OLD.designated_at THEN
    RAISE EXCEPTION 'escalated designation %: only the leader and the end may change', OLD.id USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER escalated_designations_history BEFORE UPDATE OR DELETE ON escalated_designations
  FOR EACH ROW EXECUTE FUNCTION escalated_designations_guard();
--> statement-breakpoint
CREATE TRIGGER escalated_events_append_only BEFORE UPDATE OR DELETE ON escalated_events
  FOR EACH ROW EXECUTE FUNCTION supervision_append_only();
--> statement-breakpoint
CREATE TRIGGER escalated_judgements_append_only BEFORE UPDATE OR DELETE ON escalated_judgements
  FOR EACH ROW EXECUTE FUNCTION supervision_append_only();
--> statement-breakpoint
CREATE TRIGGER escalated_designations_no_truncate BEFORE TRUNCATE ON escalated_designations FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE TRIGGER escalated_events_no_truncate BEFORE TRUNCATE ON escalated_events FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE TRIGGER escalated_judgements_no_truncate BEFORE TRUNCATE ON escalated_judgements FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
