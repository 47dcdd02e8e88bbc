CREATE TABLE "flag_answers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "flag_answers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"disclosure_id" integer NOT NULL,
	"flag_key" text NOT NULL,
	"role" text NOT NULL,
	"body" text NOT NULL,
	"answered_by" text,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "major_matters" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "major_matters_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"village_code" text NOT NULL,
	"disclosure_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"entry_date" date NOT NULL,
	"direction" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"subject" text NOT NULL,
	"summary" text NOT NULL,
	"counterparty" text NOT NULL,
	"decision_ref" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"reported_by" text,
	"reported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" text,
	"published_at" timestamp with time zone,
	CONSTRAINT "major_matters_amount_positive" CHECK ("major_matters"."amount_fen" > 0),
	CONSTRAINT "major_matters_published" CHECK ("major_matters"."status" <> 'published' or "major_matters"."published_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "opinion_answers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "opinion_answers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"opinion_id" integer NOT NULL,
	"body" text NOT NULL,
	"answered_by" text,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "opinion_answers_opinion" UNIQUE("opinion_id")
);
--> statement-breakpoint
CREATE TABLE "supervision_opinions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "supervision_opinions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"disclosure_id" integer NOT NULL,
	"line_no" integer,
	"village_code" text NOT NULL,
	"body" text NOT NULL,
	"due_on" date NOT NULL,
	"raised_by" text,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "village_cadences" (
	"village_code" text PRIMARY KEY NOT NULL,
	"cadence" text NOT NULL,
	"set_by" text,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flag_answers" ADD CONSTRAINT "flag_answers_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_answers" ADD CONSTRAINT "flag_answers_answered_by_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "major_matters" ADD CONSTRAINT "major_matters_village_code_areas_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "major_matters" ADD CONSTRAINT "major_matters_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "major_matters" ADD CONSTRAINT "major_matters_reported_by_users_id_fk" FOREIGN KEY ("reported_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "major_matters" ADD CONSTRAINT "major_matters_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opinion_answers" ADD CONSTRAINT "opinion_answers_opinion_id_supervision_opinions_id_fk" FOREIGN KEY ("opinion_id") REFERENCES "public"."supervision_opinions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opinion_answers" ADD CONSTRAINT "opinion_answers_answered_by_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_opinions" ADD CONSTRAINT "supervision_opinions_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_opinions" ADD CONSTRAINT "supervision_opinions_village_code_areas_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_opinions" ADD CONSTRAINT "supervision_opinions_raised_by_users_id_fk" FOREIGN KEY ("raised_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "village_cadences" ADD CONSTRAINT "village_cadences_village_code_areas_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "village_cadences" ADD CONSTRAINT "village_cadences_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flag_answers_disclosure_idx" ON "flag_answers" USING btree ("disclosure_id","flag_key","role","id");--> statement-breakpoint
CREATE INDEX "major_matters_village_idx" ON "major_matters" USING btree ("village_code","status","entry_date");--> statement-breakpoint
CREATE INDEX "supervision_opinions_village_idx" ON "supervision_opinions" USING btree ("village_code","raised_at");--> statement-breakpoint
CREATE INDEX "supervision_opinions_disclosure_idx" ON "supervision_opinions" USING btree ("disclosure_id");