CREATE TABLE "ledger_import_previews" (
	"token" text PRIMARY KEY NOT NULL,
	"disclosure_id" integer NOT NULL,
	"actor_id" text NOT NULL,
	"mode" text NOT NULL,
	"file_name" text NOT NULL,
	"file_sha256" text NOT NULL,
	"draft_state" text NOT NULL,
	"rows" jsonb NOT NULL,
	"notices" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_import_previews_mode" CHECK ("ledger_import_previews"."mode" in ('add', 'replace'))
);
--> statement-breakpoint
ALTER TABLE "ledger_import_previews" ADD CONSTRAINT "ledger_import_previews_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_import_previews" ADD CONSTRAINT "ledger_import_previews_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_import_previews_expires_idx" ON "ledger_import_previews" USING btree ("expires_at");