DROP INDEX "outbox_idem_uq";--> statement-breakpoint
DROP INDEX "inbound_outcome_idx";--> statement-breakpoint
DROP INDEX "inbound_case_idx";--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "inbound_id" text;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "response" jsonb;--> statement-breakpoint
CREATE INDEX "inbound_outcome_idx" ON "inbound_messages" USING btree ("outcome","received_at") WHERE outcome <> 'accepted';--> statement-breakpoint
CREATE INDEX "inbound_case_idx" ON "inbound_messages" USING btree ("case_id") WHERE case_id IS NOT NULL;