CREATE TABLE "credit_commitments" (
	"id" text PRIMARY KEY NOT NULL,
	"commitment_no" text NOT NULL,
	"kind" text NOT NULL,
	"subject_key" text NOT NULL,
	"subject_type" text NOT NULL,
	"commitment" jsonb NOT NULL,
	"violation_kinds" jsonb NOT NULL,
	"signed_date" date NOT NULL,
	"valid_until" date,
	"status" text NOT NULL,
	"breaches" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"breached_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_draws" (
	"id" text PRIMARY KEY NOT NULL,
	"city_code" text NOT NULL,
	"industry" text NOT NULL,
	"period" text NOT NULL,
	"seed" text NOT NULL,
	"method" text NOT NULL,
	"rates" jsonb NOT NULL,
	"population" jsonb NOT NULL,
	"levels" jsonb NOT NULL,
	"selected" jsonb NOT NULL,
	"drawn_by" text,
	"drawn_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credit_subjects" ADD COLUMN "industry_level" text;--> statement-breakpoint
ALTER TABLE "credit_subjects" ADD COLUMN "industry_level_source" text;--> statement-breakpoint
ALTER TABLE "credit_subjects" ADD COLUMN "industry_level_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credit_subjects" ADD COLUMN "industries" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sanctions" ADD COLUMN "publication_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sanctions" ADD COLUMN "publication_overdue_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sanctions" ADD COLUMN "publication_delivery" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_commitments_no_uq" ON "credit_commitments" USING btree ("commitment_no");--> statement-breakpoint
CREATE INDEX "credit_commitments_subject_idx" ON "credit_commitments" USING btree ("subject_key");--> statement-breakpoint
CREATE UNIQUE INDEX "inspection_draws_uq" ON "inspection_draws" USING btree ("city_code","industry","period","seed");--> statement-breakpoint
CREATE INDEX "inspection_draws_period_idx" ON "inspection_draws" USING btree ("industry","period");--> statement-breakpoint
CREATE INDEX "sanctions_undelivered_idx" ON "sanctions" USING btree ("id") WHERE published = 1 AND publication_sent_at IS NULL AND repaired_at IS NULL;