/**
 * The notices (fan-out) bench: `npm run bench:notices`. PRINTS figures, never asserts them.
 *
 * Issue 8: a sanction that makes a joint rule fire produces its notices in the same transaction as
 * the sanction; how many notices (and 双公示 publications) reach the bureaus' and the platform's
 * simulators per second, against the bare simulators taking the same messages in the same run.
 *
 * Every role is a process of its own, started here and spoken to over IPC (bench/lib.ts):
 *   bench/load-client.ts       posts the seeded penalty decisions (bench/sanction-load.ts) to
 *                              POST /api/v1/sanctions; in the baseline, replays the hub's messages
 *   bench/hub-process.ts       the hub (test/harness startTestHub), all services in one process,
 *                              NATS + a fresh PostgreSQL database
 *   bench/system-simulator.ts  ×5: credit (公共信用信息共享平台), housing, police, transport (the
 *                              bureaus: they sign and report back to the hub) and unit (the city
 *                              bureau 城管 is a unit), each made by its adapter spec's factory
 *
 * Steps, each with fresh stores:
 *   1. hub        fresh database + NATS namespace, 5 simulators, the hub → warm-up (its notices
 *                 delivered) → the batch → until every expected message has reached its simulator
 *                 → until the bureaus' receipts and feedback are in → what each simulator took
 *                 (receive times, the decision numbers each message names) → stop
 *   2. baseline   5 fresh simulators calling back a sink (this process answers 200 to anything) →
 *                 the load client posts exactly the messages the hub delivered in step 1 (paths,
 *                 bodies, Idempotency-Keys) straight to them, same concurrency → stop
 * Whatever happens (error, Ctrl-C, timeout), children are stopped, databases dropped, the
 * namespace's JetStream streams deleted (`cleanup: …` lines).
 *
 * Output: a table, bench/results/notices.json, each child's log in bench/results/notices-*.log,
 * and as the last line of stdout:
 *   RESULT notices_per_s=N messages_per_s=N sanctions_per_s=N p99_ms=N notice_p99_ms=N cpu_ms_per_notice=N rss_mb=N baseline_msgs_per_s=N ratio_to_baseline=N
 * Settings: see bench/README.md.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { connect } from "nats";
import { Client } from "pg";
import { API_KEYS, KEYS, NATS_URL, PG_ADMIN_URL } from "../test/harness";
import {
  boxCpu,
  boxCpuUsed,
  type Child,
  type CpuUse,
  cpuText,
  cpuUse,
  type Defer,
  type HubUsage,
  intEnv,
  type Latency,
  latency,
  type LoadResult,
  type LogSummary,
  machine,
  mib,
  finishReport,
  orchestrate,
  production,
  RESULTS_DIR,
  ROOT,
  type ReplayRun,
  round,
  type SanctionRun,
  scope,
  sleep,
  startChild,
  textTable,
} from "./lib";
import { DECISION_NO, expected, generateSanctions, type Expected, type SanctionLoadSpec } from "./sanction-load";
import type { SimCount, TakenMessage } from "./system-simulator";

// ---------------------------------------------------------------------------------------------
// Settings

const COMPANIES = intEnv("BENCH_COMPANIES", 400, 0);
const SINGLES = intEnv("BENCH_SINGLES", 400, 0);
const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 16, 1);
/** decisions per request from the enforcement system: 1 each to /api/v1/sanctions, more together to /api/v1/batch */
const SANCTION_BATCH = intEnv("BENCH_SANCTION_BATCH", 1, 1);
/** the hub's HttpClient keeps up to 64 sockets per endpoint: the baseline gets as many in flight */
const BASELINE_CONCURRENCY = intEnv("BENCH_BASELINE_CONCURRENCY", 64, 1);
const PHASE_SECONDS = intEnv("BENCH_PHASE_SECONDS", 30, 1);
const WARMUP_COMPANIES = intEnv("BENCH_WARMUP_COMPANIES", 10, 0);
const DRAIN_TIMEOUT_MS = intEnv("BENCH_DRAIN_TIMEOUT_MS", 60_000, 1000);
const TOTAL_TIMEOUT_MS = intEnv("BENCH_TIMEOUT_MS", 600_000, 10_000);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "warn";
const CPU_PROF = process.env.BENCH_CPU_PROF === "1";
/** BENCH_SIM_PROF=1: CPU profiles of the simulators too (bench/results/prof-notices-<step>-sim-<system>/) */
const SIM_PROF = process.env.BENCH_SIM_PROF === "1";
const COUNT_SQL = process.env.BENCH_COUNT_SQL === "1";

const START_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** the hub's test timings: a bureau signs 50 ms after a notice arrived and reports 150 ms later */
const SIM = { SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "150", SIM_CALLBACK_DELAY_MS: "150", RELAY_INTERVAL_MS: "100" };
/** the systems a sanction's messages go to, with the API-key role each calls the hub back with, and the hub setting that points at it */
const SYSTEMS = [
  { system: "credit", key: KEYS.credit, env: "EXT_CREDIT_URL" },
  { system: "housing", key: KEYS.housing, env: "EXT_HOUSING_URL" },
  { system: "police", key: KEYS.police, env: "EXT_POLICE_URL" },
  { system: "transport", key: KEYS.transport, env: "EXT_TRANSPORT_URL" },
  { system: "unit", key: KEYS.units, env: "EXT_UNITS_URL" },
] as const;
/** the drain step's writer: every service but outbox and delivery */
const WRITE_SERVICES = "gateway,intake,cases,routing,schedule,sanctions";
const DRAIN = process.env.BENCH_DRAIN !== "0";
/** `drain`: the fan-out-alone step only (no hub step, no baseline) — for quick comparisons of the delivery path */
const ONLY_DRAIN = process.env.BENCH_DRAIN === "only";
/** diagnostic: the bureaus take their notices and never call back (what the fan-out costs without its receipts and feedback) */
const SILENT = process.env.BENCH_BUREAUS_SILENT === "1";
/** extra node flags for the hub processes (e.g. --max-semi-space-size=32), space-separated */
const HUB_NODE_ARGS = (process.env.BENCH_HUB_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
const BUREAUS = new Set(["housing", "police", "transport"]);
const BATCH: SanctionLoadSpec = { companies: COMPANIES, singles: SINGLES, firstSeq: 1_000_000, seed: 8 };
const WARMUP: SanctionLoadSpec = { companies: WARMUP_COMPANIES, singles: WARMUP_COMPANIES, firstSeq: 9_000_000, seed: 9 };
/** the decisions' dates count back from this (the load client generates the same batch from it) */
const NOW = new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// Results

type RunSummary = Omit<LoadResult, "requests">;

interface Delivered {
  notices: number;
  penalties: number;
  lists: number;
  messages: number;
  /** first sanction sent → last message of the batch received at its simulator */
  seconds: number;
  noticesPerSecond: number;
  messagesPerSecond: number;
  bySystem: Record<string, number>;
}

interface HubResult {
  startupSeconds: number;
  sanctions: RunSummary;
  expected: Expected;
  delivered: Delivered;
  complete: boolean;
  /** last message received, seconds after the last sanction's answer */
  drainSecondsAfterLastAnswer: number;
  /** per accepted sanction: POST → the last message it caused (its publication; for the decision that completed a rule's set, also the notices and the list entry) */
  sanctionToLast: Latency;
  /** per notice: POST of the last of its decisions → the notice at its bureau */
  postToNotice: Latency;
  /** per penalty publication: POST → the 双公示 record at the platform */
  postToPublication: Latency;
  /** from just before the batch to the last message delivered, per notice and per message */
  cpuPerNotice: CpuUse;
  cpuPerMessage: CpuUse;
  /** the same interval extended until the bureaus' receipts and feedback were in */
  cpuWithCallbacks?: CpuUse & { receipts: number; feedback: number; complete: boolean };
  memory: { rssBeforeMiB: number; rssPeakMiB: number; rssAfterMiB: number; lifetimeMaxRssMiB: number };
  hubLog: LogSummary & { duringRun: { errors: number; warnings: number } };
  simulatorLogErrors: number;
  /** BENCH_COUNT_SQL=1: statements sent to PostgreSQL from just before the batch to the end of the call-backs, by text */
  statements?: { text: string; n: number }[];
  command: string;
}

interface BaselineResult extends RunSummary {
  concurrency: number;
  bySystem: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------

const say = (line: string): void => console.log(`  ${line}`);
const strip = ({ requests: _r, ...rest }: LoadResult): RunSummary => rest;

async function startSimulators(defer: Defer, phase: string): Promise<{ sims: Map<string, Child>; urls: Record<string, string> }> {
  const sims = new Map<string, Child>();
  for (const s of SYSTEMS)
    sims.set(
      s.system,
      startChild(
        defer,
        `${s.system} simulator (${phase})`,
        "bench/system-simulator.ts",
        { BENCH_SIM_SYSTEM: s.system, ...SIM, ...(SILENT ? { BENCH_SIM_SILENT: "1" } : {}) },
        `notices-${phase}-sim-${s.system}`,
        SIM_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.join(RESULTS_DIR, `prof-notices-${phase}-sim-${s.system}`)}`] : [],
      ),
    );
  const urls: Record<string, string> = {};
  for (const [system, c] of sims) urls[system] = (await c.ready<{ url: string }>(START_TIMEOUT_MS)).url;
  return { sims, urls };
}

async function setHub(sims: Map<string, Child>, url: string): Promise<void> {
  for (const s of SYSTEMS) await sims.get(s.system)!.request("setHub", { url, key: s.key }, 10_000);
}

async function countAll(sims: Map<string, Child>): Promise<Record<string, SimCount>> {
  const out: Record<string, SimCount> = {};
  await Promise.all([...sims].map(async ([system, c]) => (out[system] = await c.request<SimCount>("count", null, 10_000))));
  return out;
}

const sum = (counts: Record<string, SimCount>, f: (c: SimCount, system: string) => number) => Object.entries(counts).reduce((a, [s, c]) => a + f(c, s), 0);

/** Until `done(counts)`; false when nothing moved for `stallMs` or after `timeoutMs`. */
async function until(sims: Map<string, Child>, done: (c: Record<string, SimCount>) => boolean, timeoutMs: number, stallMs = 15_000): Promise<{ ok: boolean; counts: Record<string, SimCount> }> {
  const end = Date.now() + timeoutMs;
  let last = "";
  let moved = Date.now();
  for (;;) {
    const counts = await countAll(sims);
    if (done(counts)) return { ok: true, counts };
    const sig = JSON.stringify(counts);
    if (sig !== last) {
      last = sig;
      moved = Date.now();
    }
    if (Date.now() > end || Date.now() - moved > stallMs) return { ok: false, counts };
    await sleep(100);
  }
}

async function postSanctions(client: Child, url: string, spec: SanctionLoadSpec, maxSeconds: number): Promise<LoadResult> {
  const run: SanctionRun = { url, key: KEYS.enforcement, spec, now: NOW, batch: SANCTION_BATCH, concurrency: CONCURRENCY, maxSeconds, timeoutMs: REQUEST_TIMEOUT_MS };
  return client.request<LoadResult>("sanctions", run, maxSeconds * 1000 + REQUEST_TIMEOUT_MS + 60_000);
}

const expectedTotal = (e: Expected) => e.penalties + e.lists + e.notices;
/** bureau notices call back twice (receipt, feedback); the unit (城管) takes its notice without calling back */
const bureauNotices = (c: Record<string, SimCount>) => sum(c, (x, s) => (BUREAUS.has(s) ? x.taken : 0));

async function hubPhase(client: Child, replayFile: string): Promise<HubResult> {
  return scope(async (defer) => {
    const p = await production(defer);
    const { sims, urls } = await startSimulators(defer, "hub");
    const settings: Record<string, string> = {
      ...SIM,
      LOG_LEVEL,
      API_KEYS,
      TRANSPORTER: NATS_URL,
      DATABASE_URL: p.url,
      NAMESPACE: p.namespace,
      // the systems a sanction does not reach (12345, 12319, grid, enforcement) keep their idle built-in simulators
      SIMULATORS: "on",
      // no reminder sweep while measuring
      NOTICE_SWEEP_CRON: "0 0 1 1 *",
    };
    for (const s of SYSTEMS) settings[s.env] = urls[s.system]!;
    const nodeArgs = [...HUB_NODE_ARGS, ...(CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.join(RESULTS_DIR, "prof-notices-hub")}`] : [])];
    const command = `BENCH_HUB_ENV='${JSON.stringify(settings)}' node ${nodeArgs.join(" ")}${nodeArgs.length ? " " : ""}--import tsx bench/hub-process.ts`;
    fs.writeFileSync(path.join(RESULTS_DIR, "notices-hub.sh"), `# how the bench started the hub (${new Date().toISOString()}); the database and namespace are gone now\ncd ${ROOT}\n${command}\n`);
    say("hub (all services, NATS + PostgreSQL; credit, housing, police, transport and unit simulators in their own processes): starting bench/hub-process.ts");
    const t0 = performance.now();
    const h = startChild(defer, "hub (notices)", "bench/hub-process.ts", { BENCH_HUB_ENV: JSON.stringify(settings) }, "notices-hub", nodeArgs);
    const up = await h.ready<{ url: string }>(START_TIMEOUT_MS);
    const startupSeconds = round((performance.now() - t0) / 1000, 2);
    await setHub(sims, up.url);
    say(`  up in ${startupSeconds} s at ${up.url} (pid ${h.pid})`);

    // warm-up: JIT, pools, sockets, breakers; wait for its messages and call-backs
    const warmLoad = generateSanctions(WARMUP, new Date(NOW));
    const warm = await postSanctions(client, up.url, WARMUP, 60);
    const warmExp = expected(warmLoad, new Set(warm.requests.filter((q) => q.status === 202).map((q) => q.orderNo)), new Date(NOW));
    const w = await until(sims, (c) => sum(c, (x) => x.taken) >= expectedTotal(warmExp) && sum(c, (x) => x.receipts + x.feedback) >= 2 * bureauNotices(c), 30_000);
    say(`  warm-up: ${warm.accepted} sanctions, ${sum(w.counts, (x) => x.taken)}/${expectedTotal(warmExp)} messages${w.ok ? "" : " (not all arrived)"}`);
    const base = w.counts;

    const load = generateSanctions(BATCH, new Date(NOW));
    await h.request("mark", null, 10_000);
    const u0 = await h.request<HubUsage>("usage", null, 10_000);
    say(
      `  POST ×${load.bodies.length} sanctions (${COMPANIES} companies × 5 that fire CZ-J010, ${SINGLES} single decisions; ≤ ${PHASE_SECONDS} s), concurrency ${CONCURRENCY}${SANCTION_BATCH > 1 ? `, ${SANCTION_BATCH} per request (POST /api/v1/batch)` : ""}`,
    );
    const batch = await postSanctions(client, up.url, BATCH, PHASE_SECONDS);
    say(
      `    ${batch.accepted}/${batch.attempted} accepted in ${batch.seconds} s = ${batch.perSecond}/s, p99 ${batch.latencyMs.p99} ms${batch.timeCapped ? ` (time cap ${PHASE_SECONDS} s reached)` : ""}${batch.firstError ? `; first refusal: ${batch.firstError}` : ""}`,
    );
    const accepted = new Set(batch.requests.filter((q) => q.status === 202).map((q) => q.orderNo));
    const exp = expected(load, accepted, new Date(NOW));
    const want = expectedTotal(exp);
    say(`  waiting (≤ ${DRAIN_TIMEOUT_MS / 1000} s) for ${exp.notices} notices, ${exp.penalties} penalty and ${exp.lists} list publications (${exp.firings} firings)`);
    const delta = (c: Record<string, SimCount>, f: (x: SimCount) => number) => sum(c, (x, s) => f(x) - f(base[s]!));
    const d = await until(sims, (c) => delta(c, (x) => x.taken) >= want, DRAIN_TIMEOUT_MS);
    const u1 = await h.request<HubUsage>("usage", null, 10_000);
    const cb = await until(sims, (c) => delta(c, (x) => x.receipts + x.feedback) >= 2 * (bureauNotices(c) - bureauNotices(base)), 30_000);
    const u2 = await h.request<HubUsage>("usage", null, 10_000);
    const duringRun = { errors: h.log.errors, warnings: h.log.warnings };
    const statements = COUNT_SQL ? await h.request<{ text: string; n: number }[]>("sql", null, 10_000) : undefined;
    const lastAnswer = Math.max(0, ...batch.requests.map((q) => q.sentAt + q.ms));

    // what each simulator took; the hub's batch messages (not the warm-up's) also go to the replay file
    const taken: Array<TakenMessage & { system: string }> = [];
    const parts: string[] = [];
    for (const [system, c] of sims) {
      const file = path.join(RESULTS_DIR, `notices-delivered-${system}.jsonl`);
      parts.push(file);
      for (const m of await c.request<TakenMessage[]>("received", { file }, 60_000)) taken.push({ ...m, system });
    }
    const inBatch = (m: { decisions: string[] }) => m.decisions.some((no) => load.companyOf.has(no));
    writeReplay(parts, replayFile, load.companyOf);
    await h.stop();
    if (h.log.errors || h.log.warnings) say(`  the hub logged ${h.log.errors} ERROR and ${h.log.warnings} WARN lines (${h.log.file})${h.log.firstError ? `; first: ${h.log.firstError}` : ""}`);
    let simulatorLogErrors = 0;
    for (const c of sims.values()) simulatorLogErrors += c.log.errors;

    const mine = taken.filter(inBatch);
    const isNotice = (m: { system: string }) => m.system !== "credit";
    const notices = mine.filter(isNotice);
    const penalties = mine.filter((m) => m.system === "credit" && m.path === "/xzcf");
    const lists = mine.filter((m) => m.system === "credit" && m.path === "/lists");
    const first = Math.min(...batch.requests.map((q) => q.sentAt));
    const last = Math.max(...mine.map((m) => m.at));
    const seconds = (last - first) / 1000;
    const bySystem: Record<string, number> = {};
    for (const m of mine) bySystem[m.system] = (bySystem[m.system] ?? 0) + 1;
    const delivered: Delivered = {
      notices: notices.length,
      penalties: penalties.length,
      lists: lists.length,
      messages: mine.length,
      seconds: round(seconds, 3),
      noticesPerSecond: round(notices.length / seconds),
      messagesPerSecond: round(mine.length / seconds),
      bySystem,
    };

    // latencies: a message caused by a set of decisions counts from the POST of the last of them
    const sentAt = new Map(batch.requests.filter((q) => q.status === 202).map((q) => [q.orderNo, q.sentAt]));
    const lastOf = (nos: string[]) => nos.reduce<{ no?: string; at: number }>((a, no) => ((sentAt.get(no) ?? -1) > a.at ? { no, at: sentAt.get(no)! } : a), { at: -1 });
    const finish = new Map<string, number>();
    const toNotice: number[] = [];
    const toPublication: number[] = [];
    for (const m of mine) {
      const l = lastOf(m.decisions);
      if (!l.no) continue;
      finish.set(l.no, Math.max(finish.get(l.no) ?? 0, m.at));
      if (isNotice(m)) toNotice.push(m.at - l.at);
      else if (m.path === "/xzcf") toPublication.push(m.at - l.at);
    }
    const sanctionToLast = latency([...finish].map(([no, at]) => at - sentAt.get(no)!));

    const msgs = mine.length;
    const cbCount = { receipts: delta(cb.counts, (x) => x.receipts), feedback: delta(cb.counts, (x) => x.feedback) };
    say(
      `  ${d.ok ? "delivered" : "NOT all delivered"}: ${notices.length} notices, ${penalties.length} + ${lists.length} publications; last ${round((last - lastAnswer) / 1000, 2)} s after the last answer; call-backs ${cbCount.receipts} receipts, ${cbCount.feedback} feedback${cb.ok ? "" : " (not all)"}`,
    );
    return {
      startupSeconds,
      sanctions: strip(batch),
      expected: exp,
      delivered,
      complete: d.ok,
      drainSecondsAfterLastAnswer: round((last - lastAnswer) / 1000, 2),
      sanctionToLast,
      postToNotice: latency(toNotice),
      postToPublication: latency(toPublication),
      cpuPerNotice: cpuUse(u0, u1, notices.length),
      cpuPerMessage: cpuUse(u0, u1, msgs),
      cpuWithCallbacks: { ...cpuUse(u0, u2, notices.length), ...cbCount, complete: cb.ok },
      memory: { rssBeforeMiB: mib(u0.rssBytes), rssPeakMiB: mib(u2.peakRssBytes), rssAfterMiB: mib(u2.rssBytes), lifetimeMaxRssMiB: mib(u2.maxRssKb * 1024) },
      hubLog: { ...h.log, duringRun },
      simulatorLogErrors,
      statements,
      command,
    };
  });
}

interface DrainResult {
  /** outbox rows waiting when the delivering hub started */
  backlog: number;
  sanctions: RunSummary;
  delivered: Delivered;
  complete: boolean;
  cpuPerNotice: CpuUse;
  cpuPerMessage: CpuUse;
  /**
   * CPU per delivered message of the whole box from the leases running out to the last message
   * taken (Linux /proc): hub, simulators, every PostgreSQL process; and what 1,000 notices/s at
   * this mix leaves per message on this machine's cores (cores ÷ messages per notice)
   */
  boxMsPerMessage?: { hub: number; postgres: number; simulators: number; total: number; budgetFor1000NoticesPerS: number };
  memory: { rssPeakMiB: number };
  startupSeconds: number;
  hubLog: { errors: number; warnings: number; file: string };
}

/**
 * The fan-out alone: the batch is written by a hub without outbox and delivery (its messages leased
 * and handed to a JetStream sink nobody reads), that hub stops, the leases are made to run out
 * (one UPDATE), and a hub with every service starts: its outbox recovery claims the backlog and
 * delivery sends it. Rate: first message received → last, at the simulators.
 */
async function drainPhase(client: Child): Promise<DrainResult> {
  return scope(async (defer) => {
    const p = await production(defer);
    const { sims, urls } = await startSimulators(defer, "drain");
    const settings: Record<string, string> = { ...SIM, LOG_LEVEL, API_KEYS, TRANSPORTER: NATS_URL, DATABASE_URL: p.url, NAMESPACE: p.namespace, SIMULATORS: "on", NOTICE_SWEEP_CRON: "0 0 1 1 *" };
    for (const s of SYSTEMS) settings[s.env] = urls[s.system]!;
    const nc = await connect({ servers: NATS_URL, timeout: 5000 });
    defer("closed the NATS connection", () => nc.close());
    const jsm = await nc.jetstreamManager();
    const sinkName = `${p.namespace}_bench_sink`;
    await jsm.streams.add({ name: sinkName, subjects: [`${p.namespace}.>`] });
    say(`drain: a hub without outbox and delivery writes the batch (SERVICES=${WRITE_SERVICES})`);
    const a = startChild(defer, "hub (drain, writer)", "bench/hub-process.ts", { BENCH_HUB_ENV: JSON.stringify({ ...settings, SERVICES: WRITE_SERVICES }) }, "notices-drain-writer.hub");
    const upA = await a.ready<{ url: string }>(START_TIMEOUT_MS);
    // the warm-up's decisions first: their messages warm the delivering hub before the clock starts
    const warm = await postSanctions(client, upA.url, WARMUP, 60);
    const batch = await postSanctions(client, upA.url, BATCH, PHASE_SECONDS);
    say(`  ${batch.accepted}/${batch.attempted} sanctions accepted in ${batch.seconds} s = ${batch.perSecond}/s`);
    await a.stop();
    await jsm.streams.delete(sinkName);
    const db = new Client({ connectionString: p.url });
    await db.connect();
    defer("closed the drain's database connection", () => db.end());
    // the writer's leases are pushed out while the delivering hub starts, then run out at once once it is up
    const held = await db.query("UPDATE outbox SET due_at = now() + interval '1 hour' WHERE status IN ('inflight', 'pending')");
    const backlog = held.rowCount ?? 0;
    const accepted = new Set(batch.requests.filter((q) => q.status === 202).map((q) => q.orderNo));
    const load = generateSanctions(BATCH, new Date(NOW));
    const want = expectedTotal(expected(load, accepted, new Date(NOW)));
    const warmNos = warm.requests.filter((q) => q.status === 202).map((q) => q.orderNo);
    const warmWant = expectedTotal(expected(generateSanctions(WARMUP, new Date(NOW)), new Set(warmNos), new Date(NOW)));
    say(`  ${backlog} messages waiting (${want} of the batch expected); a hub with every service starts, delivers the warm-up's ${warmWant}, then the batch's leases run out and it delivers them`);
    const t0 = performance.now();
    const nodeArgs = [...HUB_NODE_ARGS, ...(CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.join(RESULTS_DIR, "prof-notices-drain")}`] : [])];
    const b = startChild(defer, "hub (drain, delivering)", "bench/hub-process.ts", { BENCH_HUB_ENV: JSON.stringify(settings) }, "notices-drain.hub", nodeArgs);
    const upB = await b.ready<{ url: string }>(START_TIMEOUT_MS);
    const startupSeconds = round((performance.now() - t0) / 1000, 2);
    await setHub(sims, upB.url);
    // warm-up: JIT, pools, sockets, breakers — the warm-up's messages and their call-backs, not counted
    await db.query("UPDATE outbox SET due_at = now() - interval '1 second' WHERE status IN ('inflight', 'pending') AND payload::text LIKE ANY($1::text[])", [warmNos.map((no) => `%${no}%`)]);
    const w = await until(sims, (c) => sum(c, (x) => x.taken) >= warmWant && (SILENT || sum(c, (x) => x.receipts + x.feedback) >= 2 * bureauNotices(c)), 30_000);
    if (!w.ok) say(`  warm-up: ${sum(w.counts, (x) => x.taken)}/${warmWant} messages (not all arrived)`);
    await b.request("mark", null, 10_000);
    const u0 = await b.request<HubUsage>("usage", null, 10_000);
    const before = w.counts;
    const roles = { hub: [b.pid], simulators: [...sims.values()].map((c) => c.pid) };
    const box0 = boxCpu(roles);
    await db.query("UPDATE outbox SET due_at = now() - interval '1 second' WHERE status IN ('inflight', 'pending')");
    const d = await until(sims, (c) => sum(c, (x) => x.taken) - sum(before, (x) => x.taken) >= want, DRAIN_TIMEOUT_MS);
    const box = boxCpuUsed(box0, boxCpu(roles));
    const u1 = await b.request<HubUsage>("usage", null, 10_000);
    if (COUNT_SQL) {
      const st = await b.request<{ text: string; n: number; kB: number }[]>("sql", null, 10_000);
      say(`  SQL statements in the drain: ${st.reduce((a, x) => a + x.n, 0)}, ${st.reduce((a, x) => a + x.kB, 0)} kB of parameters`);
      for (const x of st.slice(0, 12)) say(`    ${String(x.n).padStart(6)}× ${String(x.kB).padStart(6)} kB  ${x.text}`);
    }
    const taken: Array<TakenMessage & { system: string }> = [];
    const ofBatch = new Set(accepted);
    for (const [system, c] of sims) for (const m of await c.request<TakenMessage[]>("received", null, 60_000)) if (m.decisions.some((no) => ofBatch.has(no))) taken.push({ ...m, system });
    const hubLog = { errors: b.log.errors, warnings: b.log.warnings, file: b.log.file };
    await b.stop();
    const notices = taken.filter((m) => m.system !== "credit");
    const seconds = taken.length ? (Math.max(...taken.map((m) => m.at)) - Math.min(...taken.map((m) => m.at))) / 1000 : NaN;
    const bySystem: Record<string, number> = {};
    for (const m of taken) bySystem[m.system] = (bySystem[m.system] ?? 0) + 1;
    const delivered: Delivered = {
      notices: notices.length,
      penalties: taken.filter((m) => m.system === "credit" && m.path === "/xzcf").length,
      lists: taken.filter((m) => m.system === "credit" && m.path === "/lists").length,
      messages: taken.length,
      seconds: round(seconds, 3),
      noticesPerSecond: round(notices.length / seconds),
      messagesPerSecond: round(taken.length / seconds),
      bySystem,
    };
    const carriers = sum(d.counts, (x) => x.carriers) - sum(before, (x) => x.carriers);
    say(
      `  ${d.ok ? "delivered" : "NOT all delivered"}: ${taken.length} messages in ${delivered.seconds} s = ${delivered.messagesPerSecond}/s (${delivered.noticesPerSecond} notices/s), in ${carriers} requests`,
    );
    return {
      backlog,
      sanctions: strip(batch),
      delivered,
      complete: d.ok,
      cpuPerNotice: cpuUse(u0, u1, notices.length),
      cpuPerMessage: cpuUse(u0, u1, taken.length),
      boxMsPerMessage:
        box && taken.length && notices.length
          ? {
              hub: round(box.hub / taken.length, 3),
              postgres: round(box.postgres / taken.length, 3),
              simulators: round(box.simulators / taken.length, 3),
              total: round((box.hub + box.postgres + box.simulators) / taken.length, 3),
              budgetFor1000NoticesPerS: round(os.cpus().length / (taken.length / notices.length), 3),
            }
          : undefined,
      memory: { rssPeakMiB: mib(u1.peakRssBytes) },
      startupSeconds,
      hubLog,
    };
  });
}

/** The messages as delivered, for the replay: the batch's in `file`, the warm-up's in `<file>.warm-up` (by the decision numbers they name). */
function writeReplay(parts: string[], file: string, batch: Map<string, string>): void {
  const out = fs.openSync(file, "w");
  const warm = fs.openSync(`${file}.warm-up`, "w");
  try {
    for (const p of parts) {
      for (const line of fs.readFileSync(p, "utf8").split("\n")) {
        if (!line) continue;
        const nos = line.match(DECISION_NO) ?? [];
        fs.writeSync(nos.some((no) => batch.has(no)) ? out : warm, `${line}\n`);
      }
      fs.rmSync(p, { force: true });
    }
  } finally {
    fs.closeSync(out);
    fs.closeSync(warm);
  }
}

/** A stand-in for the hub in the baseline: answers 200 {} to every call-back (receipts, feedback). */
async function sink(defer: Defer): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"received"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  defer("closed the baseline's call-back sink", async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function baselinePhase(client: Child, replayFile: string, messages: number): Promise<BaselineResult> {
  return scope(async (defer) => {
    const { sims, urls } = await startSimulators(defer, "baseline");
    await setHub(sims, await sink(defer));
    say(`baseline: the same ${messages} messages straight to 5 fresh simulators (call-backs to a sink), concurrency ${BASELINE_CONCURRENCY}`);
    // warm-up: the warm-up's messages (JIT, each contract's schema compiled on first use, sockets), not counted
    await client.request<LoadResult>(
      "replay",
      { file: `${replayFile}.warm-up`, targets: urls, order: "interleave", concurrency: BASELINE_CONCURRENCY, maxSeconds: 60, timeoutMs: REQUEST_TIMEOUT_MS },
      120_000,
    );
    const before = await countAll(sims);
    const run: ReplayRun = { file: replayFile, targets: urls, order: "interleave", concurrency: BASELINE_CONCURRENCY, maxSeconds: PHASE_SECONDS, timeoutMs: REQUEST_TIMEOUT_MS };
    const r = await client.request<LoadResult>("replay", run, PHASE_SECONDS * 1000 + REQUEST_TIMEOUT_MS + 60_000);
    say(`  ${r.accepted}/${r.attempted} taken in ${r.seconds} s = ${r.perSecond}/s, p99 ${r.latencyMs.p99} ms${r.firstError ? `; first refusal: ${r.firstError}` : ""}`);
    const counts = await countAll(sims);
    return { ...strip(r), concurrency: BASELINE_CONCURRENCY, bySystem: Object.fromEntries(Object.entries(counts).map(([s, c]) => [s, c.taken - before[s]!.taken])) };
  });
}

// ---------------------------------------------------------------------------------------------
// Output

function table(hub: HubResult, bare: BaselineResult | undefined, ratio: number, drain: DrainResult | undefined): string {
  const lat = (l: Latency) => (l.n ? `${l.p50} / ${l.p95} / ${l.p99} ms  (n ${l.n})` : "—");
  const st = (s: Record<string, number>) =>
    Object.entries(s)
      .map(([k, v]) => `${k === "0" ? "no answer" : k}×${v}`)
      .join(" ") || "—";
  const e = hub.expected;
  const dl = hub.delivered;
  const sql = hub.statements;
  const sqlTotal = sql?.reduce((a, x) => a + x.n, 0) ?? 0;
  const rows: string[][] = [
    ["", "production (PostgreSQL + NATS JetStream)"],
    ["HUB (all services; simulators in 5 processes)", ""],
    ["  sanctions accepted/s", `${hub.sanctions.perSecond} /s  (${hub.sanctions.accepted}/${hub.sanctions.attempted} in ${hub.sanctions.seconds} s)`],
    ["  202 p50 / p95 / p99", lat(hub.sanctions.latencyMs)],
    ["  statuses", st(hub.sanctions.statuses)],
    [
      "  delivered / expected",
      `${dl.notices}/${e.notices} notices, ${dl.penalties}/${e.penalties} penalty + ${dl.lists}/${e.lists} list publications (${e.firings} firings)${hub.complete ? "" : "  NOT COMPLETE"}`,
    ],
    [
      "  by system",
      Object.entries(dl.bySystem)
        .map(([s, n]) => `${s} ${n}`)
        .join(", "),
    ],
    ["  NOTICES delivered/s", `${dl.noticesPerSecond} /s  (first sanction posted → last message received: ${dl.seconds} s)`],
    ["  messages delivered/s", `${dl.messagesPerSecond} /s  (notices + publications)`],
    ["  last message after last 202", `${hub.drainSecondsAfterLastAnswer} s`],
    ["  POST → all it caused p50/p95/p99", lat(hub.sanctionToLast)],
    ["  POST (set complete) → notice", lat(hub.postToNotice)],
    ["  POST → 双公示 publication", lat(hub.postToPublication)],
    ["  hub CPU per notice", cpuText(hub.cpuPerNotice)],
    ["  hub CPU per message", cpuText(hub.cpuPerMessage)],
    [
      "  … with receipts + feedback",
      hub.cpuWithCallbacks
        ? `${cpuText(hub.cpuWithCallbacks)}; ${hub.cpuWithCallbacks.receipts} receipts, ${hub.cpuWithCallbacks.feedback} feedback${hub.cpuWithCallbacks.complete ? "" : " (not all)"}`
        : "—",
    ],
    ["  hub RSS before → peak → after", `${hub.memory.rssBeforeMiB} → ${hub.memory.rssPeakMiB} → ${hub.memory.rssAfterMiB} MiB`],
    ["  hub start-up", `${hub.startupSeconds} s`],
    ["  hub log ERROR / WARN lines", `${hub.hubLog.duringRun.errors} / ${hub.hubLog.duringRun.warnings}  (simulators: ${hub.simulatorLogErrors} ERROR)`],
    ...(sql
      ? [
          ["  SQL statements (BENCH_COUNT_SQL)", `${sqlTotal}: ${round(sqlTotal / Math.max(1, hub.sanctions.accepted), 1)} per sanction, ${round(sqlTotal / Math.max(1, dl.messages), 1)} per message`],
          ...sql.slice(0, 14).map((x) => [`    ${x.n}×`, x.text]),
        ]
      : []),
    ["BASELINE (bare simulators, plain client)", bare ? `the same ${bare.attempted} messages, concurrency ${bare.concurrency}` : "—"],
    ["  messages taken/s", bare ? `${bare.perSecond} /s  (${bare.accepted}/${bare.attempted} in ${bare.seconds} s)` : "—"],
    ["  answer p50 / p95 / p99", bare ? lat(bare.latencyMs) : "—"],
    ["  statuses", bare ? st(bare.statuses) : "—"],
    ["hub messages/s ÷ baseline", Number.isFinite(ratio) ? `${round(ratio, 3)}×` : "—"],
    ["FAN-OUT ALONE (backlog drain)", drain ? `${drain.backlog} messages written by a hub without delivery, then delivered by a fresh hub (warmed on the warm-up's)` : "— (BENCH_DRAIN=0)"],
    ...(drain
      ? [
          ["  writer (no delivery) sanctions/s", `${drain.sanctions.perSecond} /s  (${drain.sanctions.accepted}/${drain.sanctions.attempted}; SERVICES=${WRITE_SERVICES})`],
          ["  NOTICES delivered/s", `${drain.delivered.noticesPerSecond} /s  (first → last message received: ${drain.delivered.seconds} s)${drain.complete ? "" : "  NOT COMPLETE"}`],
          [
            "  messages delivered/s",
            `${drain.delivered.messagesPerSecond} /s  (${drain.delivered.messages}: ${Object.entries(drain.delivered.bySystem)
              .map(([s, n]) => `${s} ${n}`)
              .join(", ")})`,
          ],
          ["  ÷ baseline", bare?.perSecond ? `${round(drain.delivered.messagesPerSecond / bare.perSecond, 3)}×` : "—"],
          ["  hub CPU per message", cpuText(drain.cpuPerMessage)],
          ["  box CPU per message", boxText(drain)],
          ["  hub RSS peak, log ERROR / WARN", `${drain.memory.rssPeakMiB} MiB, ${drain.hubLog.errors} / ${drain.hubLog.warnings}`],
        ]
      : []),
  ];
  return textTable(rows);
}

function boxText(drain: DrainResult): string {
  const x = drain.boxMsPerMessage;
  return x ? `${x.total} ms = hub ${x.hub} + PostgreSQL ${x.postgres} + simulators ${x.simulators} (1,000 notices/s leaves ${x.budgetFor1000NoticesPerS} ms here)` : "—";
}

function resultLine(hub: HubResult | undefined, bare: BaselineResult | undefined, ratio: number, drain: DrainResult | undefined): string {
  const n = (v: number | undefined, d = 0) => (v === undefined || !Number.isFinite(v) ? "NA" : d ? v.toFixed(d) : String(Math.round(v)));
  return `RESULT notices_per_s=${n(hub?.delivered.noticesPerSecond)} messages_per_s=${n(hub?.delivered.messagesPerSecond)} sanctions_per_s=${n(hub?.sanctions.perSecond)} p99_ms=${n(hub?.sanctionToLast.p99)} notice_p99_ms=${n(hub?.postToNotice.p99)} cpu_ms_per_notice=${n(hub?.cpuPerNotice.msPerUnit, 2)} rss_mb=${n(hub?.memory.rssPeakMiB)} baseline_msgs_per_s=${n(bare?.perSecond)} drain_notices_per_s=${n(drain?.delivered.noticesPerSecond)} drain_msgs_per_s=${n(drain?.delivered.messagesPerSecond)} drain_box_ms_per_msg=${n(drain?.boxMsPerMessage?.total, 3)} ratio_to_baseline=${n(ratio, 2)}`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const m = machine();
  const load0 = os.loadavg()[0];
  console.log(`tongguan notices bench — ${new Date().toISOString()} — commit ${m.commit ?? "?"}, node ${m.node}, ${m.cpus} cores (${m.cpu ?? "?"})`);
  console.log(
    `${COMPANIES} companies × 5 firing decisions + ${SINGLES} single decisions (≤ ${PHASE_SECONDS} s), concurrency ${CONCURRENCY}${SANCTION_BATCH > 1 ? ` × ${SANCTION_BATCH} decisions per request` : ""}; bureaus sign ${SIM.SIM_UNIT_ACCEPT_MS} ms after a notice and report ${SIM.SIM_UNIT_WORK_MS} ms later`,
  );
  console.log(`load average (1 min) at start: ${load0.toFixed(2)} — figures taken while other work runs here are not comparable`);
  if (CPU_PROF) console.log(`BENCH_CPU_PROF=1: the hub's CPU profile goes to ${path.relative(ROOT, RESULTS_DIR)}/prof-notices-hub/`);

  const replayFile = path.join(RESULTS_DIR, "notices-delivered.jsonl");
  let hub: HubResult | undefined;
  let bare: BaselineResult | undefined;
  let drain: DrainResult | undefined;
  const failures: string[] = [];
  await scope(async (defer) => {
    const client = startChild(defer, "load client", "bench/load-client.ts", {}, "notices-load-client");
    await client.ready(START_TIMEOUT_MS);
    console.log("");
    if (!ONLY_DRAIN) {
      hub = await hubPhase(client, replayFile);
      try {
        bare = await baselinePhase(client, replayFile, hub.delivered.messages);
      } catch (e) {
        failures.push(`baseline: ${(e as Error).message}`);
        console.error(`  baseline failed: ${(e as Error).message}`);
      }
    }
    if (DRAIN)
      try {
        drain = await drainPhase(client);
      } catch (e) {
        failures.push(`drain: ${(e as Error).message}`);
        console.error(`  drain failed: ${(e as Error).message}`);
      }
  });
  const ratio = hub && bare?.perSecond ? hub.delivered.messagesPerSecond / bare.perSecond : NaN;
  console.log("");
  if (hub) console.log(table(hub, bare, ratio, drain));
  else if (drain)
    console.log(
      `FAN-OUT ALONE (BENCH_DRAIN=only): ${drain.delivered.noticesPerSecond} notices/s, ${drain.delivered.messagesPerSecond} messages/s, hub CPU per message ${drain.cpuPerMessage.msPerUnit} ms (main thread ${drain.cpuPerMessage.mainThreadMsPerUnit} ms); box CPU per message ${boxText(drain)}`,
    );
  for (const f of failures) console.log(`FAILED — ${f}`);
  finishReport({
    load0,
    file: "notices.json",
    logs: "notices-*.log",
    settings: {
      companies: COMPANIES,
      singles: SINGLES,
      concurrency: CONCURRENCY,
      baselineConcurrency: BASELINE_CONCURRENCY,
      phaseSeconds: PHASE_SECONDS,
      warmupCompanies: WARMUP_COMPANIES,
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
      logLevel: LOG_LEVEL,
      simulatorTimings: SIM,
      pgAdmin: PG_ADMIN_URL.replace(/\/\/[^@/]*@/, "//…@"),
      nats: NATS_URL,
    },
    figures: { hub, baseline: bare, drain, ratioToBaseline: Number.isFinite(ratio) ? round(ratio, 4) : null },
    failures,
    resultLine: resultLine(hub, bare, ratio, drain),
  });
}

orchestrate(main, TOTAL_TIMEOUT_MS);
