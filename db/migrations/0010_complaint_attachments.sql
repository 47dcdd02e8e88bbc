ALTER TABLE "attachments" ADD COLUMN "complaint_id" text;--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "original_ciphertext" "bytea";--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_complaint_idx" ON "attachments" USING btree ("complaint_id");--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_complaint_owner" CHECK ("attachments"."kind" <> 'complaint' or "attachments"."complaint_id" is not null);