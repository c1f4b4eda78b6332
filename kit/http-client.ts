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
  private readonly breaker: CircuitBreaker<[OutboundRequest, string], HttpResponse>;

  constructor(private readonly opts: HttpClientOptions) {
    this.name = opts.name;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    const timeout = opts.timeoutMs ?? 5000;
    this.breaker = new CircuitBreaker((req: OutboundRequest, key: string) => this.request(req, key, timeout), {
      timeout: false, // the request has its own socket timeout below
      errorThresholdPercentage: opts.breaker?.errorThresholdPercentage ?? 50,
      resetTimeout: opts.breaker?.resetTimeoutMs ?? 10_000,
      volumeThreshold: opts.breaker?.volumeThreshold ?? 5,
      rollingCountTimeout: opts.breaker?.rollingCountTimeoutMs ?? 10_000,
      // a 4xx is the other side refusing this message, not the other side being unwell
      errorFilter: (err: unknown) => err instanceof DeliveryError && err.permanent,
    });
  }

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
            "idempotency-key": idempotencyKey,
            ...this.opts.headers,
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (e) => reject(new DeliveryError(`${this.name}: ${req.method} ${req.path} failed: ${e.message}`, { permanent: false })));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : null;
            } catch {
              /* keep text */
            }
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
  async send(req: OutboundRequest, idempotencyKey: string): Promise<HttpResponse> {
    try {
      return await this.breaker.fire(req, idempotencyKey);
    } catch (e) {
      if (e instanceof DeliveryError) throw e;
      const err = e as Error & { code?: string };
      if (err.code === "EOPENBREAKER") throw new DeliveryError(`${this.name}: circuit open, ${this.baseUrl} is failing`, { permanent: false });
      throw new DeliveryError(`${this.name}: ${err.message}`, { permanent: false });
    }
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
