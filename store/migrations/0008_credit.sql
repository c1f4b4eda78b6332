CREATE TABLE "credit_subjects" (
	"key" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"level" text,
	"level_source" text,
	"level_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_key" text NOT NULL,
	"list" text NOT NULL,
	"name" text NOT NULL,
	"firing_id" text,
	"rule_id" text,
	"basis" text NOT NULL,
	"decisions" jsonb NOT NULL,
	"from_date" date NOT NULL,
	"until_date" date,
	"removed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" text PRIMARY KEY NOT NULL,
	"firing_id" text NOT NULL,
	"kind" text NOT NULL,
	"revokes" text,
	"subject_key" text NOT NULL,
	"subject" jsonb NOT NULL,
	"bureau" text NOT NULL,
	"system" text,
	"target" text,
	"rule_id" text NOT NULL,
	"decisions" jsonb NOT NULL,
	"measures" jsonb NOT NULL,
	"status" text NOT NULL,
	"receipt_due" timestamp with time zone NOT NULL,
	"feedback_due" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone,
	"received_by" text,
	"feedback" jsonb,
	"feedback_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_firings" (
	"id" text PRIMARY KEY NOT NULL,
	"rule_id" text NOT NULL,
	"subject_key" text NOT NULL,
	"decisions" jsonb NOT NULL,
	"decision_set" text NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sanctions" (
	"id" text PRIMARY KEY NOT NULL,
	"decision_no" text NOT NULL,
	"subject_key" text NOT NULL,
	"party_type" text NOT NULL,
	"party_name" text NOT NULL,
	"violation_type" text NOT NULL,
	"severity" text NOT NULL,
	"decision_date" date NOT NULL,
	"sanction" jsonb NOT NULL,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"published" integer NOT NULL,
	"publish_from" date,
	"min_until" date,
	"max_until" date,
	"publication_due" timestamp with time zone,
	"repaired_at" timestamp with time zone,
	"repair" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "list_entries_subject_idx" ON "list_entries" USING btree ("subject_key");--> statement-breakpoint
CREATE INDEX "notices_subject_idx" ON "notices" USING btree ("subject_key");--> statement-breakpoint
CREATE INDEX "notices_bureau_idx" ON "notices" USING btree ("bureau","status");--> statement-breakpoint
CREATE INDEX "notices_due_idx" ON "notices" USING btree ("status","receipt_due");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_firings_uq" ON "rule_firings" USING btree ("rule_id","subject_key","decision_set");--> statement-breakpoint
CREATE UNIQUE INDEX "sanctions_decision_uq" ON "sanctions" USING btree ("decision_no");--> statement-breakpoint
CREATE INDEX "sanctions_subject_idx" ON "sanctions" USING btree ("subject_key","decision_date");