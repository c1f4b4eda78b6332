/**
 * delivery — sends outbound messages to external systems. Owns no table.
 *
 * Messages arrive handed over in memory (when the writer runs in this process) or on the
 * `tg.outbound` channel (JetStream in production: a message survives a crash of this node and
 * is redelivered). Each is mapped to the receiving system's wire format with its adapter's pure
 * builder, checked against that system's contract, sent through the kit's HttpClient (one
 * opossum breaker per endpoint, keep-alive, timeout, Idempotency-Key) and its result is reported
 * to `outbox.results` in batches. To a system that takes batches (its spec's `batch`: 批量推送),
 * messages waiting for the same endpoint go together: up to DELIVERY_BATCH_PARALLEL requests in
 * flight per endpoint, and what arrives meanwhile goes in the next, up to DELIVERY_BATCH_MAX each
 * (the outbox hands out one message per subject at a time, so a batch never reorders a subject's).
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { validate } from "../contracts";
import { ADAPTERS, adapterBySystem } from "../adapters";
import type { AdapterSpec, OutboundCommand, OutboundRequest } from "../kit/adapter";
import { type BatchEntry, type BatchOutcome, type DeliveryError, HttpClient } from "../kit/http-client";
import { findUnit, loadCities, type CityData } from "../domain/routing";
import { config, targetEnvName } from "../lib/config";
import { outboundHeaders, resolveEndpoint } from "../lib/endpoints";
import { OUTBOUND_CHANNEL, type HandOffBatch } from "../lib/handoff";
import { maskText } from "../lib/mask";
import { backoffMs, type AttemptResult } from "../store/outbox";
import { Coalescer } from "../store/sql";

interface Vars {
  clients: Map<string, HttpClient>;
  /** per endpoint that takes batches: the messages waiting to go together */
  lanes: Map<HttpClient, Coalescer<BatchEntry, BatchOutcome>>;
  cities: CityData[];
  pending: { result: AttemptResult; done: () => void; fail: (e: Error) => void }[];
  flushing: boolean;
  /** attempts under way: stopping waits for them (their results are stored, their log lines written, before stop ends) */
  inFlight: Set<Promise<void>>;
  stopping: boolean;
  /** the waits between report attempts, ended at once when stopping */
  wakers: Set<() => void>;
}
interface Methods {
  deliver(cmd: OutboundCommand): Promise<void>;
  deliverAll(cmds: OutboundCommand[]): void;
  attempt(cmd: OutboundCommand): Promise<AttemptResult>;
  clientFor(spec: AdapterSpec, target: string | null): HttpClient | undefined;
  send(spec: AdapterSpec, client: HttpClient, req: OutboundRequest, key: string): Promise<BatchOutcome>;
  report(r: AttemptResult): Promise<void>;
  flush(): Promise<void>;
}
type This = Vars & Methods & { broker: Context["broker"]; logger: Context["broker"]["logger"] };

function clip(v: unknown): unknown {
  const s = JSON.stringify(v ?? null);
  return s.length > 4000 ? { truncated: s.slice(0, 4000) } : v;
}

/** One outbox.results call for many results, waiting out a short absence of the outbox node. */
async function reportWithRetry(svc: This, items: AttemptResult[]): Promise<void> {
  let delay = 250;
  for (let waited = 0; ; ) {
    try {
      await svc.broker.call("outbox.results", { items });
      return;
    } catch (e) {
      // after ~20 s give up (at once while stopping): the leases run out and the messages are sent again (same Idempotency-Key)
      if (waited >= 20_000 || svc.stopping) throw e;
      // a wait that stopping cuts short
      await new Promise<void>((r) => {
        const wake = () => {
          clearTimeout(t);
          svc.wakers.delete(wake);
          r();
        };
        const t = setTimeout(wake, delay);
        svc.wakers.add(wake);
      });
      waited += delay;
      delay = Math.min(delay * 2, 4000);
    }
  }
}

const DeliveryService: ServiceSchema<ServiceSettingSchema, Methods, Vars> & { channels: Record<string, unknown> } = {
  name: "delivery",

  channels: {
    [OUTBOUND_CHANNEL]: {
      group: "delivery",
      maxInFlight: 16,
      async handler(this: This, msg: HandOffBatch) {
        await Promise.all(msg.batch.map((c) => this.deliver(c)));
      },
    },
  },

  actions: {
    /** Flow health: the circuit breaker of every endpoint this node has called. */
    breakers: {
      handler(this: This) {
        return { node: this.broker.nodeID, items: [...this.clients.values()].map((c) => c.stats()) };
      },
    },
  },

  methods: {
    async deliver(this: This, cmd: OutboundCommand) {
      const run = (async () => {
        const result = await this.attempt(cmd);
        await this.report(result);
      })();
      this.inFlight.add(run);
      try {
        await run;
      } finally {
        this.inFlight.delete(run);
      }
    },

    deliverAll(this: This, cmds: OutboundCommand[]) {
      for (const c of cmds) this.deliver(c).catch((e: Error) => this.logger.warn(`outbox ${c.id}: result not stored (${e.message}); its lease will send it again`));
    },

    async attempt(this: This, cmd: OutboundCommand) {
      const spec = adapterBySystem(cmd.system);
      const kind = spec?.commands[cmd.kind];
      const fail = (error: string, permanent: boolean, response?: unknown): AttemptResult => ({ id: cmd.id, ok: false, permanent, error, response: clip(response), retryMs: backoffMs(cmd.attempts) });
      if (!spec || !kind) return fail(`没有适配器能发送 ${cmd.system}/${cmd.kind} / no adapter for ${cmd.system}/${cmd.kind}`, true);
      let req: OutboundRequest;
      try {
        req = kind.build(cmd.payload, cmd.target);
      } catch (e) {
        return fail(`映射失败 / mapping failed: ${(e as Error).message}`, true);
      }
      const v = validate(kind.schema, req.body);
      if (!v.ok) return fail(`报文不符合 ${kind.schema}：${v.errors.map((e) => `${e.pointer} ${e.message}`).join("；")}`, true);
      const client = this.clientFor(spec, cmd.target);
      if (!client) return fail(`未配置「${spec.title}」${cmd.target ? `（${cmd.target}）` : ""}的地址 / no URL configured`, false);
      const out = await this.send(spec, client, req, cmd.idempotencyKey);
      if (out.ok) return { id: cmd.id, ok: true, response: clip(out.response.body) };
      const err = out.error;
      this.logger.warn(`发送失败 ${client.name} ${cmd.kind} ${cmd.id}: ${maskText(err.message)}`);
      return fail(maskText(err.message), err.permanent === true, err.body);
    },

    /** Alone, or with the others waiting for the same endpoint when its system takes batches. */
    async send(this: This, spec: AdapterSpec, client: HttpClient, req: OutboundRequest, key: string): Promise<BatchOutcome> {
      const max = Math.min(spec.batch?.max ?? 1, config().deliveryBatchMax);
      if (spec.batch && max > 1) {
        let lane = this.lanes.get(client);
        if (!lane) {
          const path = spec.batch.path;
          lane = new Coalescer<BatchEntry, BatchOutcome>((entries) => client.sendBatch(path, entries), config().deliveryBatchParallel, max, true);
          this.lanes.set(client, lane);
        }
        return lane.push({ req, key });
      }
      try {
        return { ok: true, response: await client.send(req, key) };
      } catch (e) {
        return { ok: false, error: e as DeliveryError };
      }
    },

    /** One client (and breaker) per endpoint: the system, and the target for per-target systems. */
    clientFor(this: This, spec: AdapterSpec, target: string | null) {
      const key = spec.perTarget && target ? `${spec.system}:${target}` : spec.system;
      let client = this.clients.get(key);
      if (client) return client;
      const found = spec.perTarget && target ? findUnit(target, this.cities) : undefined;
      const base = resolveEndpoint(config(), spec.system, spec.perTarget ? target : null, found?.unit.url);
      if (!base) return undefined;
      const name = found ? `${spec.title}·${found.unit.name}（${target}）` : target ? `${spec.title}·${target}` : spec.title;
      client = new HttpClient({ name, key, baseUrl: base, headers: outboundHeaders(config(), spec.system) });
      this.clients.set(key, client);
      return client;
    },

    /** Results leave in batches: one outbox.results call per turn of the event loop. */
    report(this: This, result: AttemptResult) {
      return new Promise<void>((done, fail) => {
        this.pending.push({ result, done, fail });
        if (this.pending.length === 1 && !this.flushing) setImmediate(() => void this.flush());
      });
    },

    async flush(this: This) {
      if (this.flushing) return;
      this.flushing = true;
      try {
        while (this.pending.length) {
          const batch = this.pending.splice(0, 500);
          try {
            await reportWithRetry(
              this,
              batch.map((p) => p.result),
            );
            for (const p of batch) p.done();
          } catch (e) {
            for (const p of batch) p.fail(e as Error);
          }
        }
      } finally {
        this.flushing = false;
      }
    },
  },

  created(this: This) {
    this.clients = new Map();
    this.lanes = new Map();
    this.pending = [];
    this.flushing = false;
    this.inFlight = new Set();
    this.stopping = false;
    this.wakers = new Set();
    this.cities = loadCities();
    const cfg = config();
    const problems: string[] = [];
    for (const spec of ADAPTERS) {
      if (!spec.perTarget) {
        if (!resolveEndpoint(cfg, spec.system, null))
          problems.push(`${spec.settings.find((s) => s.purpose === "url")?.env ?? spec.system}: 未设置「${spec.title}」的地址，且未开启模拟器(SIMULATORS=on) / not set and simulators are off`);
        continue;
      }
      // a per-target system: every target it serves in the city data needs an address
      const pattern = spec.settings.find((s) => s.purpose === "targetUrl")?.env;
      const missing = this.cities.flatMap((c) =>
        c.units.filter((u) => (u.adapter ?? (spec.defaultHandler ? spec.system : undefined)) === spec.system && !resolveEndpoint(cfg, spec.system, u.id, u.url)).map((u) => u.id),
      );
      if (missing.length)
        problems.push(
          `${spec.settings.find((s) => s.purpose === "url")?.env}: ${missing.length} 个「${spec.title}」目标没有地址（如 ${
            pattern
              ? missing
                  .slice(0, 3)
                  .map((id) => targetEnvName(pattern, id))
                  .join("、")
              : missing.slice(0, 3).join("、")
          }），请设置共用地址或逐个设置，或开启 SIMULATORS=on / targets without a URL`,
        );
    }
    if (problems.length) throw new Error(`配置错误 / configuration error:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  },

  async stopped(this: This) {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    // the attempts under way end first (each within its request timeout); what they could not
    // settle is sent again when its lease runs out
    const waiting = [...this.inFlight].map((p) => p.catch(() => undefined));
    await Promise.race([Promise.all(waiting), new Promise((r) => setTimeout(r, 6000).unref())]);
    await this.flush();
    for (const c of this.clients.values()) c.shutdown();
  },
};

export default DeliveryService;
