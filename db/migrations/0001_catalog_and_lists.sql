CREATE TABLE "areas" (
	"code" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"name" text NOT NULL,
	"parent_code" text,
	"is_demo" boolean DEFAULT false NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "areas_code_format" CHECK ("areas"."code" ~ '^[0-9]{12}$')
);
--> statement-breakpoint
CREATE TABLE "catalog_categories" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"sort" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_items" (
	"code" text PRIMARY KEY NOT NULL,
	"category_code" text NOT NULL,
	"level" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"summary" text NOT NULL,
	"legal_basis" jsonb NOT NULL,
	"implementing_body" text NOT NULL,
	"materials" jsonb NOT NULL,
	"materials_note" text,
	"fee" text NOT NULL,
	"time_limit_unit" text NOT NULL,
	"time_limit_days" integer,
	"time_limit_note" text,
	"steps" jsonb NOT NULL,
	"risks" jsonb NOT NULL,
	"accountability" jsonb NOT NULL,
	"channel" text NOT NULL,
	"sort" integer NOT NULL,
	"search_text" text NOT NULL,
	CONSTRAINT "catalog_items_name_unique" UNIQUE("name"),
	CONSTRAINT "catalog_items_time_limit_days" CHECK (("catalog_items"."time_limit_unit" = 'onTheSpot' and "catalog_items"."time_limit_days" is null) or ("catalog_items"."time_limit_unit" <> 'onTheSpot'))
);
--> statement-breakpoint
CREATE TABLE "county_list_items" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "county_list_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"list_id" integer NOT NULL,
	"item_code" text,
	"custom_code" text,
	"overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"custom" jsonb,
	"snapshot" jsonb,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "county_list_items_list_item" UNIQUE("list_id","item_code"),
	CONSTRAINT "county_list_items_list_custom" UNIQUE("list_id","custom_code"),
	CONSTRAINT "county_list_items_kind" CHECK (("county_list_items"."item_code" is not null and "county_list_items"."custom" is null and "county_list_items"."custom_code" is null)
       or ("county_list_items"."item_code" is null and "county_list_items"."custom" is not null and "county_list_items"."custom_code" is not null))
);
--> statement-breakpoint
CREATE TABLE "county_lists" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "county_lists_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"county_code" text NOT NULL,
	"version" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"effective_on" date,
	"note" text,
	"published_at" timestamp with time zone,
	"published_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "county_lists_county_version" UNIQUE("county_code","version"),
	CONSTRAINT "county_lists_published_fields" CHECK ("county_lists"."status" = 'draft' or ("county_lists"."effective_on" is not null and "county_lists"."published_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "areas" ADD CONSTRAINT "areas_parent_code_areas_code_fk" FOREIGN KEY ("parent_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_category_code_catalog_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."catalog_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "county_list_items" ADD CONSTRAINT "county_list_items_list_id_county_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."county_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "county_list_items" ADD CONSTRAINT "county_list_items_item_code_catalog_items_code_fk" FOREIGN KEY ("item_code") REFERENCES "public"."catalog_items"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "county_lists" ADD CONSTRAINT "county_lists_county_code_areas_code_fk" FOREIGN KEY ("county_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "areas_parent_idx" ON "areas" USING btree ("parent_code","sort");--> statement-breakpoint
CREATE INDEX "areas_level_code_idx" ON "areas" USING btree ("level","code");--> statement-breakpoint
CREATE INDEX "catalog_items_category_idx" ON "catalog_items" USING btree ("category_code","sort");--> statement-breakpoint
CREATE INDEX "catalog_items_search_trgm_idx" ON "catalog_items" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "county_lists_county_status_idx" ON "county_lists" USING btree ("county_code","status","version");