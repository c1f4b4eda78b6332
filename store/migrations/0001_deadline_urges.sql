ALTER TABLE "cases" ADD COLUMN "sign_urged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "overdue_urged_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "cases_deadline_idx" ON "cases" USING btree ("status","handle_deadline");