/**
 * Small helpers shared by the bench's processes: settings, percentiles, timeouts, and the
 * parent ⇄ child plumbing (every role runs in a process of its own and talks to the
 * orchestrator over Node's IPC channel: `{id, cmd, args}` requests, `{id, ok, result|error}`
 * replies, `{event: "ready", data}` once a child is up).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

export const ROOT = path.resolve(__dirname, "..");
export const RESULTS_DIR = path.join(__dirname, "results");

// ---------------------------------------------------------------------------------------------
// Settings and figures

export function intEnv(name: string, def: number, min = 0): number {
  const v = process.env[name];
  if (v === undefined || v.trim() === "") return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${name}=${v}: must be an integer ≥ ${min}`);
    process.exit(2);
  }
  return n;
}

export const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const mib = (bytes: number): number => round(bytes / 2 ** 20);

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles (NaN when there are no values). */
export function latency(values: number[]): Latency {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]) : NaN);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length ? round(s[s.length - 1]) : NaN };
}

export async function withTimeout<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// What the processes exchange

/** One load run, as the orchestrator asks it of bench/load-client.ts. */
export interface LoadRun {
  /** base URL of the target (hub or baseline) */
  url: string;
  /** X-Api-Key sent with each request (the baseline ignores it) */
  key: string;
  /** orders generateOrder(firstSeq … firstSeq+count-1) with seededRandom(seed) */
  count: number;
  firstSeq: number;
  seed: number;
  concurrency: number;
  /** no new request is started after this many seconds (those in flight finish) */
  maxSeconds: number;
  /** per request */
  timeoutMs: number;
}

/** One run of seeded penalty decisions (bench/sanction-load.ts), as bench/notices.bench.ts asks it. */
export interface SanctionRun {
  url: string;
  key: string;
  spec: { companies: number; singles: number; firstSeq: number; seed: number };
  /** ISO time the decisions' dates are counted back from (the orchestrator's, so both sides generate the same batch) */
  now: string;
  /** decisions per request: 1 posts each to /api/v1/sanctions, more posts them together to /api/v1/batch (the enforcement system's 批量报送) */
  batch: number;
  concurrency: number;
  maxSeconds: number;
  timeoutMs: number;
}

/** Messages to post as they are (JSON lines {system, path, idempotencyKey, body}) to each system's URL. */
export interface ReplayRun {
  file: string;
  /** system → base URL */
  targets: Record<string, string>;
  /** "interleave": in the order the hub created them (by Idempotency-Key), across systems; "file": as written */
  order: "interleave" | "file";
  concurrency: number;
  maxSeconds: number;
  timeoutMs: number;
}

export interface Sent {
  /** what the request carried: the order number (12345), the decision number (sanctions), the Idempotency-Key (replay) */
  orderNo: string;
  /** Date.now() just before the request was written */
  sentAt: number;
  /** to the complete answer */
  ms: number;
  /** 0: no answer (connection error, timeout) */
  status: number;
  caseId?: string;
}

export interface LoadResult {
  attempted: number;
  accepted: number;
  statuses: Record<string, number>;
  /** first request started → last answer */
  seconds: number;
  /** accepted (202) per second */
  perSecond: number;
  /** time to the 202, accepted requests only */
  latencyMs: Latency;
  /** the time cap stopped the run before every order was posted */
  timeCapped: boolean;
  firstError?: string;
  requests: Sent[];
}

/** What bench/hub-process.ts answers to `usage`. */
export interface HubUsage {
  /** process.cpuUsage(), µs */
  cpu: { user: number; system: number };
  /** CPU of the main thread alone (Linux /proc/self/task/<pid>/stat), ms; undefined elsewhere */
  mainThreadCpuMs?: number;
  /** performance.eventLoopUtilization() of the main thread (ms) */
  elu: { idle: number; active: number; utilization: number };
  rssBytes: number;
  /** highest RSS sampled every 50 ms since the last `mark` */
  peakRssBytes: number;
  /** process.resourceUsage().maxRSS (kB): the peak over the process's whole life */
  maxRssKb: number;
  heapUsedBytes: number;
  externalBytes: number;
}

// ---------------------------------------------------------------------------------------------
// Child side

type Handler = (args: any) => unknown;

/**
 * Serves the orchestrator's requests in a child. `stop` (and a lost parent, SIGINT, SIGTERM)
 * runs `onStop` once and exits, so a child never outlives the bench.
 */
export function serveParent(handlers: Record<string, Handler>, onStop: () => Promise<void>): void {
  let stopping: Promise<void> | undefined;
  const stop = (code: number) =>
    (stopping ??= onStop()
      .catch((e: Error) => console.error(`stop failed: ${e.message}`))
      .finally(() => process.exit(code)));
  process.on("message", (m: { id: number; cmd: string; args?: unknown }) => {
    if (m.cmd === "stop") {
      void stop(0);
      return;
    }
    const h = handlers[m.cmd];
    Promise.resolve()
      .then(() => {
        if (!h) throw new Error(`unknown command ${m.cmd}`);
        return h(m.args);
      })
      .then(
        (result) => process.send?.({ id: m.id, ok: true, result }),
        (e: Error) => process.send?.({ id: m.id, ok: false, error: e.stack ?? e.message }),
      );
  });
  // started by hand (no IPC channel): runs until Ctrl-C
  if (process.send) process.on("disconnect", () => void stop(0));
  process.once("SIGINT", () => void stop(130));
  process.once("SIGTERM", () => void stop(143));
}

export function announceReady(data: unknown): void {
  if (process.send) process.send({ event: "ready", data });
  else console.log(`ready: ${JSON.stringify(data)} (Ctrl-C stops)`);
}

export function failStart(e: Error): never {
  console.error(`start-up failed: ${e.stack ?? e.message}`);
  process.send?.({ event: "failed", data: e.message });
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Parent side

export interface LogSummary {
  file: string;
  lines: number;
  errors: number;
  warnings: number;
  firstError?: string;
}

/** Every child that is still running, so any exit path of the orchestrator can stop it. */
export const running = new Set<Child>();

export class Child {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly log: LogSummary;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private readyWaiter?: { resolve(v: unknown): void; reject(e: Error): void };
  private readyData?: { ok: boolean; data: unknown };
  private readonly logClosed: Promise<void>;

  /**
   * `node [nodeArgs] --import tsx <file>` in the project root, with `env` added to this
   * process's environment; stdout and stderr go to `logFile`.
   */
  constructor(
    readonly name: string,
    readonly file: string,
    readonly env: Record<string, string>,
    logFile: string,
    readonly nodeArgs: string[] = [],
  ) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    this.proc = spawn(process.execPath, [...nodeArgs, "--import", "tsx", file], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    running.add(this);
    const out = fs.createWriteStream(logFile);
    this.log = { file: path.relative(ROOT, logFile), lines: 0, errors: 0, warnings: 0 };
    const streams = [this.proc.stdout!, this.proc.stderr!].map((s) => {
      const rl = readline.createInterface({ input: s });
      rl.on("line", (line) => {
        out.write(line + "\n");
        this.log.lines++;
        if (/\bERROR\b/.test(line.slice(0, 40)) || /^start-up failed/.test(line)) {
          this.log.errors++;
          this.log.firstError ??= line.slice(0, 240);
        } else if (/\bWARN\b/.test(line.slice(0, 40))) this.log.warnings++;
      });
      return new Promise<void>((resolve) => rl.once("close", () => resolve()));
    });
    this.logClosed = Promise.all(streams).then(() => new Promise<void>((resolve) => out.end(() => resolve())));
    this.proc.on("message", (m: { id?: number; ok?: boolean; result?: unknown; error?: string; event?: string; data?: unknown }) => {
      if (m.event === "ready" || m.event === "failed") {
        this.readyData = { ok: m.event === "ready", data: m.data };
        this.settleReady();
        return;
      }
      const p = m.id !== undefined ? this.pending.get(m.id) : undefined;
      if (!p) return;
      this.pending.delete(m.id!);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${this.name}: ${m.error}`));
    });
    this.exited = new Promise((resolve) =>
      this.proc.once("exit", (code, signal) => {
        running.delete(this);
        const why = new Error(`${this.name} exited (${signal ?? code}); see ${this.log.file}`);
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
        this.readyData ??= { ok: false, data: why.message };
        this.settleReady();
        resolve(code ?? (signal ? 128 : null));
      }),
    );
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  private settleReady() {
    if (!this.readyWaiter || !this.readyData) return;
    if (this.readyData.ok) this.readyWaiter.resolve(this.readyData.data);
    else this.readyWaiter.reject(new Error(`${this.name} did not start: ${String(this.readyData.data)} (log: ${this.log.file})`));
    this.readyWaiter = undefined;
  }

  /** The child's `ready` data. */
  ready<T>(timeoutMs: number): Promise<T> {
    const p = new Promise<unknown>((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
      this.settleReady();
    });
    return withTimeout(`${this.name} to start`, p, timeoutMs) as Promise<T>;
  }

  request<T>(cmd: string, args: unknown, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    const p = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (!this.proc.connected) return reject(new Error(`${this.name} is not running`));
      this.proc.send({ id, cmd, args });
    });
    return withTimeout(`${this.name} ${cmd}`, p, timeoutMs).finally(() => this.pending.delete(id)) as Promise<T>;
  }

  /** Asks the child to stop; SIGTERM after `graceMs`, SIGKILL 5 s later. Resolves with its exit code. */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.finish();
    if (this.proc.connected) this.proc.send({ id: 0, cmd: "stop" });
    else this.proc.kill("SIGTERM");
    const t1 = setTimeout(() => this.proc.kill("SIGTERM"), graceMs);
    const t2 = setTimeout(() => this.proc.kill("SIGKILL"), graceMs + 5_000);
    try {
      return await this.finish();
    } finally {
      clearTimeout(t1);
      clearTimeout(t2);
    }
  }

  private async finish(): Promise<number | null> {
    const code = await this.exited;
    await this.logClosed;
    return code;
  }
}

// ---------------------------------------------------------------------------------------------
// Orchestrator side: clean-up on every exit path. Every resource is registered when made and
// released in reverse order, at the end of its step or on any exit path (error, signal, watchdog).

interface Cleanup {
  what: string;
  run(): Promise<unknown>;
  /** set once it started: whoever asks again waits for the same run */
  running?: Promise<void>;
}
/** registered and not finished yet, oldest first */
const pendingCleanups: Cleanup[] = [];

function release(c: Cleanup): Promise<void> {
  c.running ??= (async () => {
    try {
      await withTimeout(c.what, c.run(), 40_000);
      console.log(`  cleanup: ${c.what}`);
    } catch (e) {
      console.error(`  cleanup failed: ${c.what}: ${(e as Error).message}`);
    } finally {
      const i = pendingCleanups.indexOf(c);
      if (i >= 0) pendingCleanups.splice(i, 1);
    }
  })();
  return c.running;
}

/** Everything still registered, newest first (a step's own clean-up in progress is waited for). */
export async function releaseAll(): Promise<void> {
  while (pendingCleanups.length) await release(pendingCleanups[pendingCleanups.length - 1]);
}

export type Defer = (what: string, run: () => Promise<unknown>) => void;

/** Runs fn; whatever it deferred is released when it ends, however it ends. */
export async function scope<T>(fn: (defer: Defer) => Promise<T>): Promise<T> {
  const mine: Cleanup[] = [];
  try {
    return await fn((what, run) => {
      const c = { what, run };
      mine.push(c);
      pendingCleanups.push(c);
    });
  } finally {
    for (const c of mine.reverse()) await release(c);
  }
}

/** A child whose stop is deferred; its log goes to bench/results/<logName>.log. */
export function startChild(defer: Defer, name: string, file: string, env: Record<string, string>, logName: string, nodeArgs: string[] = []): Child {
  const c = new Child(name, file, env, path.join(RESULTS_DIR, `${logName}.log`), nodeArgs);
  defer(`stopped ${name} (pid ${c.pid})`, () => c.stop());
  return c;
}

/** A fresh PostgreSQL database and NATS namespace (test/harness), both removed by the deferred clean-up. */
export async function production(defer: Defer): Promise<{ url: string; namespace: string }> {
  // imported here: the children that use bench/lib do not need the harness
  const { freshDatabase, natsNamespace } = await import("../test/harness.js");
  const db = await freshDatabase();
  const name = db.url.slice(db.url.lastIndexOf("/") + 1);
  defer(`dropped database ${name}`, () => db.drop());
  const bus = await natsNamespace();
  defer(`deleted JetStream streams ${bus.namespace}*`, () => bus.cleanup());
  return { url: db.url, namespace: bus.namespace };
}

export function tempDir(defer: Defer, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  defer(`removed ${dir}`, async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let interrupted = false;
export const wasInterrupted = (): boolean => interrupted;

/** Stops every child, releases everything registered and exits (once; a second signal waits for the first). */
export async function abort(why: string, code: number): Promise<never> {
  if (interrupted) return new Promise<never>(() => undefined);
  interrupted = true;
  console.error(`\n${why}: stopping the bench and cleaning up`);
  for (const c of running) c.proc.kill("SIGTERM");
  await releaseAll();
  process.exit(code);
}

/**
 * Runs an orchestrator's main: SIGINT/SIGTERM and the watchdog abort with clean-up; an error
 * releases everything and exits 1.
 */
export function orchestrate(main: () => Promise<void>, totalTimeoutMs: number): void {
  process.once("SIGINT", () => void abort("SIGINT", 130));
  process.once("SIGTERM", () => void abort("SIGTERM", 143));
  setTimeout(() => void abort(`still running after ${totalTimeoutMs / 1000} s (BENCH_TIMEOUT_MS)`, 1), totalTimeoutMs).unref();
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  main().then(
    () => process.exit(),
    async (e: Error) => {
      if (interrupted) return;
      console.error(`bench failed: ${e.stack ?? e.message}`);
      await releaseAll();
      process.exit(1);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Figures the orchestrators share

/** CPU of the hub process over an interval, and per unit of work (an accepted order, an archived case, a notice) */
export interface CpuUse {
  userMs: number;
  systemMs: number;
  /** process.cpuUsage() (every thread: JavaScript, GC helpers, libuv pool) ÷ units */
  msPerUnit: number;
  /** the main thread's own CPU time (Linux) ÷ units */
  mainThreadMsPerUnit?: number;
  /** share of the interval the main thread's event loop was not idle (1 = saturated) */
  eventLoopUtilization: number;
  wallSeconds: number;
  units: number;
}

export function cpuUse(a: HubUsage, b: HubUsage, units: number): CpuUse {
  const ms = (b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system)) / 1000;
  const main = a.mainThreadCpuMs !== undefined && b.mainThreadCpuMs !== undefined ? b.mainThreadCpuMs - a.mainThreadCpuMs : undefined;
  const active = b.elu.active - a.elu.active;
  const idle = b.elu.idle - a.elu.idle;
  return {
    userMs: round((b.cpu.user - a.cpu.user) / 1000),
    systemMs: round((b.cpu.system - a.cpu.system) / 1000),
    msPerUnit: units ? round(ms / units, 2) : NaN,
    mainThreadMsPerUnit: main !== undefined && units ? round(main / units, 2) : undefined,
    eventLoopUtilization: round(active / (active + idle), 3),
    wallSeconds: round((active + idle) / 1000, 2),
    units,
  };
}

export const cpuText = (c: CpuUse): string => `${c.msPerUnit} ms  (main thread ${c.mainThreadMsPerUnit ?? "—"} ms; event loop ${Math.round(c.eventLoopUtilization * 100)} % busy)`;

/** The machine and the commit the figures are of ("+ uncommitted changes" when the tree outside bench/ differs). */
export function machine() {
  let commit: string | undefined;
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    commit = git("rev-parse", "--short", "HEAD");
    if (git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench").length) commit += " + uncommitted changes";
  } catch {
    /* not a git checkout */
  }
  return { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model?.trim(), memoryGiB: round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, commit };
}

/** Rows of cells as a left-aligned text table (widths by code points, so Chinese labels line up roughly). */
export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c + " ".repeat(widths[i] - [...c].length))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * The end of a bench's report, the same for every bench: the load average at both ends, the JSON
 * (machine, load, settings and the bench's own `figures`) in bench/results/<file>, and the RESULT
 * line last. A run with failures exits 1.
 */
export function finishReport(o: { load0: number; file: string; logs: string; settings: Record<string, unknown>; figures: Record<string, unknown>; failures: unknown[]; resultLine: string }): void {
  const load1 = os.loadavg()[0];
  console.log("");
  console.log(`load average (1 min): ${o.load0.toFixed(2)} at start, ${load1.toFixed(2)} at the end (the bench itself keeps both cores busy)`);
  console.log("Compare ratios across machines; absolute rates and latencies only on the same machine.");
  const json = { at: new Date().toISOString(), machine: machine(), loadAverage1m: { start: round(o.load0, 2), end: round(load1, 2) }, settings: o.settings, ...o.figures, failures: o.failures };
  const file = path.join(RESULTS_DIR, o.file);
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`JSON: ${path.relative(process.cwd(), file)}; logs: ${path.relative(process.cwd(), RESULTS_DIR)}/${o.logs}`);
  console.log(o.resultLine);
  if (o.failures.length) process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------
// The whole box's CPU, by role (Linux /proc; undefined elsewhere)

/** utime + stime of one process, ms (USER_HZ = 100 on Linux); 0 when it is gone */
function procCpuMs(pid: string | number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU used so far (ms) by each group of pids, and by every PostgreSQL server process (`postgres`). */
export type BoxCpu = Record<string, number>;
export function boxCpu(groups: Record<string, Array<number | undefined>>): BoxCpu | undefined {
  if (!fs.existsSync("/proc/self/stat")) return undefined;
  const out: BoxCpu = {};
  for (const [name, pids] of Object.entries(groups)) out[name] = pids.reduce<number>((a, p) => a + (p ? procCpuMs(p) : 0), 0);
  let pg = 0;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") pg += procCpuMs(pid);
    } catch {
      // gone meanwhile
    }
  }
  out.postgres = pg;
  return out;
}

/** The CPU each group used between two readings, ms (a PostgreSQL backend that ended meanwhile is not counted). */
export function boxCpuUsed(a: BoxCpu | undefined, b: BoxCpu | undefined): BoxCpu | undefined {
  if (!a || !b) return undefined;
  return Object.fromEntries(Object.keys(b).map((k) => [k, Math.max(0, b[k] - (a[k] ?? 0))]));
}
