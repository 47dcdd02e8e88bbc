CREATE TABLE "debt_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "debt_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"disclosure_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"kind" text NOT NULL,
	"counterparty" text NOT NULL,
	"subject" text NOT NULL,
	"summary" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"incurred_on" date NOT NULL,
	"due_on" date,
	CONSTRAINT "debt_items_disclosure_line" UNIQUE("disclosure_id","line_no"),
	CONSTRAINT "debt_items_amount_positive" CHECK ("debt_items"."amount_fen" > 0)
);
--> statement-breakpoint
ALTER TABLE "disclosures" ADD COLUMN "content_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "debt_items" ADD CONSTRAINT "debt_items_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The debts register is frozen with its period, like the other ledger lines (0006_ledgers_immutable).
CREATE TRIGGER debt_items_immutable BEFORE INSERT OR UPDATE OR DELETE ON debt_items
  FOR EACH ROW EXECUTE FUNCTION ledger_lines_guard();
--> statement-breakpoint
CREATE TRIGGER debt_items_no_truncate BEFORE TRUNCATE ON debt_items FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
-- Lines not yet published that still carry the 2004 subject 发包及上交收入 take the 2023 subject by
-- their words, as the import does (model.ts legacySubjectFor): profits handed over → 投资收益, the
-- rest (contracting, rent) → 经营收入. Published lines keep what was published and hashed.
UPDATE fund_entries e
   SET subject = CASE WHEN (e.summary || ' ' || e.counterparty) ~ '上交|上缴|分红|利润|红利|股金|入股|投资' THEN '投资收益' ELSE '经营收入' END
  FROM disclosures d
 WHERE d.id = e.disclosure_id AND d.status <> 'published' AND e.subject = '发包及上交收入';
