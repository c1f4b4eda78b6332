/**
 * Scheduled jobs on real PostgreSQL: a run claims its slot so two hub nodes run a job once; every
 * run is recorded; a failed run is retried and both attempts stay visible; engineers run a job
 * now or for a given time (the test clock of the deadline tests).
 */
import { openDb } from "../lib/db";
import { sqlOf } from "../store/sql";
import { runner, slotOf, type JobSpec } from "../services/schedule/runner";
import { freshDatabase, startProductionHub, http, KEYS, waitFor, type TestHub } from "./harness";

jest.setTimeout(60_000);

const quiet = { info: () => undefined, warn: () => undefined };

describe("the job runner (job_runs)", () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => db?.drop());

  it("lets exactly one of two nodes run a slot, and records the run with its clock and result", async () => {
    const sql = sqlOf((await openDb({ databaseUrl: db.url, dataDir: "unused" })).db);
    let calls = 0;
    const call = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 50));
      return { urged: 2 };
    };
    const job: JobSpec = { name: "demo", action: "x.y", report: () => undefined };
    const a = runner(sql, call, quiet);
    const b = runner(sql, call, quiet);
    const now = new Date("2026-10-08T03:05:00.400Z");
    const [ra, rb] = await Promise.all([a.run(job, now, slotOf(now)), b.run(job, now, slotOf(now))]);
    expect([ra, rb].filter(Boolean)).toHaveLength(1);
    expect(calls).toBe(1);
    const won = (ra ?? rb)!;
    expect(won).toMatchObject({ job: "demo", slot: "2026-10-08T03:05:00.000Z", attempt: 1, status: "ok", runAt: now.toISOString(), result: { urged: 2 } });
    a.stop();
    b.stop();
  });

  it("retries a failed run as the next attempt of its slot, and keeps both", async () => {
    const sql = sqlOf((await openDb({ databaseUrl: db.url, dataDir: "unused" })).db);
    let n = 0;
    const flaky = async () => {
      if (++n === 1) throw new Error("数据库暂不可用");
      return { returned: 1 };
    };
    const job: JobSpec = { name: "flaky", action: "x.y", report: () => undefined };
    const r = runner(sql, flaky, quiet, [100]);
    const first = await r.run(job, new Date(), "slot-1");
    expect(first).toMatchObject({ status: "failed", attempt: 1, error: "数据库暂不可用" });
    const rows = await waitFor("the retry", async () => {
      const xs = await sql.query<{ attempt: number; status: string }>("SELECT attempt, status FROM job_runs WHERE job = 'flaky' ORDER BY attempt");
      return xs.length === 2 && xs[1].status === "ok" && xs;
    });
    expect(rows.map((x) => [Number(x.attempt), x.status])).toEqual([
      [1, "failed"],
      [2, "ok"],
    ]);
    r.stop();
  });
});

describe("jobs for engineers", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startProductionHub({ LOG_LEVEL: "error", DEADLINE_SWEEP_CRON: "0 0 1 1 *", TRIAGE_SWEEP_CRON: "0 0 1 1 *" });
  });
  afterAll(async () => hub?.stop());

  it("runs a job for a given time and lists the run; an unknown job is 404", async () => {
    const r = await http(`${hub.url}/api/v1/jobs/deadline-sweep/run`, { key: KEYS.engineer, body: { now: "2026-10-08T11:05:00+08:00" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ job: "deadline-sweep", status: "ok", runAt: "2026-10-08T03:05:00.000Z", result: { urged: 0 } });
    const list = await http(`${hub.url}/api/v1/jobs?job=deadline-sweep`, { key: KEYS.engineer });
    expect(list.body.items[0].id).toBe(r.body.id);
    expect(list.body.jobs).toEqual(expect.arrayContaining(["deadline-sweep", "triage-sweep"]));
    expect((await http(`${hub.url}/api/v1/jobs/nope/run`, { key: KEYS.engineer, body: {} })).status).toBe(404);
    expect((await http(`${hub.url}/api/v1/jobs`, { key: KEYS.agent })).status).toBe(403);
  });
});

describe("flow health shows the calendar alarm and failed jobs", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startProductionHub({ LOG_LEVEL: "error" });
  });
  afterAll(async () => hub?.stop());

  it("names each city's covered years and alarms when next year's holidays are missing", async () => {
    const flow = (await http(`${hub.url}/api/v1/flow`, { key: KEYS.engineer })).body;
    const cz = flow.calendars.items.find((c: { cityCode: string }) => c.cityCode === "3204");
    expect(cz).toMatchObject({ calendar: true, years: [2004, 2026] });
    // today the package stops at 2026: a deadline reaching next year cannot be computed, and engineers are told
    const nextYear = new Date(Date.now() + 8 * 3600_000).getUTCFullYear() + 1;
    if (nextYear > 2026) expect(cz.alarm).toContain(`${nextYear} 年`);
    expect(Array.isArray(flow.failedJobs)).toBe(true);
  });
});
