CREATE TABLE "liaison_reminders" (
	"id" text PRIMARY KEY NOT NULL,
	"county_code" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"published_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"retired_on" date,
	"retired_by" text,
	CONSTRAINT "liaison_reminders_title_length" CHECK (char_length("liaison_reminders"."title") between 4 and 60),
	CONSTRAINT "liaison_reminders_body_length" CHECK (char_length("liaison_reminders"."body") between 10 and 1000),
	CONSTRAINT "liaison_reminders_retired_pair" CHECK (("liaison_reminders"."retired_on" is null) = ("liaison_reminders"."retired_by" is null))
);
--> statement-breakpoint
CREATE TABLE "supervision_acts" (
	"id" text PRIMARY KEY NOT NULL,
	"commission_code" text NOT NULL,
	"area_code" text NOT NULL,
	"held_on" date NOT NULL,
	"category" smallint NOT NULL,
	"kind" text NOT NULL,
	"conducted_by" text NOT NULL,
	"note" text NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supervision_acts_category_range" CHECK ("supervision_acts"."category" between 0 and 9),
	CONSTRAINT "supervision_acts_kind" CHECK ("supervision_acts"."kind" in ('reminder', 'talk', 'letter', 'criticism')),
	CONSTRAINT "supervision_acts_note_length" CHECK (char_length("supervision_acts"."note") between 4 and 300),
	CONSTRAINT "supervision_acts_conducted_by_length" CHECK (char_length("supervision_acts"."conducted_by") between 2 and 40)
);
--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "channel" text DEFAULT 'online' NOT NULL;--> statement-breakpoint
ALTER TABLE "liaison_reminders" ADD CONSTRAINT "liaison_reminders_county_code_areas_code_fk" FOREIGN KEY ("county_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaison_reminders" ADD CONSTRAINT "liaison_reminders_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaison_reminders" ADD CONSTRAINT "liaison_reminders_retired_by_users_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_acts" ADD CONSTRAINT "supervision_acts_commission_code_areas_code_fk" FOREIGN KEY ("commission_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_acts" ADD CONSTRAINT "supervision_acts_area_code_areas_code_fk" FOREIGN KEY ("area_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_acts" ADD CONSTRAINT "supervision_acts_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "liaison_reminders_county_idx" ON "liaison_reminders" USING btree ("county_code","retired_on");--> statement-breakpoint
CREATE INDEX "supervision_acts_commission_idx" ON "supervision_acts" USING btree ("commission_code","held_on");--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_channel" CHECK ("complaints"."channel" in ('online', 'direct_point'));