-- A published county list is a public record: it may never be changed or removed.
-- The application never tries; these triggers make sure nothing else can either.
CREATE OR REPLACE FUNCTION county_lists_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status = 'published' THEN
      RAISE EXCEPTION 'published county list % version % cannot be deleted', OLD.county_code, OLD.version
        USING ERRCODE = 'P0001';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'published county list % version % cannot be changed', OLD.county_code, OLD.version
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER county_lists_immutable
  BEFORE UPDATE OR DELETE ON county_lists
  FOR EACH ROW EXECUTE FUNCTION county_lists_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION county_list_items_guard() RETURNS trigger AS $$
DECLARE
  list_status text;
BEGIN
  SELECT status INTO list_status FROM county_lists
   WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.list_id ELSE OLD.list_id END;
  IF list_status = 'published' THEN
    RAISE EXCEPTION 'items of a published county list cannot be changed' USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.list_id <> OLD.list_id THEN
    SELECT status INTO list_status FROM county_lists WHERE id = NEW.list_id;
    IF list_status = 'published' THEN
      RAISE EXCEPTION 'items of a published county list cannot be changed' USING ERRCODE = 'P0001';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER county_list_items_immutable
  BEFORE INSERT OR UPDATE OR DELETE ON county_list_items
  FOR EACH ROW EXECUTE FUNCTION county_list_items_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION county_lists_no_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% cannot be truncated: it holds published county lists', TG_TABLE_NAME USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER county_lists_no_truncate BEFORE TRUNCATE ON county_lists
  FOR EACH STATEMENT EXECUTE FUNCTION county_lists_no_truncate();
--> statement-breakpoint
CREATE TRIGGER county_list_items_no_truncate BEFORE TRUNCATE ON county_list_items
  FOR EACH STATEMENT EXECUTE FUNCTION county_lists_no_truncate();
