/**
 * schedule — the hub's clock (node-cron). Each job is one action call on the service that owns
 * the data, with the time it runs for (`now`). Owns `job_runs` (store/schedule.tables.ts): a run
 * claims its slot there first, so with several hub nodes each job runs once per slot; every run,
 * failed runs and their retries included, is kept for engineers (services/schedule/runner.ts).
 * Engineers list the runs (`schedule.runs`) and run a job now or for a given time (`schedule.run`),
 * which is also how tests move the clock across a weekend or a holiday.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../lib/config";
import { openDb } from "../lib/db";
import { newId } from "../lib/ids";
import { notFound } from "../kit/errors";
import { sqlOf, type Sql } from "../store/sql";
import { runRecord, runner, slotOf, type JobSpec, type Runner } from "./schedule/runner";

interface Vars {
  jobs: ScheduledTask[];
  specs: Map<string, JobSpec>;
  sql: Sql;
  runner: Runner;
}
type This = Vars & Service<ServiceSettingSchema>;

const count = (r: Record<string, unknown>, k: string) => Number(r[k] ?? 0);

/** 月度考核: 01:30 on the 1st, Asia/Shanghai — last month's assessment, logged (the report itself is recomputed from the store on demand). */
export const ASSESSMENT_CRON = "0 30 1 1 * *";

/** The jobs, by name: the action each calls and the line it logs. */
const JOBS: (JobSpec & { setting: string; cron: (cfg: ReturnType<typeof config>) => string; timezone?: string })[] = [
  {
    name: "triage-sweep",
    setting: "TRIAGE_SWEEP_CRON",
    cron: (cfg) => cfg.triageSweepCron,
    action: "cases.sweepTriage",
    report: (r) => (count(r, "returned") ? `分拨超时退单 ${count(r, "returned")} 件` : undefined),
  },
  {
    name: "deadline-sweep",
    setting: "DEADLINE_SWEEP_CRON",
    cron: (cfg) => cfg.deadlineSweepCron,
    action: "cases.sweepDeadlines",
    report: (r) => (count(r, "urged") ? `超时自动催办/督办 ${count(r, "urged")} 件` : undefined),
  },
  {
    name: "monthly-assessment",
    setting: "ASSESSMENT_CRON",
    cron: () => ASSESSMENT_CRON,
    timezone: "Asia/Shanghai",
    action: "cases.assessmentJob",
    report: (r) => (typeof r.line === "string" ? r.line : undefined),
  },
  {
    name: "notice-sweep",
    setting: "NOTICE_SWEEP_CRON",
    cron: (cfg) => cfg.noticeSweepCron,
    action: "sanctions.sweepNotices",
    report: (r) => (count(r, "reminded") || count(r, "escalated") ? `抄告单催签收/催反馈 ${count(r, "reminded")} 件，升级 ${count(r, "escalated")} 件` : undefined),
  },
];

const ScheduleService: ServiceSchema<ServiceSettingSchema, Record<string, never>, Vars> = {
  name: "schedule",
  dependencies: ["cases"],

  actions: {
    /** Runs a job now (or for the time `now` names): its run record. */
    run: {
      params: { job: "string", now: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ job: string; now?: string }>) {
        const spec = this.specs.get(ctx.params.job);
        if (!spec) throw notFound("定时任务", "job", ctx.params.job);
        const now = ctx.params.now ? new Date(ctx.params.now) : new Date();
        return this.runner.run(spec, now, `manual:${newId("JR", new Date())}`);
      },
    },

    /** The latest runs, newest first (optionally one job's, or only failed ones). */
    runs: {
      params: { job: { type: "string", optional: true }, status: { type: "string", optional: true }, limit: { type: "number", integer: true, min: 1, max: 500, default: 50, convert: true } },
      async handler(this: This, ctx: Context<{ job?: string; status?: string; limit: number }>) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (ctx.params.job) where.push(`job = $${params.push(ctx.params.job)}`);
        if (ctx.params.status) where.push(`status = $${params.push(ctx.params.status)}`);
        params.push(ctx.params.limit);
        const rows = await this.sql.query(`SELECT * FROM job_runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $${params.length}`, params);
        return { items: rows.map(runRecord), jobs: [...this.specs.keys()] };
      },
    },
  },

  async started(this: This) {
    const cfg = config();
    this.sql = sqlOf((await openDb(cfg)).db);
    this.runner = runner(this.sql, (action, params) => this.broker.call<Record<string, unknown>, { now: string }>(action, params), {
      info: (s) => this.logger.info(s),
      warn: (s) => this.logger.warn(s),
    });
    this.specs = new Map(JOBS.map((j) => [j.name, j]));
    this.jobs = JOBS.map((j) => {
      const expr = j.cron(cfg);
      if (!cron.validate(expr)) throw new Error(`配置错误 ${j.setting}=${expr}: 不是合法的 cron 表达式 / not a valid cron expression`);
      return cron.schedule(
        expr,
        async (c) => {
          const due = c?.date instanceof Date ? c.date : new Date();
          await this.runner.run(j, due, slotOf(due)).catch((e: Error) => this.logger.warn(`${j.name} failed: ${e.message}`));
        },
        { name: j.name, noOverlap: true, ...(j.timezone ? { timezone: j.timezone } : {}) },
      );
    });
  },

  async stopped(this: This) {
    this.runner?.stop();
    for (const j of this.jobs ?? []) await j.destroy();
  },
};

export default ScheduleService;
