CREATE TABLE "zones" (
	"id" text PRIMARY KEY NOT NULL,
	"county_code" text NOT NULL,
	"name" text NOT NULL,
	"township_codes" jsonb NOT NULL,
	"head" text NOT NULL,
	"deputies" jsonb NOT NULL,
	"liaison" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "zones_county_name" UNIQUE("county_code","name")
);
--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "zone_id" text;--> statement-breakpoint
ALTER TABLE "zones" ADD CONSTRAINT "zones_county_code_areas_code_fk" FOREIGN KEY ("county_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;