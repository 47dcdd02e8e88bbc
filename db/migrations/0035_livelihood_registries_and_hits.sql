CREATE TABLE "livelihood_hits" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "livelihood_hits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"rule" text NOT NULL,
	"payment_id" bigint NOT NULL,
	"batch_id" text NOT NULL,
	"item_id" text NOT NULL,
	"department_id" text NOT NULL,
	"village_code" text NOT NULL,
	"county_code" text NOT NULL,
	"period" text NOT NULL,
	"found_at" timestamp with time zone DEFAULT now() NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cleared_at" timestamp with time zone,
	CONSTRAINT "livelihood_hits_rule_payment" UNIQUE("rule","payment_id"),
	CONSTRAINT "livelihood_hits_rule" CHECK ("livelihood_hits"."rule" in ('deceased', 'official', 'cadre_relative', 'two_villages', 'paid_twice', 'above_standard', 'shared_account', 'vehicle', 'business'))
);
--> statement-breakpoint
CREATE TABLE "registry_businesses" (
	"import_id" text NOT NULL,
	"county_code" text NOT NULL,
	"line" integer NOT NULL,
	"id_hash" text NOT NULL,
	"registered_on" date NOT NULL,
	CONSTRAINT "registry_businesses_import_line" UNIQUE("import_id","line"),
	CONSTRAINT "registry_businesses_hash" CHECK ("registry_businesses"."id_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "registry_deaths" (
	"import_id" text NOT NULL,
	"county_code" text NOT NULL,
	"line" integer NOT NULL,
	"id_hash" text NOT NULL,
	"died_on" date NOT NULL,
	CONSTRAINT "registry_deaths_import_line" UNIQUE("import_id","line"),
	CONSTRAINT "registry_deaths_hash" CHECK ("registry_deaths"."id_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "registry_imports" (
	"id" text PRIMARY KEY NOT NULL,
	"county_code" text NOT NULL,
	"kind" text NOT NULL,
	"row_count" integer NOT NULL,
	"source_sha256" text NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replaced_at" timestamp with time zone,
	CONSTRAINT "registry_imports_kind" CHECK ("registry_imports"."kind" in ('deaths', 'officials', 'relatives', 'vehicles', 'businesses')),
	CONSTRAINT "registry_imports_sha256" CHECK ("registry_imports"."source_sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "registry_imports_rows" CHECK ("registry_imports"."row_count" > 0)
);
--> statement-breakpoint
CREATE TABLE "registry_officials" (
	"import_id" text NOT NULL,
	"county_code" text NOT NULL,
	"line" integer NOT NULL,
	"id_hash" text NOT NULL,
	"employer" text NOT NULL,
	"kind" text NOT NULL,
	CONSTRAINT "registry_officials_import_line" UNIQUE("import_id","line"),
	CONSTRAINT "registry_officials_hash" CHECK ("registry_officials"."id_hash" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "registry_officials_kind" CHECK ("registry_officials"."kind" in ('public_employee', 'village_cadre')),
	CONSTRAINT "registry_officials_employer" CHECK (char_length("registry_officials"."employer") between 2 and 60)
);
--> statement-breakpoint
CREATE TABLE "registry_relatives" (
	"import_id" text NOT NULL,
	"county_code" text NOT NULL,
	"line" integer NOT NULL,
	"cadre_id_hash" text NOT NULL,
	"relative_id_hash" text NOT NULL,
	"relation" text NOT NULL,
	CONSTRAINT "registry_relatives_import_line" UNIQUE("import_id","line"),
	CONSTRAINT "registry_relatives_hashes" CHECK ("registry_relatives"."cadre_id_hash" ~ '^[0-9a-f]{64}$' and "registry_relatives"."relative_id_hash" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "registry_relatives_relation" CHECK ("registry_relatives"."relation" in ('spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild'))
);
--> statement-breakpoint
CREATE TABLE "registry_vehicles" (
	"import_id" text NOT NULL,
	"county_code" text NOT NULL,
	"line" integer NOT NULL,
	"id_hash" text NOT NULL,
	"plate_tail" text,
	CONSTRAINT "registry_vehicles_import_line" UNIQUE("import_id","line"),
	CONSTRAINT "registry_vehicles_hash" CHECK ("registry_vehicles"."id_hash" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "registry_vehicles_plate" CHECK ("registry_vehicles"."plate_tail" is null or char_length("registry_vehicles"."plate_tail") between 1 and 3)
);
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "certifier_id_hash" text;--> statement-breakpoint
ALTER TABLE "livelihood_hits" ADD CONSTRAINT "livelihood_hits_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "livelihood_hits" ADD CONSTRAINT "livelihood_hits_batch_id_payment_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."payment_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "livelihood_hits" ADD CONSTRAINT "livelihood_hits_item_id_subsidy_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."subsidy_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "livelihood_hits" ADD CONSTRAINT "livelihood_hits_department_id_livelihood_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."livelihood_departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_businesses" ADD CONSTRAINT "registry_businesses_import_id_registry_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."registry_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_deaths" ADD CONSTRAINT "registry_deaths_import_id_registry_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."registry_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_imports" ADD CONSTRAINT "registry_imports_county_code_areas_code_fk" FOREIGN KEY ("county_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_officials" ADD CONSTRAINT "registry_officials_import_id_registry_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."registry_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_relatives" ADD CONSTRAINT "registry_relatives_import_id_registry_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."registry_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_vehicles" ADD CONSTRAINT "registry_vehicles_import_id_registry_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."registry_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "livelihood_hits_county_idx" ON "livelihood_hits" USING btree ("county_code","found_at");--> statement-breakpoint
CREATE INDEX "livelihood_hits_department_idx" ON "livelihood_hits" USING btree ("department_id","found_at");--> statement-breakpoint
CREATE INDEX "livelihood_hits_village_idx" ON "livelihood_hits" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "registry_businesses_id_idx" ON "registry_businesses" USING btree ("county_code","id_hash");--> statement-breakpoint
CREATE INDEX "registry_deaths_id_idx" ON "registry_deaths" USING btree ("county_code","id_hash");--> statement-breakpoint
CREATE INDEX "registry_imports_county_idx" ON "registry_imports" USING btree ("county_code","kind","imported_at");--> statement-breakpoint
CREATE INDEX "registry_officials_id_idx" ON "registry_officials" USING btree ("county_code","id_hash");--> statement-breakpoint
CREATE INDEX "registry_relatives_cadre_idx" ON "registry_relatives" USING btree ("county_code","cadre_id_hash");--> statement-breakpoint
CREATE INDEX "registry_vehicles_id_idx" ON "registry_vehicles" USING btree ("county_code","id_hash");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_certifier_hash" CHECK ("payments"."certifier_id_hash" is null or "payments"."certifier_id_hash" ~ '^[0-9a-f]{64}$');