CREATE TABLE "asset_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "asset_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"disclosure_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"name" text NOT NULL,
	"asset_type" text NOT NULL,
	"quantity" numeric(14, 2) NOT NULL,
	"unit" text NOT NULL,
	"original_value_fen" bigint NOT NULL,
	"acquired_on" date,
	"location" text NOT NULL,
	"use_status" text NOT NULL,
	"lessee" text,
	"lease_start" date,
	"lease_end" date,
	"annual_rent_fen" bigint,
	"book_amount_fen" bigint NOT NULL,
	"actual_amount_fen" bigint NOT NULL,
	"gap_reason" text,
	CONSTRAINT "asset_items_disclosure_line" UNIQUE("disclosure_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "chain_heads" (
	"day" date PRIMARY KEY NOT NULL,
	"head_hash" text NOT NULL,
	"villages" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "disclosure_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"disclosure_id" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" text,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "disclosures" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "disclosures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"village_code" text NOT NULL,
	"period" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"submitted_at" timestamp with time zone,
	"submitted_by" text,
	"countersigned_at" timestamp with time zone,
	"countersigned_by" text,
	"published_at" timestamp with time zone,
	"published_by" text,
	"return_reason" text,
	"opening_balance_fen" bigint DEFAULT 0 NOT NULL,
	"chain_seq" integer,
	"content_hash" text,
	"prev_hash" text,
	CONSTRAINT "disclosures_village_period" UNIQUE("village_code","period"),
	CONSTRAINT "disclosures_village_chain" UNIQUE("village_code","chain_seq"),
	CONSTRAINT "disclosures_period_format" CHECK ("disclosures"."period" ~ '^[0-9]{4}-(Q[1-4]|0[1-9]|1[0-2])$'),
	CONSTRAINT "disclosures_published_hash" CHECK ("disclosures"."status" <> 'published' or ("disclosures"."content_hash" is not null and "disclosures"."chain_seq" is not null and "disclosures"."published_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "fund_entries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fund_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"disclosure_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"entry_date" date NOT NULL,
	"direction" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"subject" text NOT NULL,
	"summary" text NOT NULL,
	"counterparty" text NOT NULL,
	"voucher_no" text,
	"method" text NOT NULL,
	"decision_ref" text,
	"adjusts_entry_id" bigint,
	CONSTRAINT "fund_entries_disclosure_line" UNIQUE("disclosure_id","line_no"),
	CONSTRAINT "fund_entries_amount_positive" CHECK ("fund_entries"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "resource_contracts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "resource_contracts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"disclosure_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"name" text NOT NULL,
	"land_class" text NOT NULL,
	"area_mu" numeric(14, 2) NOT NULL,
	"location" text NOT NULL,
	"contractor" text NOT NULL,
	"term_start" date NOT NULL,
	"term_end" date NOT NULL,
	"annual_fee_fen" bigint NOT NULL,
	"award_method" text NOT NULL,
	"fee_status" text NOT NULL,
	"arrears_fen" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "resource_contracts_disclosure_line" UNIQUE("disclosure_id","line_no")
);
--> statement-breakpoint
ALTER TABLE "asset_items" ADD CONSTRAINT "asset_items_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_events" ADD CONSTRAINT "disclosure_events_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_events" ADD CONSTRAINT "disclosure_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosures" ADD CONSTRAINT "disclosures_village_code_areas_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosures" ADD CONSTRAINT "disclosures_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosures" ADD CONSTRAINT "disclosures_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosures" ADD CONSTRAINT "disclosures_countersigned_by_users_id_fk" FOREIGN KEY ("countersigned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosures" ADD CONSTRAINT "disclosures_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_entries" ADD CONSTRAINT "fund_entries_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_entries" ADD CONSTRAINT "fund_entries_adjusts_entry_id_fund_entries_id_fk" FOREIGN KEY ("adjusts_entry_id") REFERENCES "public"."fund_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_contracts" ADD CONSTRAINT "resource_contracts_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disclosure_events_disclosure_idx" ON "disclosure_events" USING btree ("disclosure_id","at");--> statement-breakpoint
CREATE INDEX "disclosures_status_village_idx" ON "disclosures" USING btree ("status","village_code");--> statement-breakpoint
CREATE INDEX "disclosures_village_end_idx" ON "disclosures" USING btree ("village_code","period_end");--> statement-breakpoint
CREATE INDEX "fund_entries_disclosure_date_idx" ON "fund_entries" USING btree ("disclosure_id","entry_date");--> statement-breakpoint
CREATE INDEX "fund_entries_adjusts_idx" ON "fund_entries" USING btree ("adjusts_entry_id");--> statement-breakpoint
CREATE INDEX "areas_name_trgm_idx" ON "areas" USING gin ("name" gin_trgm_ops);