ALTER TABLE "cases" ADD COLUMN "master_id" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "merge" jsonb;--> statement-breakpoint
CREATE INDEX "cases_master_idx" ON "cases" USING btree ("master_id");--> statement-breakpoint
CREATE INDEX "cases_city_received_idx" ON "cases" USING btree ("city_code","received_at");