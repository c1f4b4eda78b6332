DROP INDEX "rule_firings_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "rule_firings_subject_uq" ON "rule_firings" USING btree ("subject_key","rule_id","decision_set");