-- Flag answers, supervision opinions and their answers are the period's history: append-only.
-- A major-matter notice may go from pending to published once; after that it never changes.
CREATE OR REPLACE FUNCTION supervision_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER flag_answers_append_only BEFORE UPDATE OR DELETE ON flag_answers
  FOR EACH ROW EXECUTE FUNCTION supervision_append_only();
--> statement-breakpoint
CREATE TRIGGER supervision_opinions_append_only BEFORE UPDATE OR DELETE ON supervision_opinions
  FOR EACH ROW EXECUTE FUNCTION supervision_append_only();
--> statement-breakpoint
CREATE TRIGGER opinion_answers_append_only BEFORE UPDATE OR DELETE ON opinion_answers
  FOR EACH ROW EXECUTE FUNCTION supervision_append_only();
--> statement-breakpoint
CREATE TRIGGER flag_answers_no_truncate BEFORE TRUNCATE ON flag_answers FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE TRIGGER supervision_opinions_no_truncate BEFORE TRUNCATE ON supervision_opinions FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE TRIGGER opinion_answers_no_truncate BEFORE TRUNCATE ON opinion_answers FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION major_matters_guard() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'published major matter % cannot be changed or deleted', OLD.id USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER major_matters_immutable BEFORE UPDATE OR DELETE ON major_matters
  FOR EACH ROW EXECUTE FUNCTION major_matters_guard();
--> statement-breakpoint
CREATE TRIGGER major_matters_no_truncate BEFORE TRUNCATE ON major_matters FOR EACH STATEMENT EXECUTE FUNCTION ledgers_no_truncate();
