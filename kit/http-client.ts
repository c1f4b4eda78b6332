/**
 * The one outbound HTTP client every adapter uses: JSON over the global fetch, a per-endpoint
 * opossum circuit breaker, a timeout, an Idempotency-Key header and optional auth headers from
 * the environment. Retries with backoff are not done here: the outbox keeps the message and
 * schedules the next attempt (services/cases outbox), so a crash between attempts loses nothing.
 */
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
  /** for messages and metrics: "hotline12345", "unit:CZ-ZL-CGJ" */
  name: string;
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
      timeout: false, // fetch has its own AbortSignal timeout below
      errorThresholdPercentage: opts.breaker?.errorThresholdPercentage ?? 50,
      resetTimeout: opts.breaker?.resetTimeoutMs ?? 10_000,
      volumeThreshold: opts.breaker?.volumeThreshold ?? 5,
      rollingCountTimeout: opts.breaker?.rollingCountTimeoutMs ?? 10_000,
      // a 4xx is the other side refusing this message, not the other side being unwell
      errorFilter: (err: unknown) => err instanceof DeliveryError && err.permanent,
    });
  }

  private async request(req: OutboundRequest, idempotencyKey: string, timeoutMs: number): Promise<HttpResponse> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + req.path, {
        method: req.method,
        headers: { "content-type": "application/json; charset=utf-8", accept: "application/json", "idempotency-key": idempotencyKey, ...this.opts.headers },
        body: JSON.stringify(req.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const why = err.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : (err.cause?.code ?? err.message);
      throw new DeliveryError(`${this.name}: ${req.method} ${req.path} failed: ${why}`, { permanent: false });
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* keep text */
    }
    if (res.status >= 200 && res.status < 300) return { status: res.status, body };
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    throw new DeliveryError(`${this.name}: ${req.method} ${req.path} answered ${res.status}`, { permanent, status: res.status, body });
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
