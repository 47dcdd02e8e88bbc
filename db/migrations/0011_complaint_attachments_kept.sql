-- Complaint attachments are evidence: never changed, never deleted. Voucher scans keep their rule
-- (removable while the period is a draft, frozen once it is published).
CREATE OR REPLACE FUNCTION attachments_guard() RETURNS trigger AS $$
DECLARE
  parent_status text;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'attachments cannot be changed' USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'DELETE' AND OLD.kind = 'complaint' THEN
    RAISE EXCEPTION 'complaint attachments cannot be changed or deleted' USING ERRCODE = 'P0001';
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
