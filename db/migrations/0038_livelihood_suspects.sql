CREATE TABLE "livelihood_suspect_steps" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "livelihood_suspect_steps_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"suspect_id" text NOT NULL,
	"kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"body" text,
	"evidence" text,
	"due_on" date,
	"answer" text,
	"payment_stopped" boolean,
	"to_recover_fen" bigint,
	"recovered_fen" bigint,
	CONSTRAINT "livelihood_suspect_steps_kind" CHECK ("livelihood_suspect_steps"."kind" in ('sent', 'answered', 'accepted', 'returned', 'corrected', 'closed')),
	CONSTRAINT "livelihood_suspect_steps_due" CHECK (("livelihood_suspect_steps"."kind" in ('sent', 'returned')) = ("livelihood_suspect_steps"."due_on" is not null)),
	CONSTRAINT "livelihood_suspect_steps_answer" CHECK (("livelihood_suspect_steps"."kind" = 'answered') = ("livelihood_suspect_steps"."answer" is not null)),
	CONSTRAINT "livelihood_suspect_steps_correction" CHECK (("livelihood_suspect_steps"."kind" = 'corrected') = ("livelihood_suspect_steps"."payment_stopped" is not null and "livelihood_suspect_steps"."to_recover_fen" is not null and "livelihood_suspect_steps"."recovered_fen" is not null))
);
--> statement-breakpoint
CREATE TABLE "livelihood_suspects" (
	"id" text PRIMARY KEY NOT NULL,
	"hit_id" bigint NOT NULL,
	"county_code" text NOT NULL,
	"department_id" text NOT NULL,
	"rule" text NOT NULL,
	"state" text NOT NULL,
	"due_on" date NOT NULL,
	"answer" text,
	"payment_stopped" boolean,
	"to_recover_fen" bigint,
	"recovered_fen" bigint,
	"sent_by" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "livelihood_suspects_hit" UNIQUE("hit_id"),
	CONSTRAINT "livelihood_suspects_state" CHECK ("livelihood_suspects"."state" in ('sent', 'answered', 'returned', 'correcting', 'corrected', 'closed')),
	CONSTRAINT "livelihood_suspects_answer" CHECK ("livelihood_suspects"."answer" is null or "livelihood_suspects"."answer" in ('confirmed', 'explained')),
	CONSTRAINT "livelihood_suspects_recovery" CHECK (("livelihood_suspects"."to_recover_fen" is null or "livelihood_suspects"."to_recover_fen" >= 0) and ("livelihood_suspects"."recovered_fen" is null or ("livelihood_suspects"."recovered_fen" >= 0 and "livelihood_suspects"."recovered_fen" <= coalesce("livelihood_suspects"."to_recover_fen", 0)))),
	CONSTRAINT "livelihood_suspects_closed" CHECK (("livelihood_suspects"."state" = 'closed') = ("livelihood_suspects"."closed_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "livelihood_suspect_steps" ADD CONSTRAINT "livelihood_suspect_steps_suspect_id_livelihood_suspects_id_fk" FOREIGN KEY ("suspect_id") REFERENCES "public"."livelihood_suspects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "livelihood_suspect_steps" ADD CONSTRAINT "livelihood_suspect_steps_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "livelihood_suspects" ADD CONSTRAINT "livelihood_suspects_hit_id_livelihood_hits_id_fk" FOREIGN KEY ("hit_id") REFERENCES "public"."livelihood_hits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "livelihood_suspects" ADD CONSTRAINT "livelihood_suspects_department_id_livelihood_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."livelihood_departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "livelihood_suspects" ADD CONSTRAINT "livelihood_suspects_sent_by_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "livelihood_suspect_steps_suspect_idx" ON "livelihood_suspect_steps" USING btree ("suspect_id","id");--> statement-breakpoint
CREATE INDEX "livelihood_suspects_county_idx" ON "livelihood_suspects" USING btree ("county_code","state","due_on");--> statement-breakpoint
CREATE INDEX "livelihood_suspects_department_idx" ON "livelihood_suspects" USING btree ("department_id","state","due_on");--> statement-breakpoint
-- A suspect's steps are its history: append-only. The suspect row carries the current state and
-- is never deleted (the steps point at it).
CREATE TRIGGER livelihood_suspect_steps_append_only BEFORE UPDATE OR DELETE ON livelihood_suspect_steps
  FOR EACH ROW EXECUTE FUNCTION supervision_append_only();
--> statement-breakpoint
CREATE TRIGGER livelihood_suspect_steps_no_truncate BEFORE TRUNCATE ON livelihood_suspect_steps FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION livelihood_suspects_no_delete() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'livelihood_suspects are never deleted' USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER livelihood_suspects_keep BEFORE DELETE ON livelihood_suspects
  FOR EACH ROW EXECUTE FUNCTION livelihood_suspects_no_delete();
--> statement-breakpoint
CREATE TRIGGER livelihood_suspects_no_truncate BEFORE TRUNCATE ON livelihood_suspects FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
