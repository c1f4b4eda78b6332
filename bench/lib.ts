/**
 * Small helpers shared by the bench's processes: settings, percentiles, timeouts, and the
 * parent ⇄ child plumbing (every role runs in a process of its own and talks to the
 * orchestrator over Node's IPC channel: `{id, cmd, args}` requests, `{id, ok, result|error}`
 * replies, `{event: "ready", data}` once a child is up).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
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

export interface Sent {
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
