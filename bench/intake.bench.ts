/**
 * The bench's orchestrator: `npm run bench`. PRINTS figures, never asserts them.
 *
 * Every role is a process of its own, started here and spoken to over IPC (bench/lib.ts):
 *   bench/load-client.ts      posts generated 12345 work orders at a fixed concurrency
 *   bench/baseline-server.ts  the bare baseline: HTTP → JSON → the hub's ajv schema → one
 *                             transaction (case + outbox row) → publish → 202
 *   bench/hub-process.ts      the hub (test/harness startTestHub), all services in one process
 *   bench/simulators.ts       the 12345 and unit simulators, out of the hub's process
 *
 * Per profile (production: NATS + a fresh PostgreSQL database each; embedded: PGlite in a
 * temporary folder each, no transporter):
 *   1. baseline          bare script → load → stop
 *   2. hub, intake only  production only: SERVICES without `delivery` (the outbox relay still
 *                        publishes to JetStream, into a stream nobody consumes) → load → stop
 *   3. hub, everything   delivery on, simulators in their own process → load (intake rate and
 *                        签收 latency while it runs) → wait until every routed case is ARCHIVED
 *                        → CPU per archived case, RSS peak → stop
 * Whatever happens (error, Ctrl-C, timeout), children are stopped, databases dropped, the
 * namespace's JetStream streams deleted and temporary folders removed (`cleanup: …` lines).
 *
 * Output: a table, bench/results/latest.json, each child's log in bench/results/, and as the
 * last line of stdout:
 *   RESULT throughput=N p99_ms=N ratio_to_baseline=0.NN sign_p99_ms=N cpu_ms_per_case=N rss_mb=N
 * Settings: see bench/README.md.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connect } from "nats";
import { ADAPTERS } from "../adapters";
import { API_KEYS, KEYS, NATS_URL, PG_ADMIN_URL } from "../test/harness";
import {
  type Child,
  type CpuUse,
  cpuText,
  cpuUse,
  intEnv,
  latency,
  type HubUsage,
  type Latency,
  type LoadResult,
  type LoadRun,
  type LogSummary,
  machine,
  mib,
  finishReport,
  orchestrate,
  production,
  RESULTS_DIR,
  ROOT,
  round,
  scope,
  sleep,
  startChild,
  tempDir,
  textTable,
  wasInterrupted,
} from "./lib";

type Profile = "production" | "embedded";
type Phase = "intake" | "lifecycle";

// ---------------------------------------------------------------------------------------------
// Settings

const ORDERS = intEnv("BENCH_ORDERS", 2000, 1);
const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 16, 1);
const PHASE_SECONDS = intEnv("BENCH_PHASE_SECONDS", 15, 1);
const WARMUP_ORDERS = intEnv("BENCH_WARMUP_ORDERS", 50, 0);
const DRAIN_TIMEOUT_MS = intEnv("BENCH_DRAIN_TIMEOUT_MS", 60_000, 1000);
const TOTAL_TIMEOUT_MS = intEnv("BENCH_TIMEOUT_MS", 600_000, 10_000);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "warn";
const SIMULATORS = process.env.BENCH_SIMULATORS ?? "process";
const CPU_PROF = process.env.BENCH_CPU_PROF === "1";
/** BENCH_COUNT_SQL=1: the hub counts the statements it sends; the intake phase prints them per accepted order */
const COUNT_SQL = process.env.BENCH_COUNT_SQL === "1";
const PROFILES = (process.env.BENCH_PROFILES ?? "production,embedded")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean) as Profile[];

const START_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** the simulator and relay timings of test/harness testEnv(): the floor under end-to-end latency */
const SIM = { SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "150", SIM_CALLBACK_DELAY_MS: "150", RELAY_INTERVAL_MS: "100" };
/** every service but delivery: nothing leaves the hub, the relay still hands messages to the bus */
const INTAKE_SERVICES = "gateway,intake,cases,routing,schedule";
/** the same orders for the baseline and for each hub phase (each has a fresh database) */
const BATCH = { firstSeq: 1_000_000, seed: 12345 };
const WARMUP = { firstSeq: 9_000_000, seed: 999 };

// ---------------------------------------------------------------------------------------------
// Results

type RunSummary = Omit<LoadResult, "requests">;

interface HubResult {
  phase: Phase;
  services: string;
  simulators: string;
  startupSeconds: number;
  intake: RunSummary;
  /** the hub process while the batch was posted, per accepted order */
  intakeCpu: CpuUse;
  /** lifecycle only */
  sign?: Latency & { orders: number };
  drain?: { routed: number; triage: number; archived: number; complete: boolean; secondsAfterLast202: number };
  /** lifecycle only: from before the batch to the moment every routed case was archived, per archived case */
  cpu?: CpuUse;
  memory: { rssBeforeMiB: number; rssPeakMiB: number; rssAfterMiB: number; heapUsedAfterMiB: number; externalAfterMiB: number; lifetimeMaxRssMiB: number };
  /** what the hub logged at BENCH_LOG_LEVEL; `duringRun`: before it was asked to stop */
  hubLog: LogSummary & { duringRun: { errors: number; warnings: number } };
  command: string;
}

interface ProfileResult {
  profile: Profile;
  store: string;
  baseline: RunSummary & { store: string; publish: string };
  intakeOnly?: HubResult;
  lifecycle: HubResult;
  ratios: { intakeOnly?: number; lifecycle: number };
}

// ---------------------------------------------------------------------------------------------
// Steps

const say = (line: string): void => console.log(`  ${line}`);
const strip = ({ requests: _r, ...rest }: LoadResult): RunSummary => rest;

async function load(client: Child, url: string, which: "warm-up" | "batch"): Promise<LoadResult> {
  const o = which === "batch" ? { ...BATCH, count: ORDERS } : { ...WARMUP, count: WARMUP_ORDERS };
  const run: LoadRun = { url, key: KEYS.hotline12345, concurrency: CONCURRENCY, maxSeconds: which === "batch" ? PHASE_SECONDS : 30, timeoutMs: REQUEST_TIMEOUT_MS, ...o };
  if (run.count === 0) return { attempted: 0, accepted: 0, statuses: {}, seconds: 0, perSecond: 0, latencyMs: latency([]), timeCapped: false, requests: [] };
  const r = await client.request<LoadResult>("run", run, run.maxSeconds * 1000 + REQUEST_TIMEOUT_MS + 30_000);
  if (which === "batch")
    say(
      `  ${r.accepted}/${r.attempted} accepted in ${r.seconds} s = ${r.perSecond}/s, p99 ${r.latencyMs.p99} ms${r.timeCapped ? ` (time cap ${PHASE_SECONDS} s reached)` : ""}${r.firstError ? `; first refusal: ${r.firstError}` : ""}`,
    );
  return r;
}

async function baseline(profile: Profile, client: Child): Promise<ProfileResult["baseline"]> {
  return scope(async (defer) => {
    let env: Record<string, string>;
    if (profile === "production") {
      const p = await production(defer);
      env = { BASELINE_STORE: "postgres", DATABASE_URL: p.url, NATS_URL, NATS_NAMESPACE: p.namespace };
    } else env = { BASELINE_STORE: "pglite", DATA_DIR: tempDir(defer, "tg-bench-bare-") };
    say(`baseline (${env.BASELINE_STORE}): starting bench/baseline-server.ts`);
    const server = startChild(defer, `baseline ${profile}`, "bench/baseline-server.ts", env, `${profile}-baseline`);
    const { url } = await server.ready<{ url: string }>(START_TIMEOUT_MS);
    await load(client, url, "warm-up");
    say(`baseline: POST ×${ORDERS} (≤ ${PHASE_SECONDS} s), concurrency ${CONCURRENCY}`);
    const r = await load(client, url, "batch");
    await server.stop();
    if (server.log.errors) say(`baseline logged ${server.log.errors} errors (${server.log.file}): ${server.log.firstError}`);
    return {
      ...strip(r),
      store: profile === "production" ? `pg Pool(${process.env.DB_POOL_MAX ?? 10}) + JetStream publish` : "PGlite (temp folder), no bus",
      publish: profile === "production" ? "JetStream (awaited ack), stream <ns>_bare_outbox" : "none",
    };
  });
}

interface Counts {
  archived: number;
  triage: number;
}

async function counts(hubUrl: string): Promise<Counts> {
  const total = async (status: string) => {
    const res = await fetch(`${hubUrl}/api/v1/cases?status=${status}&pageSize=1`, { headers: { "x-api-key": KEYS.agent }, signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`GET /api/v1/cases?status=${status}: ${res.status}`);
    return ((await res.json()) as { total: number }).total;
  };
  return { archived: await total("ARCHIVED"), triage: await total("TRIAGE") };
}

/** Until archived + triage grew by `accepted` (TRIAGE cases wait for a person); false on timeout. */
async function settle(hubUrl: string, before: Counts, accepted: number, timeoutMs: number): Promise<{ done: boolean; now: Counts; at: number }> {
  const until = Date.now() + timeoutMs;
  let now = before;
  for (;;) {
    try {
      now = await counts(hubUrl);
    } catch {
      /* asked again below */
    }
    if (now.archived - before.archived + (now.triage - before.triage) >= accepted) return { done: true, now, at: Date.now() };
    if (Date.now() > until) return { done: false, now, at: Date.now() };
    await sleep(250);
  }
}

/** The environment that points a hub at out-of-process simulators: each system's URL setting (EXT_UNITS_URL, EXT_GRID_URL, …). */
function simulatorEnv(urls: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const a of ADAPTERS) {
    const setting = a.settings.find((st) => st.purpose === "url");
    if (urls[a.system] && setting) env[setting.env] = urls[a.system];
  }
  return env;
}

/** The first successful 签收 of each order, as the 12345 simulator received it (its own clock). */
async function signTimes(simUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${simUrl}/__sim/received`, { signal: AbortSignal.timeout(30_000) });
  const received = (await res.json()) as Array<{ at: string; path: string; status: number; duplicate: boolean }>;
  const out = new Map<string, number>();
  for (const r of received) {
    const m = /^\/work-orders\/([^/]+)\/sign$/.exec(r.path);
    if (!m || r.status !== 200 || r.duplicate) continue;
    const orderNo = decodeURIComponent(m[1]);
    if (!out.has(orderNo)) out.set(orderNo, Date.parse(r.at));
  }
  return out;
}

async function hub(profile: Profile, phase: Phase, client: Child): Promise<HubResult> {
  return scope(async (defer) => {
    const settings: Record<string, string> = { ...SIM, LOG_LEVEL, API_KEYS };
    if (profile === "production") {
      const p = await production(defer);
      Object.assign(settings, { TRANSPORTER: NATS_URL, DATABASE_URL: p.url, NAMESPACE: p.namespace, SIMULATORS: "on" });
      if (phase === "intake") {
        // nobody consumes tg.outbound without delivery, and JetStream refuses a publish to a
        // subject no stream holds: one stream takes every channel subject of the namespace
        const nc = await connect({ servers: NATS_URL, timeout: 5000 });
        await (await nc.jetstreamManager()).streams.add({ name: `${p.namespace}_bench_sink`, subjects: [`${p.namespace}.>`] });
        await nc.close();
        settings.SERVICES = INTAKE_SERVICES;
      }
    } else settings.DATA_DIR = tempDir(defer, "tg-bench-hub-");

    let sims: Child | undefined;
    let simUrls: Record<string, string> = {};
    if (phase === "lifecycle" && SIMULATORS === "process") {
      sims = startChild(defer, `simulators ${profile}`, "bench/simulators.ts", SIM, `${profile}-simulators`);
      simUrls = await sims.ready<Record<string, string>>(START_TIMEOUT_MS);
      Object.assign(settings, simulatorEnv(simUrls));
    }

    const name = `${profile}-${phase}`;
    // default profile names carry the pid and thread id: the tsx loader thread writes its own file beside the main thread's
    const nodeArgs = CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.join(RESULTS_DIR, `prof-${name}`)}`] : [];
    const command = `BENCH_HUB_ENV='${JSON.stringify(settings)}' node ${nodeArgs.join(" ")}${nodeArgs.length ? " " : ""}--import tsx bench/hub-process.ts`;
    fs.writeFileSync(path.join(RESULTS_DIR, `${name}.hub.sh`), `# how the bench started the hub (${new Date().toISOString()}); the database and namespace are gone now\ncd ${ROOT}\n${command}\n`);
    const label = phase === "intake" ? `SERVICES=${INTAKE_SERVICES}` : `all services${sims ? ", simulators in their own process" : ", simulators in the hub process"}`;
    say(`hub ${phase === "intake" ? "intake only" : "with delivery"} (${label}): starting bench/hub-process.ts`);
    const t0 = performance.now();
    const h = startChild(defer, `hub ${name}`, "bench/hub-process.ts", { BENCH_HUB_ENV: JSON.stringify(settings), ...(COUNT_SQL ? { BENCH_COUNT_SQL: "1" } : {}) }, `${name}.hub`, nodeArgs);
    const up = await h.ready<{ url: string; sims: Record<string, string | undefined> }>(START_TIMEOUT_MS);
    const startupSeconds = round((performance.now() - t0) / 1000, 2);
    if (sims) await sims.request("setHub", { url: up.url }, 10_000);
    const hotlineSim = simUrls.hotline12345 ?? up.sims.hotline12345;
    if (phase === "lifecycle" && !hotlineSim) throw new Error("no 12345 simulator URL (is SIMULATORS on?)");
    say(`  up in ${startupSeconds} s at ${up.url} (pid ${h.pid})`);

    // warm-up: JIT, pools, bus consumers; with delivery, let it finish its round trips
    const zero = await counts(up.url);
    const warm = await load(client, up.url, "warm-up");
    if (phase === "lifecycle") await settle(up.url, zero, warm.accepted, 30_000);

    const before = await counts(up.url);
    await h.request("mark", null, 10_000);
    const u0 = await h.request<HubUsage>("usage", null, 10_000);
    say(`  POST ×${ORDERS} (≤ ${PHASE_SECONDS} s), concurrency ${CONCURRENCY}`);
    const batch = await load(client, up.url, "batch");
    if (COUNT_SQL && phase === "intake") {
      const sql = await h.request<{ text: string; n: number }[]>("sql", null, 10_000);
      const total = sql.reduce((a, x) => a + x.n, 0);
      say(`  SQL statements: ${total} = ${round(total / Math.max(1, batch.accepted), 2)} per accepted order; most sent:`);
      for (const x of sql.slice(0, 8)) say(`    ${String(x.n).padStart(6)}  ${x.text}`);
    }
    const uIntake = await h.request<HubUsage>("usage", null, 10_000);
    let sign: HubResult["sign"];
    let drain: HubResult["drain"];
    let cpu: HubResult["cpu"];
    let u1 = uIntake;
    if (phase === "lifecycle") {
      say(`  waiting (≤ ${DRAIN_TIMEOUT_MS / 1000} s) until every routed case is ARCHIVED`);
      const s = await settle(up.url, before, batch.accepted, DRAIN_TIMEOUT_MS);
      u1 = await h.request<HubUsage>("usage", null, 10_000);
      const triage = s.now.triage - before.triage;
      const archived = s.now.archived - before.archived;
      const last202 = Math.max(0, ...batch.requests.map((q) => q.sentAt + q.ms));
      drain = { routed: batch.accepted - triage, triage, archived, complete: s.done, secondsAfterLast202: round((s.at - last202) / 1000, 2) };
      say(`  ${s.done ? "drained" : "NOT drained (timed out)"}: ${archived} archived, ${triage} to triage, ${drain.secondsAfterLast202} s after the last 202`);
      const signed = await signTimes(hotlineSim!);
      const toSign = batch.requests.filter((q) => q.status === 202 && signed.has(q.orderNo)).map((q) => signed.get(q.orderNo)! - q.sentAt);
      sign = { ...latency(toSign), orders: toSign.length };
      cpu = cpuUse(u0, u1, archived);
    }
    const duringRun = { errors: h.log.errors, warnings: h.log.warnings };
    await h.stop();
    if (h.log.errors || h.log.warnings) say(`  the hub logged ${h.log.errors} ERROR and ${h.log.warnings} WARN lines (${h.log.file})${h.log.firstError ? `; first: ${h.log.firstError}` : ""}`);
    return {
      phase,
      services: settings.SERVICES ?? "all",
      simulators: phase === "intake" ? "none (no delivery)" : sims ? "own process" : "in the hub process",
      startupSeconds,
      intake: strip(batch),
      intakeCpu: cpuUse(u0, uIntake, batch.accepted),
      sign,
      drain,
      cpu,
      memory: {
        rssBeforeMiB: mib(u0.rssBytes),
        rssPeakMiB: mib(u1.peakRssBytes),
        rssAfterMiB: mib(u1.rssBytes),
        heapUsedAfterMiB: mib(u1.heapUsedBytes),
        externalAfterMiB: mib(u1.externalBytes),
        lifetimeMaxRssMiB: mib(u1.maxRssKb * 1024),
      },
      hubLog: { ...h.log, duringRun },
      command,
    };
  });
}

async function runProfile(profile: Profile, client: Child): Promise<ProfileResult> {
  console.log(`\n${profile}:`);
  const bare = await baseline(profile, client);
  const intakeOnly = profile === "production" ? await hub(profile, "intake", client) : undefined;
  const lifecycle = await hub(profile, "lifecycle", client);
  const ratio = (h: HubResult) => (bare.perSecond ? round(h.intake.perSecond / bare.perSecond, 4) : NaN);
  return {
    profile,
    store: profile === "production" ? "PostgreSQL + NATS JetStream" : "PGlite, no transporter",
    baseline: bare,
    intakeOnly,
    lifecycle,
    ratios: { intakeOnly: intakeOnly && ratio(intakeOnly), lifecycle: ratio(lifecycle) },
  };
}

// ---------------------------------------------------------------------------------------------
// Output

function table(results: ProfileResult[]): string {
  const rows: string[][] = [["", ...results.map((r) => r.profile)]];
  const row = (label: string, f: (r: ProfileResult) => string) => rows.push([label, ...results.map(f)]);
  const lat = (l: Latency) => (l.n ? `${l.p50} / ${l.p95} / ${l.p99} ms` : "—");
  const st = (s: Record<string, number>) =>
    Object.entries(s)
      .map(([k, v]) => `${k === "0" ? "no answer" : k}×${v}`)
      .join(" ") || "—";
  const x = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "—" : `${round(n, 3)}×`);
  const na = "— (embedded: one process, every service)";
  row("store", (r) => r.store);
  row("BASELINE (bare script)", (r) => r.baseline.store);
  row("  accepted/s", (r) => `${r.baseline.perSecond} /s  (${r.baseline.accepted}/${r.baseline.attempted})`);
  row("  202 p50 / p95 / p99", (r) => lat(r.baseline.latencyMs));
  row("HUB, INTAKE ONLY (no delivery)", (r) => (r.intakeOnly ? r.intakeOnly.services : na));
  row("  accepted/s", (r) => (r.intakeOnly ? `${r.intakeOnly.intake.perSecond} /s  (${r.intakeOnly.intake.accepted}/${r.intakeOnly.intake.attempted})` : "—"));
  row("  ÷ baseline", (r) => x(r.ratios.intakeOnly));
  row("  202 p50 / p95 / p99", (r) => (r.intakeOnly ? lat(r.intakeOnly.intake.latencyMs) : "—"));
  row("  statuses", (r) => (r.intakeOnly ? st(r.intakeOnly.intake.statuses) : "—"));
  row("  hub CPU per accepted order", (r) => (r.intakeOnly ? cpuText(r.intakeOnly.intakeCpu) : "—"));
  row("  hub RSS peak", (r) => (r.intakeOnly ? `${r.intakeOnly.memory.rssPeakMiB} MiB` : "—"));
  row("HUB, DELIVERY ON", (r) => `all services, simulators ${r.lifecycle.simulators}`);
  row("  accepted/s", (r) => `${r.lifecycle.intake.perSecond} /s  (${r.lifecycle.intake.accepted}/${r.lifecycle.intake.attempted})`);
  row("  ÷ baseline", (r) => x(r.ratios.lifecycle));
  row("  202 p50 / p95 / p99", (r) => lat(r.lifecycle.intake.latencyMs));
  row("  statuses", (r) => st(r.lifecycle.intake.statuses));
  row("  POST → 签收 p50 / p95 / p99", (r) => (r.lifecycle.sign ? `${lat(r.lifecycle.sign)}  (${r.lifecycle.sign.orders})` : "—"));
  row("  routed / archived / triage", (r) => (r.lifecycle.drain ? `${r.lifecycle.drain.routed} / ${r.lifecycle.drain.archived} / ${r.lifecycle.drain.triage}` : "—"));
  row("  drained", (r) => (r.lifecycle.drain ? `${r.lifecycle.drain.complete ? "yes" : "NO (timed out)"}, ${r.lifecycle.drain.secondsAfterLast202} s after the last 202` : "—"));
  row("  hub CPU per archived case", (r) => (r.lifecycle.cpu ? cpuText(r.lifecycle.cpu) : "—"));
  row("  hub RSS before → peak → after", (r) => `${r.lifecycle.memory.rssBeforeMiB} → ${r.lifecycle.memory.rssPeakMiB} → ${r.lifecycle.memory.rssAfterMiB} MiB`);
  const both = (r: ProfileResult, f: (h: HubResult) => string) =>
    [r.intakeOnly, r.lifecycle]
      .filter((h): h is HubResult => !!h)
      .map((h) => `${f(h)} (${h.phase === "intake" ? "intake only" : "delivery on"})`)
      .join(", ");
  row("hub start-up", (r) => both(r, (h) => `${h.startupSeconds} s`));
  row("hub log ERROR / WARN lines", (r) =>
    both(
      r,
      (h) =>
        `${h.hubLog.duringRun.errors} / ${h.hubLog.duringRun.warnings}${h.hubLog.errors + h.hubLog.warnings > h.hubLog.duringRun.errors + h.hubLog.duringRun.warnings ? ` (+${h.hubLog.errors - h.hubLog.duringRun.errors} / ${h.hubLog.warnings - h.hubLog.duringRun.warnings} at stop)` : ""}`,
    ),
  );
  return textTable(rows);
}

/** The last line of stdout: production figures (embedded ones when only that profile ran). */
function resultLine(results: ProfileResult[]): string {
  const r = results.find((p) => p.profile === "production") ?? results[0];
  if (!r) return "RESULT throughput=NA p99_ms=NA ratio_to_baseline=NA sign_p99_ms=NA cpu_ms_per_case=NA rss_mb=NA";
  const intake = r.intakeOnly ?? r.lifecycle;
  const n = (v: number | undefined, d = 0) => (v === undefined || !Number.isFinite(v) ? "NA" : d ? v.toFixed(d) : String(Math.round(v)));
  const ratio = r.intakeOnly ? r.ratios.intakeOnly : r.ratios.lifecycle;
  const rss = Math.max(...[r.intakeOnly, r.lifecycle].filter((h): h is HubResult => !!h).map((h) => h.memory.rssPeakMiB));
  return `RESULT throughput=${n(intake.intake.perSecond)} p99_ms=${n(intake.intake.latencyMs.p99)} ratio_to_baseline=${n(ratio, 2)} sign_p99_ms=${n(r.lifecycle.sign?.p99)} cpu_ms_per_case=${n(r.lifecycle.cpu?.msPerUnit)} rss_mb=${n(rss)}`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  for (const p of PROFILES)
    if (p !== "production" && p !== "embedded") {
      console.error(`BENCH_PROFILES: unknown profile ${p} (production, embedded)`);
      process.exit(2);
    }
  if (SIMULATORS !== "process" && SIMULATORS !== "hub") {
    console.error(`BENCH_SIMULATORS=${SIMULATORS}: process or hub`);
    process.exit(2);
  }

  const m = machine();
  const load0 = os.loadavg()[0];
  console.log(`tongguan intake bench — ${new Date().toISOString()} — commit ${m.commit ?? "?"}, node ${m.node}, ${m.cpus} cores (${m.cpu ?? "?"})`);
  console.log(
    `${ORDERS} orders per run (≤ ${PHASE_SECONDS} s), concurrency ${CONCURRENCY}, ${WARMUP_ORDERS} warm-up orders; simulators: unit accept ${SIM.SIM_UNIT_ACCEPT_MS} ms, work ${SIM.SIM_UNIT_WORK_MS} ms, call-back ${SIM.SIM_CALLBACK_DELAY_MS} ms; relay poll ${SIM.RELAY_INTERVAL_MS} ms`,
  );
  console.log(`load average (1 min) at start: ${load0.toFixed(2)} — figures taken while other work runs here are not comparable`);
  if (CPU_PROF) console.log(`BENCH_CPU_PROF=1: hub CPU profiles go to ${path.relative(ROOT, RESULTS_DIR)}/hub-<profile>-<phase>.cpuprofile`);

  const failures: Array<{ profile: Profile; error: string }> = [];
  const results = await scope(async (defer) => {
    const client = startChild(defer, "load client", "bench/load-client.ts", {}, "load-client");
    await client.ready(START_TIMEOUT_MS);
    const out: ProfileResult[] = [];
    for (const p of PROFILES) {
      try {
        out.push(await runProfile(p, client));
      } catch (e) {
        if (wasInterrupted()) throw e;
        // the other profile still runs; what failed is said below the table and in the exit code
        failures.push({ profile: p, error: (e as Error).message });
        console.error(`  ${p} profile failed: ${(e as Error).message}`);
      }
    }
    return out;
  });

  console.log("");
  if (results.length) console.log(table(results));
  for (const f of failures) console.log(`${f.profile}: FAILED — ${f.error}`);
  finishReport({
    load0,
    file: "latest.json",
    logs: "*.log",
    settings: {
      orders: ORDERS,
      concurrency: CONCURRENCY,
      phaseSeconds: PHASE_SECONDS,
      warmupOrders: WARMUP_ORDERS,
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
      logLevel: LOG_LEVEL,
      simulators: SIMULATORS,
      simulatorTimings: SIM,
      pgAdmin: PG_ADMIN_URL.replace(/\/\/[^@/]*@/, "//…@"),
      nats: NATS_URL,
    },
    figures: { results },
    failures,
    resultLine: resultLine(results),
  });
}

orchestrate(main, TOTAL_TIMEOUT_MS);
