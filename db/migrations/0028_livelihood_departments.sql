CREATE TABLE "livelihood_departments" (
	"id" text PRIMARY KEY NOT NULL,
	"county_code" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "livelihood_departments_county_name" UNIQUE("county_code","name"),
	CONSTRAINT "livelihood_departments_name_length" CHECK (char_length("livelihood_departments"."name") between 3 and 40)
);
--> statement-breakpoint
CREATE TABLE "subsidy_items" (
	"id" text PRIMARY KEY NOT NULL,
	"department_id" text NOT NULL,
	"name" text NOT NULL,
	"standard_text" text NOT NULL,
	"standard_fen" bigint,
	"legal_basis" text NOT NULL,
	"catalog_code" text,
	"forbids_vehicle" boolean DEFAULT false NOT NULL,
	"forbids_business" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_at" timestamp with time zone,
	"updated_by" text,
	CONSTRAINT "subsidy_items_department_name" UNIQUE("department_id","name"),
	CONSTRAINT "subsidy_items_name_length" CHECK (char_length("subsidy_items"."name") between 2 and 40),
	CONSTRAINT "subsidy_items_standard_positive" CHECK ("subsidy_items"."standard_fen" is null or "subsidy_items"."standard_fen" > 0)
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "department_id" text;--> statement-breakpoint
ALTER TABLE "livelihood_departments" ADD CONSTRAINT "livelihood_departments_county_code_areas_code_fk" FOREIGN KEY ("county_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_items" ADD CONSTRAINT "subsidy_items_department_id_livelihood_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."livelihood_departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_items" ADD CONSTRAINT "subsidy_items_catalog_code_catalog_items_code_fk" FOREIGN KEY ("catalog_code") REFERENCES "public"."catalog_items"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subsidy_items_catalog_idx" ON "subsidy_items" USING btree ("catalog_code");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_department_id_livelihood_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."livelihood_departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_department_by_role" CHECK (("users"."role" = 'department') = ("users"."department_id" is not null));