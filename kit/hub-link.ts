/**
 * How a simulator calls the hub back (kit/task-desk.ts HubLink is the front the simulators use).
 *
 * Posts made within a short window — the same turn of the event loop by default, or a few ms —
 * go to the hub together as one POST /api/v1/batch (the kit's envelope, contracts/kit/batch), and
 * each post is answered with its own item's result; a lone post goes alone, to its own path. Every
 * post carries its own Idempotency-Key and is retried like kit/simulator.ts postJson retries one:
 * on status 0 (unreachable), 5xx or 409 IDEMPOTENCY_IN_PROGRESS, up to `attempts` times, waiting
 * 0.5 s, 1 s, 2 s … 5 s, while `keepTrying()` — an item answered so in a batch is retried alone
 * of the others (it joins whatever batch forms then), under the same key, so an item the hub did
 * handle is answered again, not applied twice. A hub without the batch route (404) is sent every
 * post alone from then on.
 *
 * Requests go over node:http(s) with a keep-alive agent (undici's fetch per call cost more CPU).
 * `SIM_HUB_BATCH` sets the built-in simulators' default: `on` (a 20 ms window), `off`, or the
 * window in ms (`0`: the same turn of the event loop). Same-turn gathering split the receipts of
 * one delivered batch across timer passes (each signs its notice 50 ms after its own arrival); a
 * window gathers them — the notices bench's fan-out alone (warm hub), notices/s: same turn
 * 679–911 (6 runs), 10 ms 707–1094 (8, median ≈ 820), 20 ms 847–1077 (4, median ≈ 920)
 * (bench/README.md).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { answerBody } from "./http-client";

/** The hub's batch route (lib/batch.ts HUB_BATCH_PATH). */
export const HUB_BATCH_PATH = "/api/v1/batch";

export interface HubAnswer {
  status: number;
  body: any;
}

export interface BatchOptions {
  /** how long posts are gathered, ms (default 20; 0: the same turn of the event loop) */
  windowMs?: number;
  /** items per batch, default 100 (the envelope takes 500) */
  maxItems?: number;
  /** bytes of item bodies per batch, default 256 KiB (under the hub's MAX_BODY_BYTES) */
  maxBytes?: number;
  /** batches in flight at once, default 4; posts made meanwhile wait for the next */
  parallel?: number;
}

export interface HubPostOptions {
  /** gather posts into POST /api/v1/batch (default: SIM_HUB_BATCH, on); false sends each alone */
  batch?: boolean | BatchOptions;
  /** attempts per post, default 20 */
  attempts?: number;
  /** wait before the first retry, default 500 ms, doubled up to 5 s */
  delayMs?: number;
  /** one request's time limit, default 10 s (a batch: 30 s) */
  timeoutMs?: number;
  batchTimeoutMs?: number;
}

/** How long the built-in simulators gather their posts by default (SIM_HUB_BATCH=on). */
export const DEFAULT_WINDOW_MS = 20;

/** The built-in simulators' batching from SIM_HUB_BATCH: on (default: a 20 ms window), off, or the window in ms. */
export function batchFromEnv(value: string | undefined = process.env.SIM_HUB_BATCH): false | BatchOptions {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "on" || v === "true") return { windowMs: DEFAULT_WINDOW_MS };
  if (v === "off" || v === "false") return false;
  if (/^\d+$/.test(v) && Number(v) <= 60_000) return { windowMs: Number(v) };
  throw new Error(`SIM_HUB_BATCH 应为 on、off 或聚合等待的毫秒数（0–60000），实际为 ${value} / SIM_HUB_BATCH must be on, off or a window in ms (0–60000), got ${value}`);
}

/** What postJson retries: the hub unreachable, a 5xx, or the same key still being handled. */
export function retryable(a: HubAnswer): boolean {
  return a.status === 0 || a.status >= 500 || (a.status === 409 && a.body?.error?.code === "IDEMPOTENCY_IN_PROGRESS");
}

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * One POST of a JSON text; never throws: status 0 and {error} when the hub could not be reached.
 * A kept-alive connection the server closed just as it was reused is tried once more at once.
 */
export function postText(url: string, text: string, headers: Record<string, string>, timeoutMs: number, again = true): Promise<HubAnswer> {
  let u: URL;
  try {
    u = new URL(url);
  } catch (e) {
    return Promise.resolve({ status: 0, body: { error: (e as Error).message } });
  }
  const tls = u.protocol === "https:";
  const payload = Buffer.from(text, "utf8");
  return new Promise((resolve) => {
    let settled = false;
    const finish = (a: HubAnswer | Promise<HubAnswer>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(a);
    };
    const req = (tls ? https : http).request(u, { method: "POST", agent: tls ? agents.https : agents.http, headers: { ...headers, "content-length": String(payload.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (e) => finish({ status: 0, body: { error: e.message } }));
      res.on("end", () => {
        finish({ status: res.statusCode ?? 0, body: answerBody(Buffer.concat(chunks).toString("utf8")) });
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (e: Error & { code?: string }) => {
      if (again && req.reusedSocket && e.code === "ECONNRESET") finish(postText(url, text, headers, timeoutMs, false));
      else finish({ status: 0, body: { error: e.message } });
    });
    req.end(payload);
  });
}

interface Pending {
  base: string;
  apiKey?: string;
  path: string;
  body: unknown;
  text: string;
  bytes: number;
  key: string;
  attempt: number;
  delay: number;
  keepTrying: () => boolean;
  done: (a: HubAnswer) => void;
}

/** The posts of one or more simulators to a hub, gathered into batches and retried (see the file's head). */
export class HubPoster {
  private readonly batch: Required<BatchOptions> | undefined;
  private readonly attempts: number;
  private readonly delayMs: number;
  private readonly timeoutMs: number;
  private readonly batchTimeoutMs: number;
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** hubs (base URLs) that answered the batch route 404: everything goes alone there */
  private readonly single = new Set<string>();

  constructor(opts: HubPostOptions = {}) {
    const b = opts.batch === undefined ? batchFromEnv() : opts.batch === true ? {} : opts.batch;
    this.batch = b
      ? { windowMs: b.windowMs ?? DEFAULT_WINDOW_MS, maxItems: Math.min(Math.max(b.maxItems ?? 100, 1), 500), maxBytes: b.maxBytes ?? 256 * 1024, parallel: Math.max(b.parallel ?? 4, 1) }
      : undefined;
    this.attempts = Math.max(1, opts.attempts ?? 20);
    this.delayMs = opts.delayMs ?? 500;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.batchTimeoutMs = opts.batchTimeoutMs ?? 30_000;
  }

  /** Whether posts are gathered into batches. */
  get batching(): boolean {
    return this.batch !== undefined;
  }

  /** POST `body` to `<base><path>` with the key; answers the hub's last answer (status 0: unreachable). */
  post(base: string, apiKey: string | undefined, path: string, body: unknown, keepTrying: () => boolean = () => true): Promise<HubAnswer> {
    const text = JSON.stringify(body);
    return new Promise((done) => {
      this.attempt({ base, apiKey, path, body, text, bytes: Buffer.byteLength(text), key: `sim-${randomUUID()}`, attempt: 0, delay: this.delayMs, keepTrying, done });
    });
  }

  private attempt(p: Pending): void {
    p.attempt++;
    if (!this.batch || this.single.has(p.base) || !p.path.startsWith("/api/")) {
      void this.alone(p);
      return;
    }
    this.queue.push(p);
    if (this.scheduled) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.flush();
    };
    if (this.batch.windowMs > 0) setTimeout(go, this.batch.windowMs);
    else setImmediate(go);
  }

  /** An answer for one post: final, or another attempt after the post's delay. */
  private settle(p: Pending, a: HubAnswer): void {
    if (!retryable(a) || p.attempt >= this.attempts || !p.keepTrying()) {
      p.done(a);
      return;
    }
    const wait = p.delay;
    p.delay = Math.min(p.delay * 2, 5000);
    setTimeout(() => this.attempt(p), wait);
  }

  private headers(apiKey: string | undefined): Record<string, string> {
    return { "content-type": "application/json; charset=utf-8", ...(apiKey ? { "x-api-key": apiKey } : {}) };
  }

  private async alone(p: Pending): Promise<void> {
    this.settle(p, await postText(`${p.base}${p.path}`, p.text, { ...this.headers(p.apiKey), "idempotency-key": p.key }, this.timeoutMs));
  }

  /** Sends what is queued: one batch per hub and key, up to the limits, while batches may be in flight. */
  private flush(): void {
    const b = this.batch!;
    while (this.queue.length && this.inFlight < b.parallel) {
      const first = this.queue[0];
      const group: Pending[] = [];
      const rest: Pending[] = [];
      let bytes = 0;
      for (const p of this.queue) {
        const fits = group.length < b.maxItems && (group.length === 0 || bytes + p.bytes <= b.maxBytes);
        if (fits && p.base === first.base && p.apiKey === first.apiKey) {
          group.push(p);
          bytes += p.bytes;
        } else rest.push(p);
      }
      this.queue = rest;
      this.inFlight++;
      void this.send(group).finally(() => {
        this.inFlight--;
        if (this.queue.length && !this.scheduled) this.flush();
      });
    }
  }

  private async send(group: Pending[]): Promise<void> {
    if (group.length === 1) return this.alone(group[0]);
    const { base, apiKey } = group[0];
    const envelope = { items: group.map((p) => ({ method: "POST", path: p.path, idempotencyKey: p.key, body: p.body })) };
    const a = await postText(`${base}${HUB_BATCH_PATH}`, JSON.stringify(envelope), this.headers(apiKey), this.batchTimeoutMs);
    const results = a.status === 200 && Array.isArray(a.body?.results) && a.body.results.length === group.length ? (a.body.results as { status?: unknown; body?: unknown }[]) : undefined;
    if (results) {
      group.forEach((p, i) => {
        const r = results[i];
        this.settle(p, { status: typeof r?.status === "number" ? r.status : 0, body: r?.body ?? null });
      });
      return;
    }
    // no batch route there (or an answer that is no batch answer): every post alone, from now on
    if (a.status === 404 || a.status === 405 || (a.status >= 200 && a.status < 300)) this.single.add(base);
    // too large for the hub, or sent alone from now on: each alone, as this same attempt
    if (a.status === 413 || this.single.has(base)) {
      await Promise.all(group.map((p) => this.alone(p)));
      return;
    }
    // the envelope refused as a whole (unreachable, 5xx, no key …): each post has that answer
    for (const p of group) this.settle(p, a);
  }
}
