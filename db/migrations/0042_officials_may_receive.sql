ALTER TABLE "subsidy_items" ADD COLUMN "officials_may_receive" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- (b) official, again: only over items officials and village cadres may not lawfully receive
-- (subsidy_items.officials_may_receive false). Same signature and detail as in 0036.
CREATE OR REPLACE FUNCTION livelihood_check_official(p_county text)
RETURNS TABLE (payment_id bigint, detail jsonb)
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT ON (c.payment_id) c.payment_id, jsonb_build_object('officialKind', o.kind, 'employer', o.employer)
  FROM livelihood_county_payments(p_county) c
  JOIN subsidy_items i ON i.id = c.item_id AND NOT i.officials_may_receive
  JOIN registry_officials o ON o.county_code = p_county AND o.id_hash = c.id_hash
  ORDER BY c.payment_id, o.kind DESC, o.line
$$;
