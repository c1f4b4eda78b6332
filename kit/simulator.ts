/**
 * The base of every simulator: a real HTTP server (node:http) that speaks an external
 * system's contract, records what it receives, honours Idempotency-Key, and can be told to
 * fail, be slow or go down — programmatically or over HTTP:
 *   GET  /__sim/received           what it has received
 *   POST /__sim/mode {failStatus?, failRate?, slowMs?, down?}
 * and takes many messages in one request at POST /batch (the kit's envelope, contracts/kit/batch):
 * each item is handled, recorded and answered as if it had come alone (its own Idempotency-Key,
 * its own failure), in order, and the answer lists every item's status and body.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { BATCH_PATH } from "./adapter";
import { answerBody } from "./http-client";

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export interface SimResponse {
  status: number;
  body?: unknown;
}

export interface SimRoute {
  method: string;
  path: string;
  handle(req: SimRequest): SimResponse | Promise<SimResponse>;
}

export interface SimMode {
  /** answer this status instead of handling (e.g. 503) */
  failStatus?: number;
  /** 0..1: share of requests that fail with failStatus (default 1 when failStatus is set) */
  failRate?: number;
  /** delay every answer */
  slowMs?: number;
  /** reset every connection, as if the system were down */
  down?: boolean;
}

export interface Received {
  at: string;
  method: string;
  path: string;
  idempotencyKey?: string;
  body: any;
  status: number;
  duplicate: boolean;
  /** the batch envelope it came in (its number in this simulator), when it came in one */
  batch?: number;
}

function compile(path: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const re = new RegExp("^" + path.replace(/:(\w+)/g, (_m, n: string) => (names.push(n), "([^/]+)")) + "/?$");
  return { re, names };
}

export class SimulatorServer {
  readonly received: Received[] = [];
  mode: SimMode = {};
  url = "";
  private server?: http.Server;
  private readonly routes: Array<SimRoute & { re: RegExp; names: string[] }>;
  private readonly answered = new Map<string, SimResponse>();
  private batches = 0;

  constructor(
    readonly name: string,
    routes: SimRoute[],
  ) {
    this.routes = routes.map((r) => ({ ...r, ...compile(r.path) }));
  }

  /** false once stop() was called: pending call-backs give up */
  get listening(): boolean {
    return this.server !== undefined;
  }

  setMode(mode: SimMode): void {
    this.mode = { ...mode };
  }

  /** Received messages whose path matches (string prefix or RegExp). */
  receivedOn(match: string | RegExp): Received[] {
    return this.received.filter((r) => (typeof match === "string" ? r.path.startsWith(match) : match.test(r.path)));
  }

  async start(port = 0, host = "127.0.0.1"): Promise<string> {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, host, () => resolve());
    });
    const a = this.server.address() as AddressInfo;
    this.url = `http://${host}:${a.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private send(res: http.ServerResponse, r: SimResponse) {
    res.writeHead(r.status, { "content-type": "application/json; charset=utf-8" });
    res.end(r.body === undefined ? "" : JSON.stringify(r.body));
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://sim");
    const method = req.method ?? "GET";
    if (url.pathname === "/__sim/received" && method === "GET") return this.send(res, { status: 200, body: this.received });
    if (url.pathname === "/__sim/mode" && method === "POST") {
      try {
        this.setMode(raw ? JSON.parse(raw) : {});
      } catch {
        return this.send(res, { status: 400, body: { error: "mode must be JSON" } });
      }
      return this.send(res, { status: 200, body: this.mode });
    }
    if (this.mode.down) {
      req.socket.destroy();
      return;
    }
    if (this.mode.slowMs) await new Promise((r) => setTimeout(r, this.mode.slowMs));
    let body: any = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      return this.send(res, { status: 400, body: { error: "body is not JSON" } });
    }
    if (method === "POST" && url.pathname === BATCH_PATH) return this.send(res, await this.onBatch(body, req.headers));
    const key = req.headers["idempotency-key"] as string | undefined;
    return this.send(res, await this.handleOne(method, url.pathname, url.searchParams, req.headers, body, key));
  }

  /** One message, alone or out of a batch: failure mode, Idempotency-Key, the route; recorded. */
  private async handleOne(method: string, path: string, query: URLSearchParams, headers: http.IncomingHttpHeaders, body: any, key: string | undefined, batch?: number): Promise<SimResponse> {
    const record = (status: number, duplicate: boolean) =>
      this.received.push({ at: new Date().toISOString(), method, path, idempotencyKey: key, body, status, duplicate, ...(batch ? { batch } : {}) });
    if (this.mode.failStatus && Math.random() < (this.mode.failRate ?? 1)) {
      record(this.mode.failStatus, false);
      return { status: this.mode.failStatus, body: { error: "simulated failure" } };
    }
    if (key && this.answered.has(key)) {
      const prev = this.answered.get(key)!;
      record(prev.status, true);
      return prev;
    }
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.re.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      let out: SimResponse;
      try {
        out = await r.handle({ method, path, params, query, headers, body });
      } catch (e) {
        out = { status: 500, body: { error: (e as Error).message } };
      }
      if (key && out.status < 500) this.answered.set(key, out);
      record(out.status, false);
      return out;
    }
    record(404, false);
    return { status: 404, body: { error: `no route ${method} ${path}` } };
  }

  /** POST /batch: every item as if it had come alone, in order; one result per item. */
  private async onBatch(body: any, headers: http.IncomingHttpHeaders): Promise<SimResponse> {
    const items: unknown = body?.items;
    if (!Array.isArray(items) || !items.length || items.length > 500) return { status: 422, body: { error: "batch: items must be a list of 1 to 500 messages / 批量报文的 items 应为 1 至 500 条" } };
    const batch = ++this.batches;
    const results: { status: number; body?: unknown }[] = [];
    for (const it of items as { method?: unknown; path?: unknown; idempotencyKey?: unknown; body?: unknown }[]) {
      const method = typeof it?.method === "string" ? it.method : "";
      const path = typeof it?.path === "string" ? it.path : "";
      if (!/^(POST|PUT)$/.test(method) || !path.startsWith("/") || path === BATCH_PATH || path.startsWith("/__sim/")) {
        results.push({ status: 400, body: { error: "batch item: method POST/PUT and a path are required / 条目缺少方法或路径" } });
        continue;
      }
      const u = /[?#]/.test(path) ? new URL(path, "http://sim") : { pathname: path, searchParams: NO_QUERY };
      const out = await this.handleOne(method, u.pathname, u.searchParams, headers, it.body ?? null, typeof it.idempotencyKey === "string" ? it.idempotencyKey : undefined, batch);
      results.push({ status: out.status, ...(out.body === undefined ? {} : { body: out.body }) });
    }
    return { status: 200, body: { results } };
  }
}

/** The query of an item path without one. */
const NO_QUERY = new URLSearchParams();

export interface PostOptions {
  /** attempts in all while the hub is unreachable or answers 5xx (default 1: no retry) */
  attempts?: number;
  /** first wait between attempts, doubled each time up to 5 s (default 500 ms) */
  delayMs?: number;
  /** checked before each retry: false stops retrying (e.g. the simulator was stopped) */
  keepTrying?: () => boolean;
}

/**
 * Posts JSON to the hub (simulators calling back), never throws: returns status and body
 * (status 0 when the hub could not be reached). With `attempts` > 1 it retries like a real
 * system would while the hub restarts, under one Idempotency-Key so a retry of a request
 * the hub did handle is answered, not applied twice.
 */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}, opts: PostOptions = {}): Promise<{ status: number; body: any }> {
  const attempts = Math.max(1, opts.attempts ?? 1);
  const allHeaders: Record<string, string> = { "content-type": "application/json; charset=utf-8", ...headers };
  if (attempts > 1 && !Object.keys(allHeaders).some((h) => h.toLowerCase() === "idempotency-key")) allHeaders["idempotency-key"] = `sim-${randomUUID()}`;
  let delay = opts.delayMs ?? 500;
  let last: { status: number; body: any } = { status: 0, body: null };
  for (let i = 0; i < attempts; i++) {
    if (i > 0) {
      if (opts.keepTrying && !opts.keepTrying()) break;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
    last = await postOnce(url, body, allHeaders);
    if (last.status !== 0 && last.status < 500 && last.status !== 409) break;
    // 409 IDEMPOTENCY_IN_PROGRESS: the first copy is still being handled; ask again
    if (last.status === 409 && last.body?.error?.code !== "IDEMPOTENCY_IN_PROGRESS") break;
  }
  return last;
}

async function postOnce(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  try {
    const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: answerBody(await res.text()) };
  } catch (e) {
    return { status: 0, body: { error: (e as Error).message } };
  }
}
