/**
 * Settings, from the environment only (12-factor). `loadConfig()` validates everything at
 * start-up and throws one error naming every missing or malformed setting.
 *
 * Run modes:
 *  - embedded (no TRANSPORTER): one process, PGlite under DATA_DIR, simulators for every
 *    external system whose EXT_<SYSTEM>_URL is not set;
 *  - production (TRANSPORTER=nats://…): DATABASE_URL required, SERVICES selects what this
 *    process runs, a missing EXT_<SYSTEM>_URL is an error unless SIMULATORS=on.
 */
import path from "node:path";
import { ADAPTERS, callerRoles, rolePrefixes } from "../adapters";
import { batchFromEnv } from "../kit/hub-link";

export const ALL_SERVICES = ["gateway", "intake", "cases", "outbox", "routing", "delivery", "schedule", "sanctions"] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];

/** The hub's own roles (people); external callers' roles come from the adapter specs. */
export const CORE_ROLES: Record<string, { label: string; demoKey: string }> = {
  agent: { label: "坐席", demoKey: "demo-agent-key" },
  engineer: { label: "集成工程师", demoKey: "demo-engineer-key" },
};

/** Every role an API key may carry, exactly (prefixed roles such as `unit.<id>` aside). */
export function knownRoles(): string[] {
  return [...callerRoles().map((c) => c.role), ...Object.keys(CORE_ROLES)];
}

/** A role in Chinese, for people: 坐席, 12345热线平台, 承办单位 CZ-ZL-CGJ … */
export function roleLabel(role: string): string {
  if (CORE_ROLES[role]) return CORE_ROLES[role].label;
  const caller = callerRoles().find((c) => c.role === role);
  if (caller) return caller.label;
  const prefixed = rolePrefixes().find((p) => role.startsWith(p.prefix));
  return prefixed ? `${prefixed.label} ${role.slice(prefixed.prefix.length)}` : role;
}

/** The keys used in embedded mode when API_KEYS is not set: role → key. */
export const DEMO_KEYS: Record<string, string> = Object.fromEntries([
  ...callerRoles().flatMap((c) => (c.demoKey ? [[c.role, c.demoKey]] : [])),
  ...Object.entries(CORE_ROLES).map(([role, r]) => [role, r.demoKey]),
]);

/** One external system's endpoint settings, read through its adapter spec's `settings`. */
export interface SystemEndpoint {
  url?: string;
  apiKey?: string;
  simPort?: number;
  /** per-target base URLs, by normalised target id (CZ-ZL-CGJ → CZ_ZL_CGJ) */
  targetUrls: Record<string, string>;
}

export interface Config {
  mode: "embedded" | "production";
  port: number;
  host: string;
  namespace: string;
  nodeId?: string;
  transporter?: string;
  databaseUrl?: string;
  dataDir: string;
  services: ServiceName[];
  /** key → role */
  apiKeys: Map<string, string>;
  demoKeys: boolean;
  simulators: boolean;
  /** every adapter's endpoint settings, by system */
  systems: Record<string, SystemEndpoint>;
  hubUrl: string;
  triageTimeoutMs: number;
  /** REFUSALS_BEFORE_ADJUDICATION: a case refused by this many units goes to 派单审定 instead of being re-routed */
  refusalsBeforeAdjudication: number;
  /** ROUTING_LEARN_MS: how often routing reads people's routing decisions (triage assignments, 改派, 派单审定, refusals) into its examples */
  routingLearnMs: number;
  /** LOOP_SOURCES: source systems whose city-management cases enter the 7-step loop (核查 by the grid system's supervisors before the origin is answered) */
  loopSources: string[];
  triageSweepCron: string;
  /** NOTICE_SWEEP_CRON: when silent bureaus are reminded and escalated (joint-punishment notices) */
  noticeSweepCron: string;
  deadlineSweepCron: string;
  relayIntervalMs: number;
  /** DELIVERY_BATCH_MAX: messages per batch request to a system that takes batches (its spec's `batch`); 1 sends every message alone */
  deliveryBatchMax: number;
  /** DELIVERY_BATCH_PARALLEL: batch requests in flight per endpoint; messages arriving meanwhile wait for the next */
  deliveryBatchParallel: number;
  outboxMaxAttempts: number;
  maxBodyBytes: number;
  rawKeepBytes: number;
  logLevel: string;
  /** METRICS_PORT: Prometheus metrics at :port/metrics; unset = off */
  metricsPort?: number;
  sim: { ordersPerMinute: number; dispatchSamples: boolean; unitWorkMs: number; unitAcceptMs: number; callbackDelayMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置错误 / configuration error:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** "30s", "10m", "2h", "1d", or plain milliseconds. */
export function parseDuration(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? "ms") as "ms"];
  return n * unit;
}

/** A target id as it appears in a variable name: CZ-ZL-CGJ → CZ_ZL_CGJ. */
export function targetKey(id: string): string {
  return id.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** The variable of one target's URL, from its adapter's `targetUrl` setting pattern. */
export function targetEnvName(pattern: string, id: string): string {
  return pattern.replace("<ID>", targetKey(id));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const str = (k: string) => (env[k] ?? "").trim() || undefined;
  const int = (k: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => {
    const v = str(k);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${k}=${v}: 需要 ${min}–${max} 之间的整数 / must be an integer between ${min} and ${max}`);
      return def;
    }
    return n;
  };
  const dur = (k: string, def: string) => {
    const v = str(k) ?? def;
    const ms = parseDuration(v);
    if (ms === undefined) {
      problems.push(`${k}=${v}: 时长格式应如 30s、10m、2h、1d / duration must look like 30s, 10m, 2h, 1d`);
      return parseDuration(def)!;
    }
    return ms;
  };
  const url = (k: string, protocols: string[]) => {
    const v = str(k);
    if (!v) return undefined;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) throw new Error();
      return v;
    } catch {
      problems.push(`${k}=${v}: 不是合法地址，应以 ${protocols.map((p) => p + "//").join(" 或 ")} 开头 / not a valid ${protocols.join("|")} URL`);
      return undefined;
    }
  };

  const transporter = url("TRANSPORTER", ["nats:", "tls:"]);
  if (str("TRANSPORTER") && !transporter) {
    /* already reported */
  }
  const mode: Config["mode"] = str("TRANSPORTER") ? "production" : "embedded";
  const databaseUrl = url("DATABASE_URL", ["postgres:", "postgresql:"]);
  if (mode === "production" && !str("DATABASE_URL"))
    problems.push("DATABASE_URL: 生产模式(设置了 TRANSPORTER)必须提供 PostgreSQL 地址 / required in production mode (TRANSPORTER is set), e.g. postgres://user@host:5432/tongguan");

  const port = int("PORT", 3000, 0, 65535);
  const servicesRaw = str("SERVICES");
  let services: ServiceName[] = [...ALL_SERVICES];
  if (servicesRaw) {
    const names = servicesRaw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !(ALL_SERVICES as readonly string[]).includes(n));
    if (unknown.length) problems.push(`SERVICES=${servicesRaw}: 未知服务 ${unknown.join(", ")}；可选 ${ALL_SERVICES.join(", ")} / unknown service(s)`);
    if (mode === "embedded" && names.length !== ALL_SERVICES.length) problems.push("SERVICES: 嵌入模式只能在一个进程里运行全部服务；拆分服务需设置 TRANSPORTER / splitting services needs TRANSPORTER");
    services = names.filter((n): n is ServiceName => (ALL_SERVICES as readonly string[]).includes(n));
    if (!services.length) problems.push("SERVICES: 至少选择一个服务 / select at least one service");
  }

  const apiKeys = new Map<string, string>();
  const keysRaw = str("API_KEYS");
  let demoKeys = false;
  if (keysRaw) {
    for (const entry of keysRaw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const i = entry.indexOf(":");
      const role = i > 0 ? entry.slice(0, i) : "";
      const key = i > 0 ? entry.slice(i + 1) : "";
      const roleOk = knownRoles().includes(role) || rolePrefixes().some((p) => role.startsWith(p.prefix) && /^[A-Za-z0-9_-]+$/.test(role.slice(p.prefix.length)));
      if (!roleOk || !key) {
        const prefixed = rolePrefixes().map((p) => `${p.prefix}<${p.label}编号>`);
        problems.push(`API_KEYS: 条目「${i > 0 ? role + ":…" : "…"}」格式应为 角色:密钥，角色可为 ${[...knownRoles(), ...prefixed].join("/")} / entries must be role:key`);
        continue;
      }
      if (mode === "production" && key.length < 16) problems.push(`API_KEYS: 角色 ${role} 的密钥少于 16 个字符 / key for ${role} is shorter than 16 characters`);
      if (apiKeys.has(key)) problems.push(`API_KEYS: 角色 ${role} 的密钥与其他角色重复 / key for ${role} is used twice`);
      apiKeys.set(key, role);
    }
  } else if (mode === "production") {
    problems.push(
      `API_KEYS: 生产模式必须配置调用方密钥，如 ${[
        ...callerRoles()
          .slice(0, 1)
          .map((c) => c.role),
        "agent",
        "engineer",
      ]
        .map((r) => `${r}:<密钥>`)
        .join(",")} / required in production mode`,
    );
  } else {
    demoKeys = true;
    for (const [role, key] of Object.entries(DEMO_KEYS)) apiKeys.set(key, role);
  }

  const simRaw = str("SIMULATORS");
  if (simRaw && !["on", "off"].includes(simRaw)) problems.push(`SIMULATORS=${simRaw}: 应为 on 或 off / must be on or off`);
  const simulators = simRaw ? simRaw === "on" : mode === "embedded";

  // every adapter's endpoint, through the settings its spec declares
  const systems: Record<string, SystemEndpoint> = {};
  for (const spec of ADAPTERS) {
    const ep: SystemEndpoint = { targetUrls: {} };
    for (const st of spec.settings) {
      if (st.purpose === "url") ep.url = url(st.env, ["http:", "https:"]);
      else if (st.purpose === "apiKey") ep.apiKey = str(st.env);
      else if (st.purpose === "simPort") ep.simPort = str(st.env) ? int(st.env, 0, 1, 65535) : undefined;
      else if (st.purpose === "via" && str(st.env) && !st.values?.includes(str(st.env)!))
        problems.push(`${st.env}=${str(st.env)}: 应为 ${st.values?.join("、")} 或不设置 / must be ${st.values?.join("|")} or unset`);
      else if (st.purpose === "targetUrl") {
        const [pre, post] = st.env.split("<ID>");
        for (const k of Object.keys(env)) {
          if (!k.startsWith(pre) || !k.endsWith(post) || k.length <= pre.length + post.length) continue;
          const v = url(k, ["http:", "https:"]);
          if (v) ep.targetUrls[k.slice(pre.length, k.length - post.length)] = v;
        }
      }
    }
    systems[spec.system] = ep;
  }
  // Missing URLs are checked by the delivery service, which knows the targets.

  const hubUrl = url("HUB_URL", ["http:", "https:"]) ?? `http://127.0.0.1:${port || 3000}`;
  const cfg: Config = {
    mode,
    port,
    host: str("HOST") ?? "0.0.0.0",
    namespace: str("NAMESPACE") ?? "tongguan",
    nodeId: str("NODE_ID"),
    transporter,
    databaseUrl,
    dataDir: path.resolve(str("DATA_DIR") ?? "data"),
    services,
    apiKeys,
    demoKeys,
    simulators,
    systems,
    hubUrl,
    triageTimeoutMs: dur("TRIAGE_TIMEOUT", "2h"),
    refusalsBeforeAdjudication: int("REFUSALS_BEFORE_ADJUDICATION", 2, 1, 1000),
    routingLearnMs: int("ROUTING_LEARN_MS", 15_000, 100, 3_600_000),
    loopSources: (str("LOOP_SOURCES") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    triageSweepCron: str("TRIAGE_SWEEP_CRON") ?? "*/30 * * * * *",
    noticeSweepCron: str("NOTICE_SWEEP_CRON") ?? "0 */10 * * * *",
    deadlineSweepCron: str("DEADLINE_SWEEP_CRON") ?? "0 * * * * *",
    relayIntervalMs: int("RELAY_INTERVAL_MS", 500, 20, 60_000),
    deliveryBatchMax: int("DELIVERY_BATCH_MAX", 100, 1, 500),
    deliveryBatchParallel: int("DELIVERY_BATCH_PARALLEL", 4, 1, 64),
    outboxMaxAttempts: int("OUTBOX_MAX_ATTEMPTS", 12, 1, 1000),
    maxBodyBytes: int("MAX_BODY_BYTES", 1024 * 1024, 1024),
    rawKeepBytes: int("RAW_KEEP_BYTES", 64 * 1024, 256),
    logLevel: str("LOG_LEVEL") ?? "info",
    metricsPort: str("METRICS_PORT") ? int("METRICS_PORT", 3030, 1, 65535) : undefined,
    sim: {
      ordersPerMinute: int("SIM_ORDERS_PER_MINUTE", 6, 0, 60_000),
      dispatchSamples: (str("SIM_DISPATCH_SAMPLES") ?? "on") === "on",
      unitWorkMs: int("SIM_UNIT_WORK_MS", 3000, 0),
      unitAcceptMs: int("SIM_UNIT_ACCEPT_MS", 500, 0),
      callbackDelayMs: int("SIM_CALLBACK_DELAY_MS", 3000, 0),
    },
  };
  // read by the simulators themselves (kit/hub-link.ts); a bad value stops start-up here, not later
  try {
    batchFromEnv(env.SIM_HUB_BATCH);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (!["fatal", "error", "warn", "info", "debug", "trace"].includes(cfg.logLevel)) problems.push(`LOG_LEVEL=${cfg.logLevel}: 应为 error/warn/info/debug / must be error|warn|info|debug`);
  if (problems.length) throw new ConfigError(problems);
  return cfg;
}

let current: Config | undefined;
/** The process's configuration (loaded once; tests may `setConfig`). */
export function config(): Config {
  return (current ??= loadConfig());
}
export function setConfig(c: Config | undefined): void {
  current = c;
}
