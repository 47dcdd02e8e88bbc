CREATE TABLE "complaint_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "complaint_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"complaint_id" text NOT NULL,
	"on" date NOT NULL,
	"at" timestamp with time zone,
	"actor_id" text,
	"kind" text NOT NULL,
	"public" boolean NOT NULL,
	"text" text
);
--> statement-breakpoint
CREATE TABLE "complaint_identities" (
	"complaint_id" text PRIMARY KEY NOT NULL,
	"ciphertext" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_submissions" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"complaint_id" text NOT NULL,
	"receipt_ciphertext" text NOT NULL,
	"created_on" date NOT NULL,
	CONSTRAINT "complaint_submissions_complaint" UNIQUE("complaint_id")
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" text PRIMARY KEY NOT NULL,
	"receipt_hmac" text NOT NULL,
	"category" text NOT NULL,
	"area_code" text NOT NULL,
	"routed_scope_code" text NOT NULL,
	"subject_role" text,
	"subject_name" text,
	"item_code" text,
	"village_code" text,
	"title" text NOT NULL,
	"content" text NOT NULL,
	"occurred_on" date,
	"filed_on" date NOT NULL,
	"anonymous" boolean NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"assignee_id" text,
	"public_reply" text,
	"rating" integer,
	CONSTRAINT "complaints_receipt_hmac_unique" UNIQUE("receipt_hmac"),
	CONSTRAINT "complaints_filed_on_is_a_day" CHECK ("complaints"."filed_on" is not null),
	CONSTRAINT "complaints_rating_range" CHECK ("complaints"."rating" is null or "complaints"."rating" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_identities" ADD CONSTRAINT "complaint_identities_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_submissions" ADD CONSTRAINT "complaint_submissions_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_area_code_areas_code_fk" FOREIGN KEY ("area_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_routed_scope_code_areas_code_fk" FOREIGN KEY ("routed_scope_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_events_complaint_idx" ON "complaint_events" USING btree ("complaint_id","id");--> statement-breakpoint
CREATE INDEX "complaints_routed_status_idx" ON "complaints" USING btree ("routed_scope_code","status","filed_on");--> statement-breakpoint
CREATE INDEX "complaints_area_idx" ON "complaints" USING btree ("area_code","filed_on");