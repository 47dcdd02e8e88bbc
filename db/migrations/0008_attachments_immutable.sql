-- A voucher scan of a published period is part of the public record's evidence: it can be added
-- and removed while the period is a draft, never afterwards, and never changed.
CREATE OR REPLACE FUNCTION attachments_guard() RETURNS trigger AS $$
DECLARE
  parent_status text;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'attachments cannot be changed' USING ERRCODE = 'P0001';
  END IF;
  SELECT status INTO parent_status FROM disclosures
   WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.disclosure_id ELSE OLD.disclosure_id END;
  IF parent_status = 'published' THEN
    RAISE EXCEPTION 'attachments of a published disclosure cannot be changed' USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER attachments_immutable BEFORE INSERT OR UPDATE OR DELETE ON attachments
  FOR EACH ROW EXECUTE FUNCTION attachments_guard();
--> statement-breakpoint
CREATE TRIGGER attachments_no_truncate BEFORE TRUNCATE ON attachments FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
