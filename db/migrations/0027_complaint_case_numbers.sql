CREATE TABLE "complaint_case_counters" (
	"scope_code" text NOT NULL,
	"year" integer NOT NULL,
	"last_seq" integer NOT NULL,
	CONSTRAINT "complaint_case_counters_scope_code_year_pk" PRIMARY KEY("scope_code","year")
);
--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "case_scope_code" text;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "case_year" integer;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "case_seq" integer;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "case_prefix" text;--> statement-breakpoint
-- Existing cases are numbered by the commission holding them now (where they were first filed is
-- not recorded for escalated cases), in the year of their filing day, in filing order (ties by id).
-- The prefix is the first character of that commission's area name (complaints/case-numbers.ts).
UPDATE "complaints" c SET
  "case_scope_code" = n."routed_scope_code",
  "case_year" = n."year",
  "case_seq" = n."seq",
  "case_prefix" = n."prefix"
FROM (
  SELECT x."id", x."routed_scope_code", extract(year FROM x."filed_on")::int AS "year",
         row_number() OVER (PARTITION BY x."routed_scope_code", extract(year FROM x."filed_on") ORDER BY x."filed_on", x."id")::int AS "seq",
         left(a."name", 1) AS "prefix"
    FROM "complaints" x JOIN "areas" a ON a."code" = x."routed_scope_code"
) n
WHERE n."id" = c."id";--> statement-breakpoint
INSERT INTO "complaint_case_counters" ("scope_code", "year", "last_seq")
  SELECT "case_scope_code", "case_year", max("case_seq") FROM "complaints" GROUP BY "case_scope_code", "case_year";--> statement-breakpoint
ALTER TABLE "complaints" ALTER COLUMN "case_scope_code" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ALTER COLUMN "case_year" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ALTER COLUMN "case_seq" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ALTER COLUMN "case_prefix" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "complaint_case_counters" ADD CONSTRAINT "complaint_case_counters_scope_code_areas_code_fk" FOREIGN KEY ("scope_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_case_scope_code_areas_code_fk" FOREIGN KEY ("case_scope_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_case_number" UNIQUE("case_scope_code","case_year","case_seq");
