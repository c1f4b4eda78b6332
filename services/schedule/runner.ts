/**
 * How the schedule service runs a job, once across all hub nodes, recorded, retried.
 *
 *  - claim: the run inserts (job, slot, attempt) into job_runs; the unique index lets exactly one
 *    node win, the others skip that slot. A slot is the second the cron tick was due (node-cron
 *    passes the scheduled time, so nodes agree on it).
 *  - record: the run's clock, node, result or error, start and end are kept.
 *  - retry: a failed run is tried again after RETRY_AFTER_MS[attempt-1] as the next attempt of the
 *    same slot (claimed the same way), up to RETRY_AFTER_MS.length retries; the failures stay
 *    visible to engineers.
 *  - time: the job action gets `now` — the cron tick's time, or a time an engineer or a test
 *    names (POST /api/v1/jobs/{job}/run {now}) — so a test clock can cross a weekend or a holiday.
 */
import os from "node:os";
import type { Sql } from "../../store/sql";

export const RETRY_AFTER_MS = [30_000, 120_000, 600_000];

export interface JobSpec {
  name: string;
  /** the action the job calls with { now } */
  action: string;
  /** a Chinese log line for a result worth logging, else undefined */
  report: (r: Record<string, unknown>) => string | undefined;
}

export interface RunRecord {
  id: number;
  job: string;
  slot: string;
  attempt: number;
  status: "running" | "ok" | "failed";
  runAt: string;
  node: string;
  startedAt: string;
  finishedAt: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

const NODE = `${os.hostname()}:${process.pid}`;

/** The second a tick was due: nodes ticking the same schedule agree on it. */
export const slotOf = (at: Date) => new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString();

const json = <T>(v: unknown): T => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T));

export function runRecord(r: Record<string, unknown>): RunRecord {
  const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
  return {
    id: Number(r.id),
    job: r.job as string,
    slot: r.slot as string,
    attempt: Number(r.attempt),
    status: r.status as RunRecord["status"],
    runAt: iso(r.run_at)!,
    node: r.node as string,
    startedAt: iso(r.started_at)!,
    finishedAt: iso(r.finished_at),
    result: r.result == null ? null : json<Record<string, unknown>>(r.result),
    error: (r.error as string | null) ?? null,
  };
}

export interface Runner {
  /** runs `job` for `slot` as `attempt` unless another node claimed it; null when skipped */
  run(job: JobSpec, now: Date, slot: string, attempt?: number): Promise<RunRecord | null>;
  stop(): void;
}

export function runner(
  sql: Sql,
  call: (action: string, params: { now: string }) => Promise<Record<string, unknown>>,
  log: { info(s: string): void; warn(s: string): void },
  retryAfterMs: number[] = RETRY_AFTER_MS,
): Runner {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const run = async (job: JobSpec, now: Date, slot: string, attempt = 1): Promise<RunRecord | null> => {
    if (stopped) return null;
    const claimed = await sql.query<{ id: string }>(
      `INSERT INTO job_runs (job, slot, attempt, status, run_at, node) VALUES ($1, $2, $3, 'running', $4, $5) ON CONFLICT (job, slot, attempt) DO NOTHING RETURNING id`,
      [job.name, slot, attempt, now.toISOString(), NODE],
    );
    if (!claimed.length) return null;
    const id = claimed[0].id;
    try {
      const result = await call(job.action, { now: now.toISOString() });
      const rows = await sql.query(`UPDATE job_runs SET status = 'ok', finished_at = now(), result = $2 WHERE id = $1 RETURNING *`, [id, JSON.stringify(result)]);
      const line = job.report(result);
      if (line) log.info(line);
      return runRecord(rows[0]);
    } catch (e) {
      const message = (e as Error).message;
      const rows = await sql.query(`UPDATE job_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1 RETURNING *`, [id, message.slice(0, 2000)]).catch(() => []);
      const wait = retryAfterMs[attempt - 1];
      log.warn(`定时任务 ${job.name} 第 ${attempt} 次执行失败${wait ? `，${Math.round(wait / 1000)} 秒后重试` : "，不再重试，请工程师处理"} / job failed: ${message}`);
      if (wait && !stopped) {
        const t = setTimeout(() => {
          timers.delete(t);
          run(job, now, slot, attempt + 1).catch((err: Error) => log.warn(`定时任务 ${job.name} 重试失败 / retry failed: ${err.message}`));
        }, wait);
        t.unref();
        timers.add(t);
      }
      return rows[0] ? runRecord(rows[0]) : null;
    }
  };
  return {
    run,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
