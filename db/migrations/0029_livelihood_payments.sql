CREATE TABLE "payment_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"item_id" text NOT NULL,
	"village_code" text NOT NULL,
	"period" text NOT NULL,
	"status" text DEFAULT 'imported' NOT NULL,
	"source_sha256" text NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"published_by" text,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_by" text,
	"withdraw_reason" text,
	CONSTRAINT "payment_batches_status" CHECK ("payment_batches"."status" in ('imported', 'published', 'withdrawn')),
	CONSTRAINT "payment_batches_period_format" CHECK ("payment_batches"."period" ~ '^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$'),
	CONSTRAINT "payment_batches_village_code" CHECK ("payment_batches"."village_code" ~ '^[0-9]{12}$' and right("payment_batches"."village_code", 3) <> '000'),
	CONSTRAINT "payment_batches_sha256" CHECK ("payment_batches"."source_sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "payment_batches_published" CHECK ("payment_batches"."status" = 'withdrawn' or (("payment_batches"."status" = 'published') = ("payment_batches"."published_at" is not null))),
	CONSTRAINT "payment_batches_withdrawn" CHECK (("payment_batches"."status" = 'withdrawn') = ("payment_batches"."withdrawn_at" is not null and "payment_batches"."withdraw_reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"batch_id" text NOT NULL,
	"line" integer NOT NULL,
	"name_hash" text NOT NULL,
	"name_masked" text NOT NULL,
	"id_hash" text NOT NULL,
	"id_last4" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"paid_on" date NOT NULL,
	"bank_account_hash" text,
	CONSTRAINT "payments_batch_line" UNIQUE("batch_id","line"),
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount_fen" > 0),
	CONSTRAINT "payments_hashes" CHECK ("payments"."name_hash" ~ '^[0-9a-f]{64}$' and "payments"."id_hash" ~ '^[0-9a-f]{64}$' and ("payments"."bank_account_hash" is null or "payments"."bank_account_hash" ~ '^[0-9a-f]{64}$')),
	CONSTRAINT "payments_id_last4" CHECK ("payments"."id_last4" ~ '^[0-9]{3}[0-9X]$'),
	CONSTRAINT "payments_name_masked" CHECK (position('*' in "payments"."name_masked") > 0 and char_length("payments"."name_masked") <= 20)
);
--> statement-breakpoint
ALTER TABLE "payment_batches" ADD CONSTRAINT "payment_batches_item_id_subsidy_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."subsidy_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_batches" ADD CONSTRAINT "payment_batches_village_code_areas_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_batch_id_payment_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."payment_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_batches_village_idx" ON "payment_batches" USING btree ("village_code","period");--> statement-breakpoint
CREATE INDEX "payment_batches_item_idx" ON "payment_batches" USING btree ("item_id","period");--> statement-breakpoint
CREATE INDEX "payments_id_hash_idx" ON "payments" USING btree ("id_hash");--> statement-breakpoint
CREATE INDEX "payments_bank_account_idx" ON "payments" USING btree ("bank_account_hash");