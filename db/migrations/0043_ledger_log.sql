CREATE TABLE "ledger_checkpoints" (
	"day" date PRIMARY KEY NOT NULL,
	"tree_size" bigint NOT NULL,
	"root_hash" text NOT NULL,
	"note" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_log" (
	"leaf_index" bigint PRIMARY KEY NOT NULL,
	"disclosure_id" integer NOT NULL,
	"content_hash" text NOT NULL,
	"appended_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_log_disclosure" UNIQUE("disclosure_id"),
	CONSTRAINT "ledger_log_index_nonnegative" CHECK ("ledger_log"."leaf_index" >= 0),
	CONSTRAINT "ledger_log_hash_format" CHECK ("ledger_log"."content_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "ledger_log" ADD CONSTRAINT "ledger_log_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;