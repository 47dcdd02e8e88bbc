-- A published disclosure is a public record: neither it nor any ledger line under it may change.
-- Corrections are adjusting entries in a later period. Transitions are an append-only history.
CREATE OR REPLACE FUNCTION disclosures_guard() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'published disclosure % % cannot be changed or deleted', OLD.village_code, OLD.period
      USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER disclosures_immutable BEFORE UPDATE OR DELETE ON disclosures
  FOR EACH ROW EXECUTE FUNCTION disclosures_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_lines_guard() RETURNS trigger AS $$
DECLARE
  parent_status text;
BEGIN
  SELECT status INTO parent_status FROM disclosures
   WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.disclosure_id ELSE OLD.disclosure_id END;
  IF parent_status = 'published' THEN
    RAISE EXCEPTION 'lines of a published disclosure cannot be changed (%)', TG_TABLE_NAME USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.disclosure_id <> OLD.disclosure_id THEN
    SELECT status INTO parent_status FROM disclosures WHERE id = NEW.disclosure_id;
    IF parent_status = 'published' THEN
      RAISE EXCEPTION 'lines of a published disclosure cannot be changed (%)', TG_TABLE_NAME USING ERRCODE = 'P0001';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER fund_entries_immutable BEFORE INSERT OR UPDATE OR DELETE ON fund_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_lines_guard();
--> statement-breakpoint
CREATE TRIGGER asset_items_immutable BEFORE INSERT OR UPDATE OR DELETE ON asset_items
  FOR EACH ROW EXECUTE FUNCTION ledger_lines_guard();
--> statement-breakpoint
CREATE TRIGGER resource_contracts_immutable BEFORE INSERT OR UPDATE OR DELETE ON resource_contracts
  FOR EACH ROW EXECUTE FUNCTION ledger_lines_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION disclosure_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'disclosure_events is append-only: % refused', TG_OP USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER disclosure_events_append_only BEFORE UPDATE OR DELETE ON disclosure_events
  FOR EACH ROW EXECUTE FUNCTION disclosure_events_append_only();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledgers_no_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% cannot be truncated: it holds published ledgers', TG_TABLE_NAME USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER disclosures_no_truncate BEFORE TRUNCATE ON disclosures FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE TRIGGER fund_entries_no_truncate BEFORE TRUNCATE ON fund_entries FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE TRIGGER asset_items_no_truncate BEFORE TRUNCATE ON asset_items FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE TRIGGER resource_contracts_no_truncate BEFORE TRUNCATE ON resource_contracts FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE TRIGGER disclosure_events_no_truncate BEFORE TRUNCATE ON disclosure_events FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION chain_heads_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'chain_heads is append-only: % refused', TG_OP USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER chain_heads_append_only BEFORE UPDATE OR DELETE ON chain_heads
  FOR EACH ROW EXECUTE FUNCTION chain_heads_append_only();
--> statement-breakpoint
CREATE TRIGGER chain_heads_no_truncate BEFORE TRUNCATE ON chain_heads FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
