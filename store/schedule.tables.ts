/**
 * Tables owned by the `schedule` service: one row per run of a scheduled job. A run claims its
 * slot (job + the minute it was due, or a manual id) with an insert that only one node can win,
 * so several hub nodes run each job once; every run — done, failed, retried — stays here for
 * engineers (GET /api/v1/jobs).
 */
import { pgTable, text, integer, bigserial, jsonb, timestamp, index, uniqueIndex } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const jobRuns = pgTable(
  "job_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    job: text("job").notNull(),
    /** the second the run was due (ISO), or manual:<id> */
    slot: text("slot").notNull(),
    attempt: integer("attempt").notNull(),
    /** running | ok | failed */
    status: text("status").notNull(),
    /** the clock the job ran with (a test clock or a manual run may differ from started_at) */
    runAt: ts("run_at").notNull(),
    node: text("node").notNull(),
    startedAt: ts("started_at").notNull().defaultNow(),
    finishedAt: ts("finished_at"),
    result: jsonb("result").$type<Record<string, unknown> | null>(),
    error: text("error"),
  },
  (t) => [uniqueIndex("job_runs_slot_uq").on(t.job, t.slot, t.attempt), index("job_runs_job_idx").on(t.job, t.id)],
);
