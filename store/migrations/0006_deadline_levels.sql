ALTER TABLE "cases" ADD COLUMN "deadline_warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "supervised_at" timestamp with time zone;