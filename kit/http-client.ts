/**
 * The one outbound HTTP client every adapter uses: JSON over node:http(s) with one keep-alive
 * agent per origin (profile: undici `fetch` was ≈ 17 % of the hub's CPU), a per-endpoint opossum
 * circuit breaker, a timeout, an Idempotency-Key header and optional auth headers from the
 * environment. Retries with backoff are not done here: the outbox keeps the message and
 * schedules the next attempt (services/cases outbox), so a crash between attempts loses nothing.
 */
import http from "node:http";
import https from "node:https";
import CircuitBreaker from "opossum";
import type { OutboundRequest } from "./adapter";

/** An answer's body: its JSON, null when empty, the text itself when it is not JSON. */
export function answerBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One message of a batch: its request as it would go alone, and its Idempotency-Key. */
export interface BatchEntry {
  req: OutboundRequest;
  key: string;
}

/** What became of one message of a batch: the other side's answer to it, or why it failed. */
export type BatchOutcome = { ok: true; response: HttpResponse } | { ok: false; error: DeliveryError };

/** Looks at an answered request and throws when it is a failure all the same (counted by the breaker). */
type Judge = (res: HttpResponse) => void;

/** A batch answered 2xx whose every item failed with 5xx (or no status): the system is unwell, as a 5xx alone would say. */
class AllItemsFailed extends Error {
  constructor(readonly res: HttpResponse) {
    super("every item of the batch failed");
  }
}

function allItemsFailed(res: HttpResponse): void {
  const results = (res.body as { results?: { status?: unknown }[] } | null)?.results;
  if (Array.isArray(results) && results.length && results.every((r) => !(typeof r?.status === "number" && r.status < 500))) throw new AllItemsFailed(res);
}

/** Answers to a batch envelope that mean "this endpoint takes no batches": its messages go one by one. */
const NO_BATCH_STATUSES = new Set([404, 405, 413, 501]);

export class DeliveryError extends Error {
  /** a 4xx answer: sending the same message again will not help */
  readonly permanent: boolean;
  readonly status?: number;
  readonly body?: unknown;
  constructor(message: string, opts: { permanent: boolean; status?: number; body?: unknown }) {
    super(message);
    this.name = "DeliveryError";
    this.permanent = opts.permanent;
    this.status = opts.status;
    this.body = opts.body;
  }
}

export interface HttpClientOptions {
  /** for people: the endpoint as an operator knows it ("承办单位（通用接口）· 钟楼区城市管理局 CZ-ZL-CGJ") */
  name: string;
  /** stable key: "hotline12345", "unit:CZ-ZL-CGJ" */
  key?: string;
  baseUrl: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  breaker?: { errorThresholdPercentage?: number; resetTimeoutMs?: number; volumeThreshold?: number; rollingCountTimeoutMs?: number };
}

export interface HttpResponse {
  status: number;
  body: unknown;
}

export interface BreakerStats {
  name: string;
  key: string;
  baseUrl: string;
  state: "closed" | "open" | "halfOpen";
  successes: number;
  failures: number;
  rejects: number;
  timeouts: number;
}

export class HttpClient {
  readonly name: string;
  readonly baseUrl: string;
  private readonly breaker: CircuitBreaker<[OutboundRequest, string, Judge?], HttpResponse>;

  constructor(private readonly opts: HttpClientOptions) {
    this.name = opts.name;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    const timeout = opts.timeoutMs ?? 5000;
    // `judge` may find an answered request a failure all the same (a batch whose every item failed)
    this.breaker = new CircuitBreaker(
      async (req: OutboundRequest, key: string, judge?: Judge) => {
        const res = await this.request(req, key, timeout);
        judge?.(res);
        return res;
      },
      {
        timeout: false, // the request has its own socket timeout below
        errorThresholdPercentage: opts.breaker?.errorThresholdPercentage ?? 50,
        resetTimeout: opts.breaker?.resetTimeoutMs ?? 10_000,
        volumeThreshold: opts.breaker?.volumeThreshold ?? 5,
        rollingCountTimeout: opts.breaker?.rollingCountTimeoutMs ?? 10_000,
        // a 4xx is the other side refusing this message, not the other side being unwell
        errorFilter: (err: unknown) => err instanceof DeliveryError && err.permanent,
      },
    );
  }

  /** until when this endpoint is taken to refuse batch envelopes (it answered 404/405/413/501 to one) */
  private noBatchUntil = 0;

  private request(req: OutboundRequest, idempotencyKey: string, timeoutMs: number): Promise<HttpResponse> {
    const url = new URL(this.baseUrl + req.path);
    const payload = Buffer.from(JSON.stringify(req.body));
    const lib = url.protocol === "https:" ? https : http;
    return new Promise<HttpResponse>((resolve, reject) => {
      const r = lib.request(
        url,
        {
          method: req.method,
          agent: agentFor(url),
          headers: {
            "content-type": "application/json; charset=utf-8",
            accept: "application/json",
            "content-length": payload.length,
            ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
            ...this.opts.headers,
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (e) => reject(new DeliveryError(`${this.name}: ${req.method} ${req.path} failed: ${e.message}`, { permanent: false })));
          res.on("end", () => {
            const body = answerBody(Buffer.concat(chunks).toString("utf8"));
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve({ status, body });
            const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
            reject(new DeliveryError(`${this.name}: ${req.method} ${req.path} answered ${status}`, { permanent, status, body }));
          });
        },
      );
      r.on("timeout", () => r.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
      r.on("error", (e: Error & { code?: string }) =>
        reject(new DeliveryError(`${this.name}: ${req.method} ${req.path} failed: ${e.code === "ETIMEDOUT" ? e.message : (e.code ?? e.message)}`, { permanent: false })),
      );
      r.end(payload);
    });
  }

  /** Sends one request through the breaker. Rejects with DeliveryError (an open breaker is transient). */
  async send(req: OutboundRequest, idempotencyKey: string, judge?: Judge): Promise<HttpResponse> {
    try {
      return await this.breaker.fire(req, idempotencyKey, judge);
    } catch (e) {
      if (e instanceof DeliveryError || e instanceof AllItemsFailed) throw e;
      const err = e as Error & { code?: string };
      if (err.code === "EOPENBREAKER") throw new DeliveryError(`${this.name}: circuit open, ${this.baseUrl} is failing`, { permanent: false });
      throw new DeliveryError(`${this.name}: ${err.message}`, { permanent: false });
    }
  }

  /**
   * Sends many messages in one request (the kit's batch envelope, contracts/kit/batch) through the
   * breaker, and answers what became of each, in order. The envelope failing (unreachable, timeout,
   * 5xx, an answer that is not one result per item) fails every message the way a single send
   * would (transient); each item's own status decides its outcome as a single answer would
   * (2xx sent, 4xx refused for good, 5xx/408/429 again later). An endpoint that answers the
   * envelope itself with 404/405/413/501 takes no batches: the messages go one by one, and so do
   * its next ones for ten minutes. A lone message always goes alone. The breaker counts the
   * envelope, and an envelope whose every item failed with 5xx as a failure (as a 5xx alone
   * would count); items refused with 4xx inside it do not open it (the system answered).
   */
  async sendBatch(path: string, entries: BatchEntry[]): Promise<BatchOutcome[]> {
    const one = async (e: BatchEntry): Promise<BatchOutcome> => {
      try {
        return { ok: true, response: await this.send(e.req, e.key) };
      } catch (err) {
        return { ok: false, error: err as DeliveryError };
      }
    };
    if (entries.length <= 1 || Date.now() < this.noBatchUntil) return Promise.all(entries.map(one));
    const envelope: OutboundRequest = { method: "POST", path, body: { items: entries.map((e) => ({ method: e.req.method, path: e.req.path, idempotencyKey: e.key, body: e.req.body })) } };
    let res: HttpResponse;
    try {
      // no key of its own: each item carries its own, and a retry may group them otherwise
      res = await this.send(envelope, "", allItemsFailed);
    } catch (e) {
      // every item failed on the other side: the breaker counted a failure, each item has its own answer
      if (e instanceof AllItemsFailed) res = e.res;
      else return this.envelopeFailed(e as DeliveryError, entries, one);
    }
    const results = (res.body as { results?: { status?: unknown; body?: unknown }[] } | null)?.results;
    if (!Array.isArray(results) || results.length !== entries.length) {
      const err = new DeliveryError(`${this.name}: POST ${path} answered ${Array.isArray(results) ? results.length : "no"} results for ${entries.length} messages`, {
        permanent: false,
        status: res.status,
      });
      return entries.map(() => ({ ok: false, error: err }));
    }
    return entries.map((e, i) => {
      const status = typeof results[i]?.status === "number" ? (results[i].status as number) : 0;
      const body = results[i]?.body ?? null;
      if (status >= 200 && status < 300) return { ok: true, response: { status, body } };
      const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
      return { ok: false, error: new DeliveryError(`${this.name}: ${e.req.method} ${e.req.path} answered ${status} (in a batch)`, { permanent, status, body }) };
    });
  }

  /** The envelope itself was not answered 2xx: one by one (an endpoint without batches), or every item fails for now. */
  private async envelopeFailed(err: DeliveryError, entries: BatchEntry[], one: (e: BatchEntry) => Promise<BatchOutcome>): Promise<BatchOutcome[]> {
    if (err.status !== undefined && NO_BATCH_STATUSES.has(err.status)) {
      this.noBatchUntil = Date.now() + 600_000;
      return Promise.all(entries.map(one));
    }
    const transient = err.permanent ? new DeliveryError(`${err.message} (batch envelope refused)`, { permanent: false, status: err.status, body: err.body }) : err;
    return entries.map(() => ({ ok: false, error: transient }));
  }

  stats(): BreakerStats {
    const s = this.breaker.stats;
    return {
      name: this.name,
      key: this.opts.key ?? this.name,
      baseUrl: this.baseUrl,
      state: this.breaker.opened ? "open" : this.breaker.halfOpen ? "halfOpen" : "closed",
      successes: s.successes,
      failures: s.failures,
      rejects: s.rejects,
      timeouts: s.timeouts,
    };
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}

/** One keep-alive agent per origin, shared by every endpoint (breaker) behind it. */
const agents = new Map<string, http.Agent>();
function agentFor(url: URL): http.Agent {
  let a = agents.get(url.origin);
  if (!a) {
    const opts = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: "lifo" as const };
    a = url.protocol === "https:" ? new https.Agent(opts) : new http.Agent(opts);
    agents.set(url.origin, a);
  }
  return a;
}
