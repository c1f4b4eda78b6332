/**
 * delivery — sends outbound messages to external systems. Owns no table.
 *
 * It consumes the `tg.outbound` channel (JetStream in production: a message survives a crash
 * of this node and is redelivered), maps each command to the system's wire format with the
 * adapter's pure builder, checks the result against the adapter's outbound contract, sends it
 * through the kit's HttpClient (per-endpoint opossum breaker, timeout, Idempotency-Key) and
 * reports the attempt to `cases.outboxResult`, which keeps the message and schedules retries.
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { validate } from "../contracts";
import { ADAPTERS, adapterBySystem } from "../adapters";
import type { OutboundCommand } from "../kit/adapter";
import { DeliveryError, HttpClient } from "../kit/http-client";
import { loadCities, type CityData } from "../domain/routing";
import { config } from "../lib/config";
import { outboundHeaders, resolveEndpoint, unitKey } from "../lib/endpoints";
import { maskText } from "../lib/mask";

interface Vars {
  clients: Map<string, HttpClient>;
  unitUrls: Map<string, string>;
}
type This = Vars & { broker: Context["broker"]; logger: Context["broker"]["logger"] };

function clip(v: unknown): unknown {
  const s = JSON.stringify(v ?? null);
  return s.length > 4000 ? { truncated: s.slice(0, 4000) } : v;
}

/**
 * Reports an attempt to `cases`, waiting out a short absence of the cases node (a restart):
 * up to ~20 s, inside JetStream's ack wait. If it still fails the channel message is nak'd and
 * redelivered; and if that fails too, the outbox lease expires and the message is sent again
 * (same Idempotency-Key), so a result is never lost — at worst it arrives twice.
 */
async function reportWithRetry(svc: This, params: Record<string, unknown>): Promise<void> {
  let delay = 250;
  for (let waited = 0; ; ) {
    try {
      await svc.broker.call("cases.outboxResult", params);
      return;
    } catch (e) {
      if (waited >= 20_000) throw e;
      await new Promise((r) => setTimeout(r, delay));
      waited += delay;
      delay = Math.min(delay * 2, 4000);
    }
  }
}

const DeliveryService: ServiceSchema<ServiceSettingSchema, Record<string, never>, Vars> & { channels: Record<string, unknown> } = {
  name: "delivery",

  channels: {
    "tg.outbound": {
      group: "delivery",
      maxInFlight: 16,
      async handler(this: This, cmd: OutboundCommand) {
        const spec = adapterBySystem(cmd.system);
        const kind = spec?.outbound[cmd.kind];
        const report = (r: { ok: boolean; permanent?: boolean; error?: string; response?: unknown }) =>
          reportWithRetry(this, { id: cmd.id, label: kind ? `${kind.summary.split(/[：:/]/)[0].trim()}` : undefined, ...r });
        if (!spec || !kind) return report({ ok: false, permanent: true, error: `没有适配器能发送 ${cmd.system}/${cmd.kind} / no adapter for ${cmd.system}/${cmd.kind}` });

        let req;
        try {
          req = kind.build(cmd.payload, cmd.target);
        } catch (e) {
          return report({ ok: false, permanent: true, error: `映射失败 / mapping failed: ${(e as Error).message}` });
        }
        const v = validate(kind.schema, req.body);
        if (!v.ok)
          return report({ ok: false, permanent: true, error: `报文不符合 ${kind.schema}：${v.errors.map((e) => `${e.pointer} ${e.message}`).join("；")}` });

        const base = resolveEndpoint(config(), cmd.system, cmd.target, cmd.target ? this.unitUrls.get(cmd.target) : undefined);
        if (!base) return report({ ok: false, permanent: false, error: `未配置 ${cmd.system}${cmd.target ? `/${cmd.target}` : ""} 的地址 / no URL configured` });
        let client = this.clients.get(base);
        if (!client) {
          client = new HttpClient({ name: cmd.system === "unit" ? `unit:${cmd.target}` : cmd.system, baseUrl: base, headers: outboundHeaders(cmd.system) });
          this.clients.set(base, client);
        }
        try {
          const res = await client.send(req, cmd.idempotencyKey);
          return report({ ok: true, response: clip(res.body) });
        } catch (e) {
          const err = e as DeliveryError;
          this.logger.warn(`发送失败 ${cmd.system}/${cmd.kind} ${cmd.id}: ${maskText(err.message)}`);
          return report({ ok: false, permanent: err.permanent === true, error: maskText(err.message), response: clip(err.body) });
        }
      },
    },
  },

  actions: {
    /** Flow health: the circuit breakers of every endpoint this node has called. */
    breakers: {
      handler(this: This) {
        return { node: this.broker.nodeID, items: [...this.clients.values()].map((c) => c.stats()) };
      },
    },
  },

  created(this: This) {
    this.clients = new Map();
    this.unitUrls = new Map();
    const cfg = config();
    const cities: CityData[] = loadCities();
    const problems: string[] = [];
    for (const spec of ADAPTERS) {
      if (spec.system === "unit") continue;
      if (!resolveEndpoint(cfg, spec.system, null))
        problems.push(`EXT_${spec.system.toUpperCase()}_URL: 未设置「${spec.title}」的地址，且未开启模拟器(SIMULATORS=on) / not set and simulators are off`);
    }
    const missing: string[] = [];
    for (const city of cities)
      for (const u of city.units) {
        if (u.url) this.unitUrls.set(u.id, u.url);
        if (!resolveEndpoint(cfg, "unit", u.id, u.url)) missing.push(u.id);
      }
    if (missing.length)
      problems.push(
        `EXT_UNITS_URL: ${missing.length} 个承办单位没有地址（如 ${missing.slice(0, 3).map((id) => `EXT_UNIT_${unitKey(id)}_URL`).join("、")}），请设置 EXT_UNITS_URL 或逐个设置，或开启 SIMULATORS=on / units without a URL`,
      );
    if (problems.length) throw new Error(`配置错误 / configuration error:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  },

  stopped(this: This) {
    for (const c of this.clients.values()) c.shutdown();
  },
};

export default DeliveryService;
