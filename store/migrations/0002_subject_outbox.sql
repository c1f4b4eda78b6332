-- The outbox belongs to a subject (case, notice, sanction …), not to a case foreign key; one
-- due_at serves both the retry time of a pending row and the lease of an inflight one; only live
-- rows are in the relay's indexes. Existing rows carry over as subject ('case', case_id).
ALTER TABLE "outbox" DROP CONSTRAINT "outbox_case_id_cases_id_fk";
--> statement-breakpoint
DROP INDEX "outbox_due_idx";--> statement-breakpoint
DROP INDEX "outbox_case_idx";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "subject_type" text NOT NULL DEFAULT 'case';--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "subject_type" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "outbox" RENAME COLUMN "case_id" TO "subject_id";--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "due_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "outbox" SET "due_at" = CASE WHEN "status" = 'inflight' THEN coalesce("lease_until", now()) ELSE "next_attempt_at" END;--> statement-breakpoint
ALTER TABLE "outbox" RENAME COLUMN "sent_at" TO "settled_at";--> statement-breakpoint
CREATE INDEX "outbox_live_due_idx" ON "outbox" USING btree ("due_at") WHERE status IN ('pending', 'inflight');--> statement-breakpoint
CREATE INDEX "outbox_live_key_idx" ON "outbox" USING btree ("subject_id","system","target","seq") WHERE status IN ('pending', 'inflight');--> statement-breakpoint
CREATE INDEX "outbox_subject_idx" ON "outbox" USING btree ("subject_type","subject_id","seq");--> statement-breakpoint
CREATE INDEX "outbox_status_idx" ON "outbox" USING btree ("status","seq");--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "next_attempt_at";--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "lease_until";--> statement-breakpoint
UPDATE "case_events" SET "actor_kind" = 'handler' WHERE "actor_kind" = 'unit';
