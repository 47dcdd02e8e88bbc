CREATE TABLE "complaint_flow_counts" (
	"month" text NOT NULL,
	"place" text NOT NULL,
	"category" text NOT NULL,
	"channel" text NOT NULL,
	"measure" text NOT NULL,
	"count" integer NOT NULL,
	"days" bigint NOT NULL,
	CONSTRAINT "complaint_flow_counts_month_place_category_channel_measure_pk" PRIMARY KEY("month","place","category","channel","measure"),
	CONSTRAINT "complaint_flow_counts_measure" CHECK ("complaint_flow_counts"."measure" in ('received', 'accepted', 'concluded'))
);--> statement-breakpoint
-- The public complaint statistics (complaints/statistics.ts) are kept here as they happen instead
-- of being added up from complaints and complaint_events on every request. One row per month,
-- place (the first nine digits of the area code: a township with its villages, or "xxxxxx000", a
-- county itself: nothing finer is ever published), category, channel and measure; `days` adds up
-- the days from filing to the month's last acceptance or conclusion of each case counted.
--
-- The rule counted is the one the from-scratch query had (and the tests keep as their oracle):
-- - received: one per complaint, in the month of its filing day;
-- - accepted, concluded: one per complaint and month in which it has at least one event of that
--   kind (accepted twice in a month counts once), with days = its last such day − the filing day.
--
-- Triggers keep it, so every write path is covered, present and future (the app, the scale
-- loader's COPY, a console session). Every trigger applies a DIFFERENCE (count = count + n): an
-- upsert of a difference is safe under concurrency, because ON CONFLICT waits for the row another
-- transaction holds and then adds to what that one committed; recounting a cell from the base
-- tables would overwrite a concurrent filing that the recount could not see. The differences of a
-- case's events are taken with its complaint row locked (the complaint_events_seq trigger already
-- locks it on every insert), so two steps on one case are counted one after the other.
--
-- Nothing in the app changes a complaint's area, category, channel or filing day, deletes a
-- complaint or rewrites an event (transfers, escalation, hand-downs, merges and reopening change
-- only the holder and the state). Tests and repairs do, so those are handled too instead of
-- refused: an UPDATE moves the case's counts from its old cell to its new one, a DELETE takes them
-- out, a TRUNCATE empties the counts it fed.
CREATE OR REPLACE FUNCTION complaint_flows_of_case(p_id text, p_area text, p_category text, p_channel text, p_filed date, p_sign integer)
RETURNS TABLE (month text, place text, category text, channel text, measure text, count integer, days bigint) AS $$
  SELECT to_char(p_filed, 'YYYY-MM'), left(p_area, 9), p_category, p_channel, 'received', p_sign, 0::bigint
  UNION ALL
  SELECT to_char(e."on", 'YYYY-MM'), left(p_area, 9), p_category, p_channel, e.kind, p_sign, p_sign * max(e."on" - p_filed)::bigint
    FROM complaint_events e
   WHERE e.complaint_id = p_id AND e.kind IN ('accepted', 'concluded')
   GROUP BY to_char(e."on", 'YYYY-MM'), e.kind
$$ LANGUAGE sql STABLE;--> statement-breakpoint
-- A filing: one more received in its cell. Statement level, so a multi-row INSERT or a COPY adds
-- each cell once, in key order (two bulk loads lock cells in the same order: no deadlock). A new
-- complaint has no events yet (they reference it).
CREATE OR REPLACE FUNCTION complaint_flows_filed() RETURNS trigger AS $$
BEGIN
  INSERT INTO complaint_flow_counts AS f (month, place, category, channel, measure, count, days)
  SELECT to_char(n.filed_on, 'YYYY-MM'), left(n.area_code, 9), n.category, n.channel, 'received', count(*)::integer, 0
    FROM filed n
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 2, 3, 4
  ON CONFLICT (month, place, category, channel, measure) DO UPDATE SET count = f.count + excluded.count;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER complaint_flows_filed AFTER INSERT ON complaints REFERENCING NEW TABLE AS filed
  FOR EACH STATEMENT EXECUTE FUNCTION complaint_flows_filed();--> statement-breakpoint
-- A complaint changed where it is counted, or was deleted: its counts (its filing and its
-- events, as they are now; one row's events do not change in a statement about complaints) leave
-- the old cell and, for an update, join the new one. Row level, fired only when a counted column
-- changes, so the status updates of casework cost nothing.
CREATE OR REPLACE FUNCTION complaint_flows_moved() RETURNS trigger AS $$
BEGIN
  INSERT INTO complaint_flow_counts AS f (month, place, category, channel, measure, count, days)
  SELECT m.month, m.place, m.category, m.channel, m.measure, sum(m.count)::integer, sum(m.days)::bigint
    FROM (
      SELECT * FROM complaint_flows_of_case(OLD.id, OLD.area_code, OLD.category, OLD.channel, OLD.filed_on, -1)
      UNION ALL
      SELECT * FROM complaint_flows_of_case(NEW.id, NEW.area_code, NEW.category, NEW.channel, NEW.filed_on, 1) WHERE TG_OP = 'UPDATE'
    ) m
   GROUP BY 1, 2, 3, 4, 5
  HAVING sum(m.count) <> 0 OR sum(m.days) <> 0
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (month, place, category, channel, measure) DO UPDATE SET count = f.count + excluded.count, days = f.days + excluded.days;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER complaint_flows_moved AFTER UPDATE OF area_code, category, channel, filed_on ON complaints FOR EACH ROW
  WHEN (OLD.area_code IS DISTINCT FROM NEW.area_code OR OLD.category IS DISTINCT FROM NEW.category
        OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.filed_on IS DISTINCT FROM NEW.filed_on)
  EXECUTE FUNCTION complaint_flows_moved();--> statement-breakpoint
CREATE TRIGGER complaint_flows_deleted AFTER DELETE ON complaints FOR EACH ROW EXECUTE FUNCTION complaint_flows_moved();--> statement-breakpoint
-- Acceptances and conclusions inserted, changed or deleted. Statement level over the rows the
-- statement wrote (`added`, from new_steps) and the ones it replaced or removed (`removed`, from
-- old_steps): for each case touched, its counts now (its acceptances and conclusions as the table
-- holds them) minus its counts before (the same without `added`, with `removed`). That is right for one row or many, for a second
-- acceptance in a month (count +0; days move only if it is later), and for any update.
CREATE OR REPLACE FUNCTION complaint_flows_stepped() RETURNS trigger AS $$
DECLARE
  added complaint_events[];
  removed complaint_events[];
BEGIN
  -- (Each branch is planned only when it runs: a DELETE trigger has no new_steps.)
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT array_agg(n) INTO added FROM new_steps n WHERE n.kind IN ('accepted', 'concluded');
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT array_agg(o) INTO removed FROM old_steps o WHERE o.kind IN ('accepted', 'concluded');
  END IF;
  -- Most steps (notes, replies, hand-downs…) are not counted: nothing to do.
  IF added IS NULL AND removed IS NULL THEN RETURN NULL; END IF;
  -- Inserts hold these locks already (complaint_events_seq); updates and deletes queue here.
  PERFORM 1 FROM complaints
    WHERE id IN (SELECT complaint_id FROM unnest(added) UNION SELECT complaint_id FROM unnest(removed))
    ORDER BY id FOR NO KEY UPDATE;
  WITH touched AS (
    SELECT complaint_id FROM unnest(added) UNION SELECT complaint_id FROM unnest(removed)
  ), now_steps AS (
    SELECT e.complaint_id, e.seq, e.kind, e."on"
      FROM complaint_events e JOIN touched t ON t.complaint_id = e.complaint_id
     WHERE e.kind IN ('accepted', 'concluded')
  ), then_steps AS (
    SELECT s.complaint_id, s.seq, s.kind, s."on" FROM now_steps s
     WHERE NOT EXISTS (SELECT 1 FROM unnest(added) a WHERE a.complaint_id = s.complaint_id AND a.seq = s.seq)
    UNION ALL
    SELECT r.complaint_id, r.seq, r.kind, r."on" FROM unnest(removed) r
  ), per_case AS (
    SELECT complaint_id, kind, to_char("on", 'YYYY-MM') AS month, 1 AS sign, max("on") AS last_on FROM now_steps GROUP BY 1, 2, 3
    UNION ALL
    SELECT complaint_id, kind, to_char("on", 'YYYY-MM') AS month, -1 AS sign, max("on") AS last_on FROM then_steps GROUP BY 1, 2, 3
  )
  INSERT INTO complaint_flow_counts AS f (month, place, category, channel, measure, count, days)
  SELECT p.month, left(c.area_code, 9), c.category, c.channel, p.kind, sum(p.sign)::integer, sum(p.sign * (p.last_on - c.filed_on))::bigint
    FROM per_case p JOIN complaints c ON c.id = p.complaint_id
   GROUP BY 1, 2, 3, 4, 5
  HAVING sum(p.sign) <> 0 OR sum(p.sign * (p.last_on - c.filed_on)) <> 0
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (month, place, category, channel, measure) DO UPDATE SET count = f.count + excluded.count, days = f.days + excluded.days;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER complaint_flows_stepped AFTER INSERT ON complaint_events REFERENCING NEW TABLE AS new_steps
  FOR EACH STATEMENT EXECUTE FUNCTION complaint_flows_stepped();--> statement-breakpoint
CREATE TRIGGER complaint_flows_restepped AFTER UPDATE ON complaint_events REFERENCING OLD TABLE AS old_steps NEW TABLE AS new_steps
  FOR EACH STATEMENT EXECUTE FUNCTION complaint_flows_stepped();--> statement-breakpoint
CREATE TRIGGER complaint_flows_unstepped AFTER DELETE ON complaint_events REFERENCING OLD TABLE AS old_steps
  FOR EACH STATEMENT EXECUTE FUNCTION complaint_flows_stepped();--> statement-breakpoint
CREATE OR REPLACE FUNCTION complaint_flows_truncated() RETURNS trigger AS $$
BEGIN
  IF TG_TABLE_NAME = 'complaints' THEN
    DELETE FROM complaint_flow_counts;
  ELSE
    DELETE FROM complaint_flow_counts WHERE measure <> 'received';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER complaint_flows_truncated AFTER TRUNCATE ON complaints FOR EACH STATEMENT EXECUTE FUNCTION complaint_flows_truncated();--> statement-breakpoint
CREATE TRIGGER complaint_flows_truncated AFTER TRUNCATE ON complaint_events FOR EACH STATEMENT EXECUTE FUNCTION complaint_flows_truncated();--> statement-breakpoint
-- What is already there, counted once by the rule above.
INSERT INTO complaint_flow_counts (month, place, category, channel, measure, count, days)
SELECT month, left(area_code, 9), category, channel, measure, count(*)::integer, sum(days)::bigint
  FROM (
    SELECT c.area_code, c.category, c.channel, to_char(c.filed_on, 'YYYY-MM') AS month, 'received' AS measure, 0 AS days
      FROM complaints c
    UNION ALL
    SELECT c.area_code, c.category, c.channel, to_char(e."on", 'YYYY-MM'), e.kind, max(e."on" - c.filed_on)
      FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id
     WHERE e.kind IN ('accepted', 'concluded')
     GROUP BY c.id, c.area_code, c.category, c.channel, to_char(e."on", 'YYYY-MM'), e.kind
  ) facts
 GROUP BY 1, 2, 3, 4, 5;
