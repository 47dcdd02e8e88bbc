ALTER TABLE "complaints" DROP CONSTRAINT "complaints_channel";--> statement-breakpoint
ALTER TABLE "zone_cross_check_findings" ADD COLUMN "complaint_id" text;--> statement-breakpoint
ALTER TABLE "zone_cross_check_findings" ADD CONSTRAINT "zone_cross_check_findings_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "supervision_acts_area_idx" ON "supervision_acts" USING btree ("area_code","held_on");--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_channel" CHECK ("complaints"."channel" in ('online', 'direct_point', 'cross_check'));