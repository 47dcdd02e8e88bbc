-- Livelihood cross-checks (issue 14 item 4): each rule is a named SQL function over one county's
-- payments that answers (payment_id, detail) for every payment it finds; detail holds the rule's
-- evidence without personal data. livelihood_run_cross_checks(county) writes them to
-- livelihood_hits. Only batches that are not withdrawn count, as subjects and as counterparts.

-- The county's payments that count: in a batch not withdrawn, of an item of a department of the county.
CREATE OR REPLACE FUNCTION livelihood_county_payments(p_county text)
RETURNS TABLE (payment_id bigint, id_hash text, amount_fen bigint, paid_on date, bank_account_hash text, certifier_id_hash text,
               batch_id text, item_id text, department_id text, village_code text, period text,
               standard_fen bigint, forbids_vehicle boolean, forbids_business boolean)
LANGUAGE sql STABLE AS $$
  SELECT p.id, p.id_hash, p.amount_fen, p.paid_on, p.bank_account_hash, p.certifier_id_hash,
         b.id, i.id, d.id, b.village_code, b.period, i.standard_fen, i.forbids_vehicle, i.forbids_business
  FROM payments p
  JOIN payment_batches b ON b.id = p.batch_id
  JOIN subsidy_items i ON i.id = b.item_id
  JOIN livelihood_departments d ON d.id = i.department_id
  WHERE d.county_code = p_county AND b.status <> 'withdrawn'
$$;
--> statement-breakpoint
-- (a) deceased: the recipient is in the county's death registry with a date of death before the payment date
-- (a death on the payment day or later is no hit). detail: { diedOn } (the earliest recorded).
CREATE OR REPLACE FUNCTION livelihood_check_deceased(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  SELECT c.payment_id, jsonb_build_object('diedOn', min(r.died_on)::text)
  FROM livelihood_county_payments(p_county) c
  JOIN registry_deaths r ON r.county_code = p_county AND r.id_hash = c.id_hash AND r.died_on < c.paid_on
  GROUP BY c.payment_id
$$;
--> statement-breakpoint
-- (b) official: the recipient is in the county's register of public employees and village cadres.
-- detail: { officialKind: public_employee | village_cadre, employer }.
CREATE OR REPLACE FUNCTION livelihood_check_official(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT ON (c.payment_id) c.payment_id, jsonb_build_object('officialKind', o.kind, 'employer', o.employer)
  FROM livelihood_county_payments(p_county) c
  JOIN registry_officials o ON o.county_code = p_county AND o.id_hash = c.id_hash
  ORDER BY c.payment_id, o.kind DESC, o.line
$$;
--> statement-breakpoint
-- (c) cadre_relative: the village cadre who certified the application (payments.certifier_id_hash) is
-- recorded with the recipient as a close relative, or certified their own payment.
-- detail: { relation: spouse | parent | child | sibling | grandparent | grandchild | self }.
CREATE OR REPLACE FUNCTION livelihood_check_cadre_relative(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT ON (f.payment_id) f.payment_id, jsonb_build_object('relation', f.relation)
  FROM (
    SELECT c.payment_id, r.relation, r.line AS rank
    FROM livelihood_county_payments(p_county) c
    JOIN registry_relatives r ON r.county_code = p_county AND r.cadre_id_hash = c.certifier_id_hash AND r.relative_id_hash = c.id_hash
    UNION ALL
    SELECT c.payment_id, 'self', 0 FROM livelihood_county_payments(p_county) c WHERE c.certifier_id_hash = c.id_hash
  ) f
  ORDER BY f.payment_id, f.rank
$$;
--> statement-breakpoint
-- (d1) two_villages: the same person paid the same item for the same period in another village too
-- (any batch, a supplementary one included). detail: { otherPaymentIds, villages } (villages counts all).
CREATE OR REPLACE FUNCTION livelihood_check_two_villages(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  WITH cp AS (SELECT * FROM livelihood_county_payments(p_county))
  SELECT c.payment_id, jsonb_build_object('otherPaymentIds', jsonb_agg(o.payment_id ORDER BY o.payment_id), 'villages', count(DISTINCT o.village_code) + 1)
  FROM cp c
  JOIN cp o ON o.id_hash = c.id_hash AND o.item_id = c.item_id AND o.period = c.period AND o.village_code <> c.village_code
  GROUP BY c.payment_id
$$;
--> statement-breakpoint
-- (d2) paid_twice: the same person paid the same item for the same period more than once in one village
-- (two rows of a batch, or a batch and its supplementary batch). detail: { otherPaymentIds }.
CREATE OR REPLACE FUNCTION livelihood_check_paid_twice(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  WITH cp AS (SELECT * FROM livelihood_county_payments(p_county))
  SELECT c.payment_id, jsonb_build_object('otherPaymentIds', jsonb_agg(o.payment_id ORDER BY o.payment_id))
  FROM cp c
  JOIN cp o ON o.id_hash = c.id_hash AND o.item_id = c.item_id AND o.period = c.period AND o.village_code = c.village_code AND o.payment_id <> c.payment_id
  GROUP BY c.payment_id
$$;
--> statement-breakpoint
-- (e) above_standard: the amount is above the item's standard (subsidy_items.standard_fen, the most one
-- payment may be); an amount equal to it is no hit, an item without a figure is never checked.
-- detail: { standardFen, amountFen }.
CREATE OR REPLACE FUNCTION livelihood_check_above_standard(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  SELECT c.payment_id, jsonb_build_object('standardFen', c.standard_fen, 'amountFen', c.amount_fen)
  FROM livelihood_county_payments(p_county) c
  WHERE c.standard_fen IS NOT NULL AND c.amount_fen > c.standard_fen
$$;
--> statement-breakpoint
-- (f) shared_account: the payment's bank account (its hash) received payments of several recipients
-- (distinct ID hashes) in the county; one person paid twice into their account is no hit.
-- detail: { recipients } (how many share it).
CREATE OR REPLACE FUNCTION livelihood_check_shared_account(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  WITH cp AS (SELECT * FROM livelihood_county_payments(p_county)),
  shared AS (
    SELECT s.bank_account_hash, count(DISTINCT s.id_hash) AS recipients
    FROM cp s WHERE s.bank_account_hash IS NOT NULL
    GROUP BY s.bank_account_hash HAVING count(DISTINCT s.id_hash) > 1
  )
  SELECT c.payment_id, jsonb_build_object('recipients', s.recipients)
  FROM cp c JOIN shared s ON s.bank_account_hash = c.bank_account_hash
$$;
--> statement-breakpoint
-- (g1) vehicle: the item forbids owning a motor vehicle (subsidy_items.forbids_vehicle) and the recipient
-- is in the county's vehicle registry. detail: { vehicles } (how many are registered).
CREATE OR REPLACE FUNCTION livelihood_check_vehicle(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  SELECT c.payment_id, jsonb_build_object('vehicles', count(*))
  FROM livelihood_county_payments(p_county) c
  JOIN registry_vehicles v ON v.county_code = p_county AND v.id_hash = c.id_hash
  WHERE c.forbids_vehicle
  GROUP BY c.payment_id
$$;
--> statement-breakpoint
-- (g2) business: the item forbids a registered business (subsidy_items.forbids_business) and the
-- recipient is in the county's register of market entities since the payment date or earlier.
-- detail: { registeredOn } (the earliest).
CREATE OR REPLACE FUNCTION livelihood_check_business(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  SELECT c.payment_id, jsonb_build_object('registeredOn', min(r.registered_on)::text)
  FROM livelihood_county_payments(p_county) c
  JOIN registry_businesses r ON r.county_code = p_county AND r.id_hash = c.id_hash AND r.registered_on <= c.paid_on
  WHERE c.forbids_business
  GROUP BY c.payment_id
$$;
--> statement-breakpoint
-- Every rule over one county, written to livelihood_hits: a new hit is inserted, a standing one keeps
-- its found_at (its detail refreshed when it changed), and a hit no rule finds any more (a registry
-- replaced, a batch withdrawn) gets cleared_at — never deleted; found again, cleared_at goes back to
-- null. Running it twice changes nothing. The county's areas row is locked for the run, so two runs
-- of one county follow each other. Answers how many hits hold, how many are new, how many cleared.
CREATE OR REPLACE FUNCTION livelihood_run_cross_checks(p_county text)
RETURNS TABLE (hits_holding integer, hits_added integer, hits_cleared integer)
LANGUAGE plpgsql AS $$
DECLARE
  v_holding integer;
  v_added integer;
  v_cleared integer;
BEGIN
  PERFORM 1 FROM areas a WHERE a.code = p_county FOR UPDATE;
  CREATE TEMP TABLE IF NOT EXISTS livelihood_found (rule text, payment_id bigint, detail jsonb) ON COMMIT DROP;
  DELETE FROM livelihood_found;
  INSERT INTO livelihood_found
    SELECT 'deceased', f.payment_id, f.detail FROM livelihood_check_deceased(p_county) f
    UNION ALL SELECT 'official', f.payment_id, f.detail FROM livelihood_check_official(p_county) f
    UNION ALL SELECT 'cadre_relative', f.payment_id, f.detail FROM livelihood_check_cadre_relative(p_county) f
    UNION ALL SELECT 'two_villages', f.payment_id, f.detail FROM livelihood_check_two_villages(p_county) f
    UNION ALL SELECT 'paid_twice', f.payment_id, f.detail FROM livelihood_check_paid_twice(p_county) f
    UNION ALL SELECT 'above_standard', f.payment_id, f.detail FROM livelihood_check_above_standard(p_county) f
    UNION ALL SELECT 'shared_account', f.payment_id, f.detail FROM livelihood_check_shared_account(p_county) f
    UNION ALL SELECT 'vehicle', f.payment_id, f.detail FROM livelihood_check_vehicle(p_county) f
    UNION ALL SELECT 'business', f.payment_id, f.detail FROM livelihood_check_business(p_county) f;
  SELECT count(*) INTO v_holding FROM livelihood_found;

  WITH fresh AS (
    INSERT INTO livelihood_hits AS h (rule, payment_id, batch_id, item_id, department_id, village_code, county_code, period, detail)
    SELECT f.rule, f.payment_id, c.batch_id, c.item_id, c.department_id, c.village_code, p_county, c.period, f.detail
    FROM livelihood_found f JOIN livelihood_county_payments(p_county) c ON c.payment_id = f.payment_id
    ON CONFLICT (rule, payment_id) DO NOTHING
    RETURNING 1
  )
  SELECT count(*) INTO v_added FROM fresh;

  UPDATE livelihood_hits h SET detail = f.detail, cleared_at = NULL
  FROM livelihood_found f
  WHERE h.rule = f.rule AND h.payment_id = f.payment_id AND (h.detail IS DISTINCT FROM f.detail OR h.cleared_at IS NOT NULL);

  WITH gone AS (
    UPDATE livelihood_hits h SET cleared_at = now()
    WHERE h.county_code = p_county AND h.cleared_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM livelihood_found f WHERE f.rule = h.rule AND f.payment_id = h.payment_id)
    RETURNING 1
  )
  SELECT count(*) INTO v_cleared FROM gone;

  DELETE FROM livelihood_found;
  RETURN QUERY SELECT v_holding, v_added, v_cleared;
END
$$;
