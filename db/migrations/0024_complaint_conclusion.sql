ALTER TABLE "complaints" ADD COLUMN "finding" text;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "measures" jsonb;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "measures_note" text;--> statement-breakpoint
ALTER TABLE "complaint_proposals" ADD COLUMN "detail" jsonb;--> statement-breakpoint
-- A conclusion proposed before this carried the public reply as its value, not a finding: it cannot
-- be approved as it is, so it is withdrawn, and the handler proposes it again with the finding and
-- measures (the reply becomes its own step). Concluded cases keep their reply and have no finding.
UPDATE "complaint_proposals" SET "state" = 'withdrawn', "decided_on" = current_date WHERE "kind" = 'conclude' AND "state" = 'pending';
