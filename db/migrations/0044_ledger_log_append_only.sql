-- The ledger log and its signed checkpoints only grow: a leaf's place and hash, and a day's
-- checkpoint, are what witnesses hold the portal to. Rows can be added, never changed or removed.
CREATE OR REPLACE FUNCTION ledger_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER ledger_log_append_only BEFORE UPDATE OR DELETE ON ledger_log
  FOR EACH ROW EXECUTE FUNCTION ledger_log_append_only();
--> statement-breakpoint
CREATE TRIGGER ledger_log_no_truncate BEFORE TRUNCATE ON ledger_log FOR EACH STATEMENT EXECUTE FUNCTION ledger_log_append_only();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints
  FOR EACH ROW EXECUTE FUNCTION ledger_log_append_only();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION ledger_log_append_only();
