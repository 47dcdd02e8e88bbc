-- Nothing stored with or about a complaint carries a time finer than the day (DESIGN.md §2).
-- 1. Complaint attachments lose their upload time; only voucher scans keep one. Complaint files are
--    otherwise never changed (trigger attachments_immutable): this one correction is made with the
--    trigger held off inside the migration's transaction.
ALTER TABLE "attachments" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "attachments" ALTER COLUMN "created_at" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "attachments" DISABLE TRIGGER "attachments_immutable";--> statement-breakpoint
UPDATE "attachments" SET "created_at" = NULL WHERE "kind" = 'complaint';--> statement-breakpoint
ALTER TABLE "attachments" ENABLE TRIGGER "attachments_immutable";--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_time_only_for_vouchers" CHECK (("attachments"."kind" = 'voucher') = ("attachments"."created_at" is not null));--> statement-breakpoint
-- 2. Case events lose their time (staff steps too: they sit beside the citizen's own steps and
--    would bracket them) and the counter shared by all cases, which ordered every filing against
--    other cases' staff steps; they are numbered within their case instead, in the old order.
ALTER TABLE "complaint_events" ADD COLUMN "seq" integer;--> statement-breakpoint
UPDATE "complaint_events" AS e SET "seq" = n.seq
  FROM (SELECT "id", (row_number() OVER (PARTITION BY "complaint_id" ORDER BY "id"))::integer AS seq FROM "complaint_events") AS n
 WHERE n."id" = e."id";--> statement-breakpoint
ALTER TABLE "complaint_events" ALTER COLUMN "seq" SET NOT NULL;--> statement-breakpoint
DROP INDEX "complaint_events_complaint_idx";--> statement-breakpoint
ALTER TABLE "complaint_events" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "complaint_events" DROP COLUMN "at";--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_complaint_id_seq_pk" PRIMARY KEY("complaint_id","seq");--> statement-breakpoint
-- The number is assigned here, whatever the insert sends, so no code path can number events
-- globally. Locking the case row first queues concurrent steps on one case instead of letting
-- them collide on the same number (NO KEY UPDATE does not block inserts that reference the case).
CREATE OR REPLACE FUNCTION complaint_events_next_seq() RETURNS trigger AS $$
BEGIN
  PERFORM 1 FROM complaints WHERE id = NEW.complaint_id FOR NO KEY UPDATE;
  SELECT coalesce(max(seq), 0) + 1 INTO NEW.seq FROM complaint_events WHERE complaint_id = NEW.complaint_id;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER complaint_events_seq BEFORE INSERT ON complaint_events FOR EACH ROW EXECUTE FUNCTION complaint_events_next_seq();
