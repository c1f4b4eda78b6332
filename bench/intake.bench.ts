/**
 * Intake and end-to-end benchmark: `npm run bench` (= `npx tsx bench/intake.bench.ts`).
 *
 * PRINTS figures, never asserts them. Each figure comes with a baseline measured in the same
 * run on the same machine, so what to compare between machines or commits is the RATIOS:
 *
 *   - GET /health      the same HTTP client, the same gateway, no store: HTTP + Moleculer
 *   - raw INSERT       the same work orders inserted as one row each (orderNo, receivedAt,
 *                      body jsonb) with the same concurrency — through `pg` on the production
 *                      profile, through the hub's own PGlite handle on the embedded one
 *   - intake           POST /api/v1/hotline12345/work-orders with generated orders (202)
 *   - end to end       POST → 签收 received by the 12345 simulator, POST → ARCHIVED
 *                      (simulators on fast timings, as in the tests' testEnv)
 *   - memory           RSS / heap of the hub process before, at peak during, and after the batch
 *
 * Profiles, each in a child process of its own (so memory figures are not mixed):
 *   production  NATS (127.0.0.1:4222, JetStream) + a fresh PostgreSQL database, dropped afterwards
 *   embedded    no transporter, PGlite in a temporary folder, removed afterwards
 * Loopback only. Bounded: the default run takes 45–75 s on 2 cores (each wait has a timeout).
 *
 * Settings (environment):
 *   BENCH_ORDERS=500            work orders per profile
 *   BENCH_CONCURRENCY=8         requests in flight (the HTTP client and the raw inserts)
 *   BENCH_PROFILES=production,embedded
 *   BENCH_E2E_TIMEOUT_MS=60000  how long to wait for the batch to be archived
 *   BENCH_LOG_LEVEL=warn        the hub's log level
 *   TEST_PG_ADMIN_URL, TEST_NATS_URL   as for the end-to-end tests (test/harness.ts)
 *
 * Output: a table on stdout, the same figures as JSON in bench/results/latest.json, and each
 * profile's hub log in bench/results/<profile>.log (summarised on stdout).
 */
import { seededRandom } from "../lib/random";
import fs from "node:fs";
import readline from "node:readline";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { Pool } from "pg";
import { sql } from "drizzle-orm";
import { freshDatabase, natsNamespace, testEnv, startTestHub, http, waitFor, KEYS, API_KEYS, DEMO, NATS_URL, PG_ADMIN_URL } from "../test/harness";
import { generateOrder } from "../adapters/hotline12345/mapping";
import { openDb } from "../lib/db";
import type { WorkOrder12345 } from "../contracts/types";

type Profile = "production" | "embedded";

const ROOT = path.resolve(__dirname, "..");
const RESULTS = path.join(__dirname, "results", "latest.json");

function intEnv(name: string, def: number, min = 1): number {
  const v = process.env[name];
  if (v === undefined || v.trim() === "") return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${name}=${v}: must be an integer ≥ ${min}`);
    process.exit(2);
  }
  return n;
}

const N = intEnv("BENCH_ORDERS", 500);
const C = intEnv("BENCH_CONCURRENCY", 8);
/** health requests: at least 1000, so that the baseline lasts long enough to be stable */
const N_HEALTH = Math.max(N, 1000);
const WARMUP_ORDERS = 10;
const E2E_TIMEOUT_MS = intEnv("BENCH_E2E_TIMEOUT_MS", 60_000);
const CHILD_TIMEOUT_MS = E2E_TIMEOUT_MS + 120_000;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "warn";
/** the simulator timings of testEnv(): the floor under any end-to-end latency */
const SIM = { SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "150", SIM_CALLBACK_DELAY_MS: "150", RELAY_INTERVAL_MS: "100" };

// ---------------------------------------------------------------------------------------------
// Results

interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}
interface Rate {
  n: number;
  seconds: number;
  perSecond: number;
  latencyMs: Stats;
}
interface Mem {
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
}
interface ProfileResult {
  profile: Profile;
  store: string;
  startupSeconds: number;
  health: Rate;
  rawInsert: Rate;
  intake: Rate & { accepted: number; statuses: Record<string, number> };
  ratios: { intakeVsHealth: number; intakeVsRawInsert: number };
  e2e: {
    routed: number;
    triage: number;
    signed: number;
    archived: number;
    complete: boolean;
    waitedSeconds: number;
    postToSignedMs: Stats;
    postToArchivedMs: Stats;
  };
  memory: { before: Mem; peakRssMiB: number; after: Mem };
  /** filled in by the parent: what the hub logged at LOG_LEVEL (BENCH_LOG_LEVEL, default warn) */
  hubLog?: { file: string; lines: number; errors: number; warnings: number; firstError?: string };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mib = (b: number) => round(b / 1024 / 1024);

function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : NaN);
  return { n: s.length, p50: round(at(0.5)), p95: round(at(0.95)), max: round(s.length ? s[s.length - 1] : NaN) };
}

/** Runs fn(0..n-1) with at most c in flight; returns the results in index order. */
async function inParallel<T>(n: number, c: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(c, n) }, worker));
  return out;
}

/** Times n calls of fn with concurrency c. */
async function timed(n: number, c: number, fn: (i: number) => Promise<unknown>): Promise<Rate> {
  const lat: number[] = new Array(n);
  const t0 = performance.now();
  await inParallel(n, c, async (i) => {
    const s = performance.now();
    await fn(i);
    lat[i] = performance.now() - s;
  });
  const seconds = (performance.now() - t0) / 1000;
  return { n, seconds: round(seconds, 3), perSecond: round(n / seconds), latencyMs: stats(lat) };
}

const mulberry32 = seededRandom;

function orders(count: number, firstSeq: number): WorkOrder12345[] {
  const rand = mulberry32(12345 + firstSeq);
  const now = new Date();
  return Array.from({ length: count }, (_, i) => generateOrder(firstSeq + i, now, rand));
}

function gcFn(): () => void {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  return () => {
    gc();
    gc();
  };
}

function memNow(): Mem {
  const m = process.memoryUsage();
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), externalMiB: mib(m.external) };
}

/** progress lines of the bench itself; every other line a child prints is the hub's log */
const PROGRESS = "[bench] ";
const say = (line: string): void => void process.stderr.write(`${PROGRESS}${line}\n`);
const note = (line: string): void => console.log(`  ${line}`);

// ---------------------------------------------------------------------------------------------
// One profile, in this (child) process

async function runProfile(profile: Profile): Promise<ProfileResult> {
  const gc = gcFn();
  const env =
    profile === "production"
      ? testEnv({ ...SIM, LOG_LEVEL, TRANSPORTER: NATS_URL, DATABASE_URL: need("BENCH_DATABASE_URL"), NAMESPACE: need("BENCH_NAMESPACE"), API_KEYS, SIMULATORS: "on" })
      : testEnv({ ...SIM, LOG_LEVEL, DATA_DIR: need("BENCH_DATA_DIR") });
  const key = profile === "production" ? KEYS : DEMO;

  const t0 = performance.now();
  const hub = await startTestHub(env);
  const startupSeconds = round((performance.now() - t0) / 1000, 2);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= hub.stop());
  const onSignal = (code: number) => () => void stop().finally(() => process.exit(code));
  process.once("SIGTERM", onSignal(143));
  process.once("SIGINT", onSignal(130));
  try {
    const sim = hub.sims.hotline12345!;
    const post = (o: WorkOrder12345) => http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: key.hotline12345, body: o });
    const total = async (status: string) => (await http(`${hub.url}/api/v1/cases?status=${status}&pageSize=1`, { key: key.agent })).body.total as number;
    say(`${profile}: hub up in ${startupSeconds} s at ${hub.url}; warming up`);

    // warm-up (not measured): JIT, connection pools, the JetStream consumer, the simulators
    await inParallel(200, C, () => http(`${hub.url}/health`));
    const warm = orders(WARMUP_ORDERS, 9_000_000);
    await inParallel(WARMUP_ORDERS, C, (i) => post(warm[i]));
    await waitFor("warm-up orders to settle", async () => (await total("ARCHIVED")) + (await total("TRIAGE")) >= WARMUP_ORDERS, 30_000, 200).catch(() => undefined);
    const before = { archived: await total("ARCHIVED"), triage: await total("TRIAGE") };
    gc();
    const memBefore = memNow();

    // baseline 1: the same client against GET /health
    say(`${profile}: GET /health ×${N_HEALTH}`);
    const health = await timed(N_HEALTH, C, async () => {
      const r = await http(`${hub.url}/health`);
      if (r.status !== 200) throw new Error(`/health answered ${r.status}`);
    });

    // baseline 2: the same orders as plain rows, same concurrency
    const batch = orders(N, 1_000_000);
    say(`${profile}: raw INSERT ×${N}`);
    const rawInsert = profile === "production" ? await rawInsertPg(need("BENCH_DATABASE_URL"), batch) : await rawInsertPglite(hub.cfg.dataDir, batch);

    // the measured batch
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    say(`${profile}: POST work-orders ×${N}, concurrency ${C}`);
    const sentAt: number[] = new Array(N);
    const answers: Array<{ status: number; caseId?: string }> = new Array(N);
    const intakeRate = await timed(N, C, async (i) => {
      sentAt[i] = Date.now();
      const r = await post(batch[i]);
      answers[i] = { status: r.status, caseId: r.body?.caseId };
    });
    const statuses: Record<string, number> = {};
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    const accepted = answers.filter((a) => a.status === 202).length;

    // end to end: every routed case archived (TRIAGE cases wait for a person: not counted)
    const triage = (await total("TRIAGE")) - before.triage;
    const routed = accepted - triage;
    say(`${profile}: ${accepted} accepted, ${triage} to triage; waiting for ${routed} to be archived`);
    const w0 = performance.now();
    let archived = 0;
    const complete = await waitFor(
      "batch archived",
      async () => {
        archived = (await total("ARCHIVED")) - before.archived;
        return archived >= routed;
      },
      E2E_TIMEOUT_MS,
      200,
    ).then(
      () => true,
      () => false,
    );
    const waitedSeconds = round((performance.now() - w0) / 1000, 2);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    // when each order was signed for at the 12345 simulator (its own receive time) …
    const signedAt = new Map<string, number>();
    for (const r of sim.received) {
      const m = /^\/work-orders\/([^/]+)\/sign$/.exec(r.path);
      if (m && r.status === 200 && !r.duplicate && !signedAt.has(decodeURIComponent(m[1]))) signedAt.set(decodeURIComponent(m[1]), Date.parse(r.at));
    }
    // … and archived by the hub (its timeline)
    const archivedAt = await inParallel(N, C, async (i) => {
      const id = answers[i].caseId;
      if (answers[i].status !== 202 || !id) return undefined;
      const c = (await http(`${hub.url}/api/v1/cases/${id}`, { key: key.agent })).body;
      const e = (c?.timeline as Array<{ type: string; at: string }> | undefined)?.find((x) => x.type === "ARCHIVED");
      return e ? Date.parse(e.at) : undefined;
    });
    const toSigned: number[] = [];
    const toArchived: number[] = [];
    batch.forEach((o, i) => {
      const s = signedAt.get(o.orderNo);
      if (s !== undefined) toSigned.push(s - sentAt[i]);
      const a = archivedAt[i];
      if (a !== undefined) toArchived.push(a - sentAt[i]);
    });
    gc();
    const memAfter = memNow();

    const intake = { ...intakeRate, accepted, statuses, perSecond: round(accepted / intakeRate.seconds) };
    return {
      profile,
      store: profile === "production" ? "PostgreSQL + NATS JetStream" : "PGlite (in-process), no transporter",
      startupSeconds,
      health,
      rawInsert,
      intake,
      ratios: { intakeVsHealth: round(intake.perSecond / health.perSecond, 3), intakeVsRawInsert: round(intake.perSecond / rawInsert.perSecond, 3) },
      e2e: { routed, triage, signed: toSigned.length, archived: toArchived.length, complete, waitedSeconds, postToSignedMs: stats(toSigned), postToArchivedMs: stats(toArchived) },
      memory: { before: memBefore, peakRssMiB: mib(peakRss), after: memAfter },
    };
  } finally {
    await stop();
  }
}

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (the parent process sets it)`);
  return v;
}

const RAW_DDL = "CREATE TABLE bench_raw (order_no text PRIMARY KEY, received_at timestamptz NOT NULL, body jsonb NOT NULL)";

/** The same rows through `pg`, a pool as large as the hub's (DB_POOL_MAX, default 10). */
async function rawInsertPg(url: string, batch: WorkOrder12345[]): Promise<Rate> {
  const pool = new Pool({ connectionString: url, max: Number(process.env.DB_POOL_MAX ?? 10) });
  try {
    await pool.query(RAW_DDL);
    await inParallel(C, C, () => pool.query("SELECT 1")); // open the connections before timing
    const r = await timed(batch.length, C, (i) => pool.query("INSERT INTO bench_raw (order_no, received_at, body) VALUES ($1, $2, $3)", [batch[i].orderNo, batch[i].receivedAt, JSON.stringify(batch[i])]));
    await pool.query("DROP TABLE bench_raw");
    return r;
  } finally {
    await pool.end();
  }
}

/** The same rows through the hub's own PGlite handle (one process per data folder). */
async function rawInsertPglite(dataDir: string, batch: WorkOrder12345[]): Promise<Rate> {
  const h = await openDb({ dataDir }); // cached: the very handle the services use
  if (h.kind !== "pglite") throw new Error("expected the hub's PGlite handle");
  await h.db.execute(sql.raw(RAW_DDL));
  const r = await timed(batch.length, C, (i) => h.db.execute(sql`INSERT INTO bench_raw (order_no, received_at, body) VALUES (${batch[i].orderNo}, ${batch[i].receivedAt}, ${JSON.stringify(batch[i])}::jsonb)`));
  await h.db.execute(sql.raw("DROP TABLE bench_raw"));
  return r;
}

// ---------------------------------------------------------------------------------------------
// The parent: creates and removes what each profile needs, runs it in a child, prints

const cleanups: Array<() => Promise<void>> = [];
let child: ChildProcess | undefined;
let interrupted = false;

async function cleanUp(): Promise<void> {
  while (cleanups.length) {
    const f = cleanups.pop()!;
    try {
      await f();
    } catch (e) {
      console.error(`cleanup failed: ${(e as Error).message}`);
    }
  }
}

async function runChild(profile: Profile, extraEnv: Record<string, string>): Promise<ProfileResult> {
  if (interrupted) throw new Error("interrupted");
  const out = path.join(os.tmpdir(), `tg-bench-${process.pid}-${profile}.json`);
  fs.rmSync(out, { force: true });
  // the same node and tsx loader flags as this process (no npx/tsx wrapper in between)
  const p = spawn(process.execPath, [...process.execArgv, __filename], {
    cwd: ROOT,
    env: { ...process.env, ...extraEnv, BENCH_CHILD: profile, BENCH_RESULT_FILE: out },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = p;
  // progress lines are shown; the hub's log goes to bench/results/<profile>.log and is summarised
  const logFile = path.join(path.dirname(RESULTS), `${profile}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile);
  const hubLog = { file: path.relative(ROOT, logFile), lines: 0, errors: 0, warnings: 0, firstError: undefined as string | undefined };
  const closed = [p.stdout!, p.stderr!].map((stream) => {
    const rl = readline.createInterface({ input: stream });
    rl.on("line", (line) => {
      if (line.startsWith(PROGRESS)) return console.log(`  ${line.slice(PROGRESS.length)}`);
      log.write(line + "\n");
      hubLog.lines++;
      if (/^\S+ ERROR /.test(line)) {
        hubLog.errors++;
        hubLog.firstError ??= line.slice(0, 200);
      } else if (/^\S+ WARN /.test(line)) hubLog.warnings++;
    });
    return new Promise<void>((resolve) => rl.once("close", () => resolve()));
  });
  const killer = setTimeout(() => {
    console.error(`${profile}: still running after ${CHILD_TIMEOUT_MS / 1000} s: stopping it`);
    p.kill("SIGTERM");
    setTimeout(() => p.kill("SIGKILL"), 10_000).unref();
  }, CHILD_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => p.once("exit", (c, s) => resolve(c ?? (s ? 128 : null))));
  clearTimeout(killer);
  child = undefined;
  await Promise.all(closed);
  await new Promise<void>((resolve) => log.end(() => resolve()));
  if (hubLog.errors || hubLog.warnings)
    console.log(`  ${profile}: the hub logged ${hubLog.errors} ERROR and ${hubLog.warnings} WARN lines (${hubLog.file})${hubLog.firstError ? `; first: ${hubLog.firstError}` : ""}`);
  if (interrupted) throw new Error("interrupted");
  if (code !== 0 || !fs.existsSync(out)) {
    if (hubLog.lines) console.error(`last lines of ${hubLog.file}:\n${fs.readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n")}`);
    throw new Error(`${profile} profile failed (exit ${code})`);
  }
  const r = JSON.parse(fs.readFileSync(out, "utf8")) as ProfileResult;
  fs.rmSync(out, { force: true });
  return { ...r, hubLog };
}

function machine() {
  let commit: string | undefined;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    /* not a git checkout */
  }
  return { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model?.trim(), memoryGiB: round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, commit };
}

function table(results: ProfileResult[]): string {
  const cols = results.map((r) => r.profile);
  const rows: Array<[string, ...string[]]> = [];
  const row = (label: string, f: (r: ProfileResult) => string) => rows.push([label, ...results.map(f)]);
  const ms = (s: Stats) => (s.n ? `${s.p50} / ${s.p95} ms` : "—");
  row("store", (r) => r.store);
  row("hub start-up", (r) => `${r.startupSeconds} s`);
  row("GET /health (baseline)", (r) => `${r.health.perSecond} req/s`);
  row("raw INSERT (baseline)", (r) => `${r.rawInsert.perSecond} rows/s`);
  row("intake: accepted orders", (r) => `${r.intake.perSecond} /s  (${r.intake.accepted}/${r.intake.n} → 202)`);
  row("  intake ÷ health", (r) => `${r.ratios.intakeVsHealth}×`);
  row("  intake ÷ raw INSERT", (r) => `${r.ratios.intakeVsRawInsert}×`);
  row("intake 202 latency p50/p95", (r) => ms(r.intake.latencyMs));
  row("health latency p50/p95", (r) => ms(r.health.latencyMs));
  row("routed / to triage", (r) => `${r.e2e.routed} / ${r.e2e.triage}`);
  row("POST → signed p50/p95", (r) => `${ms(r.e2e.postToSignedMs)}  (${r.e2e.signed})`);
  row("POST → ARCHIVED p50/p95", (r) => `${ms(r.e2e.postToArchivedMs)}  (${r.e2e.archived})`);
  row("batch drained", (r) => `${r.e2e.complete ? "yes" : "NO (timed out)"} ${r.e2e.waitedSeconds} s after the last 202`);
  row("hub log: ERROR / WARN lines", (r) => (r.hubLog ? `${r.hubLog.errors} / ${r.hubLog.warnings}` : "—"));
  row("RSS before → peak → after", (r) => `${r.memory.before.rssMiB} → ${r.memory.peakRssMiB} → ${r.memory.after.rssMiB} MiB`);
  row("heap used before → after", (r) => `${r.memory.before.heapUsedMiB} → ${r.memory.after.heapUsedMiB} MiB`);
  row("external before → after", (r) => `${r.memory.before.externalMiB} → ${r.memory.after.externalMiB} MiB`);
  const all = [["", ...cols] as string[], ...rows];
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => [...r[i]].length)));
  return all.map((r) => r.map((c, i) => c + " ".repeat(widths[i] - [...c].length)).join("   ").trimEnd()).join("\n");
}

async function main(): Promise<void> {
  const profiles = (process.env.BENCH_PROFILES ?? "production,embedded")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean) as Profile[];
  for (const p of profiles)
    if (p !== "production" && p !== "embedded") {
      console.error(`BENCH_PROFILES: unknown profile ${p} (production, embedded)`);
      process.exit(2);
    }
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted = true;
    console.error(`${sig}: stopping the bench and cleaning up`);
    // the child stops its hub; main() then removes what this process created (finally)
    child?.kill("SIGTERM");
    setTimeout(() => child?.kill("SIGKILL"), 15_000).unref();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const m = machine();
  console.log(`tongguan intake bench — ${new Date().toISOString()} — ${N} orders, concurrency ${C}, node ${m.node}, ${m.cpus} cores (${m.cpu ?? "?"})`);
  const load0 = os.loadavg()[0];
  console.log(`load average (1 min) at start: ${load0.toFixed(2)} — figures taken while other work runs on the machine are not comparable`);
  console.log(`simulator timings: unit accept ${SIM.SIM_UNIT_ACCEPT_MS} ms, unit work ${SIM.SIM_UNIT_WORK_MS} ms, callback ${SIM.SIM_CALLBACK_DELAY_MS} ms, relay poll ${SIM.RELAY_INTERVAL_MS} ms`);
  const results: ProfileResult[] = [];
  try {
    for (const profile of profiles) {
      if (profile === "production") {
        const db = await freshDatabase();
        const dbName = db.url.slice(db.url.lastIndexOf("/") + 1);
        cleanups.push(() => db.drop().then(() => note(`cleanup: dropped database ${dbName}`)));
        const bus = await natsNamespace();
        cleanups.push(() => bus.cleanup().then(() => note(`cleanup: deleted the JetStream streams ${bus.namespace}*`)));
        results.push(await runChild(profile, { BENCH_DATABASE_URL: db.url, BENCH_NAMESPACE: bus.namespace }));
      } else {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tg-bench-"));
        cleanups.push(async () => {
          fs.rmSync(dir, { recursive: true, force: true });
          note(`cleanup: removed ${dir}`);
        });
        results.push(await runChild(profile, { BENCH_DATA_DIR: dir }));
      }
      await cleanUp();
    }
  } finally {
    await cleanUp();
  }

  console.log("");
  console.log(table(results));
  console.log("");
  const load1 = os.loadavg()[0];
  console.log(`load average (1 min): ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at the end (the bench itself adds up to ~${m.cpus})`);
  console.log("Ratios are what to compare across machines and commits; absolute rates depend on the machine.");
  const json = { at: new Date().toISOString(), machine: m, loadAverage1m: { start: round(load0, 2), end: round(load1, 2) }, settings: { orders: N, concurrency: C, healthRequests: N_HEALTH, warmupOrders: WARMUP_ORDERS, e2eTimeoutMs: E2E_TIMEOUT_MS, simulator: SIM, pgAdmin: PG_ADMIN_URL.replace(/\/\/[^@/]*@/, "//…@"), nats: NATS_URL }, results };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(json, null, 2) + "\n");
  console.log(`JSON: ${path.relative(process.cwd(), RESULTS)}`);
}

async function childMain(profile: Profile): Promise<void> {
  const r = await runProfile(profile);
  fs.writeFileSync(need("BENCH_RESULT_FILE"), JSON.stringify(r));
}

const childProfile = process.env.BENCH_CHILD as Profile | undefined;
if (require.main === module) {
  (childProfile ? childMain(childProfile) : main()).then(
    () => process.exit(0),
    (e: Error) => {
      if (interrupted) {
        console.error("bench interrupted: nothing written");
        process.exit(130);
      }
      console.error(`bench failed: ${e.stack ?? e.message}`);
      process.exit(1);
    },
  );
}
