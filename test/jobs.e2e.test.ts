/**
 * Scheduled jobs on real PostgreSQL: a run claims its slot so two hub nodes run a job once; every
 * run is recorded; a failed run is retried and both attempts stay visible; engineers run a job
 * now or for a given time (the test clock of the deadline tests); the deadline sweep's 催办 and 督办
 * reach the origin too (12345's 时限通报), stamped with the run's clock.
 */
import { openDb } from "../lib/db";
import { sqlOf } from "../store/sql";
import { runner, slotOf, type JobSpec } from "../services/schedule/runner";
import { freshDatabase, startProductionHub, http, KEYS, waitFor, type TestHub } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";

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

describe("the deadline sweep tells the origin (12345 时限通报)", () => {
  let hub: TestHub;
  beforeAll(async () => {
    // units sign at once and then take their time; the sweep runs only when the test says so
    hub = await startProductionHub({ LOG_LEVEL: "error", SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "600000", SIM_CALLBACK_DELAY_MS: "600000", DEADLINE_SWEEP_CRON: "0 0 1 1 *" });
  });
  afterAll(async () => hub?.stop());

  const post = async (sample: number, orderNo: string, deadlines: { signDeadline: string; handleDeadline: string }) => {
    const body = { ...fromSample(loadSamples()[sample], new Date()), orderNo, ...deadlines };
    const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body });
    expect(r.status).toBe(202);
    return r.body.caseId as string;
  };
  const getCase = async (id: string) => (await http(`${hub.url}/api/v1/cases/${id}`, { key: KEYS.agent })).body;
  const notices = (orderNo: string) => hub.sims.hotline12345!.order(orderNo)?.overdue ?? [];

  it("a unit that has not signed by the 签收时限 is urged (催办) and 12345 hears it; a case past its 办理时限 is supervised (督办) and 12345 hears that", async () => {
    const sign = new Date(Date.now() + 3600_000).toISOString();
    const handle = new Date(Date.now() + 3 * 86_400_000).toISOString();
    // sample 1 (新北区城市管理局) stays unsigned; sample 5 (金坛区城市管理局) signs and then works
    hub.sims.unit!.setBehaviour("CZ-XB-CGJ", { silent: true });
    const late = await post(1, "CZ2611300000501", { signDeadline: sign, handleDeadline: handle });
    const slow = await post(5, "CZ2611300000502", { signDeadline: sign, handleDeadline: handle });
    await waitFor("the second unit signed", async () => (await getCase(slow)).status === "IN_PROGRESS");

    // an hour and a minute later: past the 签收时限 only — the unsigned one is urged
    const t1 = new Date(Date.parse(sign) + 60_000).toISOString();
    const r1 = await http(`${hub.url}/api/v1/jobs/deadline-sweep/run`, { key: KEYS.engineer, body: { now: t1 } });
    expect(r1.body).toMatchObject({ status: "ok", result: { urged: 1 } });
    const n1 = await waitFor("12345 heard the 催办", async () => notices("CZ2611300000501").length === 1 && notices("CZ2611300000501"));
    expect(n1[0]).toEqual({
      level: "催办",
      limitType: "签收时限",
      deadline: new Date(sign).toISOString(),
      overdue: true,
      unitName: "新北区城市管理局",
      text: expect.stringContaining("签收时限"),
      notifiedAt: t1,
    });
    expect(notices("CZ2611300000502")).toEqual([]);

    // past the 办理时限: both are supervised (督办) once, and 12345 hears each at that run's time
    const t2 = new Date(Date.parse(handle) + 60_000).toISOString();
    await http(`${hub.url}/api/v1/jobs/deadline-sweep/run`, { key: KEYS.engineer, body: { now: t2 } });
    await http(`${hub.url}/api/v1/jobs/deadline-sweep/run`, { key: KEYS.engineer, body: { now: new Date(Date.parse(t2) + 60_000).toISOString() } }); // nothing new
    await waitFor("12345 heard both 督办", async () => notices("CZ2611300000501").length === 2 && notices("CZ2611300000502").length === 1);
    await new Promise((r) => setTimeout(r, 300)); // a second notice would have been relayed by now
    expect(notices("CZ2611300000501").map((n) => [n.level, n.limitType, n.notifiedAt])).toEqual([
      ["催办", "签收时限", t1],
      ["督办", "办理时限", t2],
    ]);
    expect(notices("CZ2611300000502")).toEqual([
      { level: "督办", limitType: "办理时限", deadline: new Date(handle).toISOString(), overdue: true, unitName: "金坛区城市管理局", text: expect.stringContaining("办理时限"), notifiedAt: t2 },
    ]);
    // the timeline says the origin was told
    const urged = ((await getCase(slow)).timeline as { type: string; summary: string }[]).filter((e) => e.type === "URGED");
    expect(urged).toHaveLength(1);
    expect(urged[0].summary).toContain("已通报12345");
    expect(late).toMatch(/^TG/);
    hub.sims.unit!.setBehaviour("CZ-XB-CGJ", {});
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
