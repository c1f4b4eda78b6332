/**
 * End-to-end harness: real PostgreSQL and real NATS (JetStream), never mocks of them. Each
 * test file gets its own database and its own bus namespace, removed afterwards. When a server
 * is not reachable the test FAILS with a message saying how to start it (.ci/run starts both).
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { connect } from "nats";
import { loadConfig, type Config } from "../lib/config";
import { startHub, type Hub } from "../bin/hub";
import type { Hotline12345Simulator } from "../adapters/hotline12345/simulator";
import type { UnitSimulator } from "../adapters/unit/simulator";
import type { BureauSimulator } from "../kit/bureau";

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const NATS_URL = process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222";

export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** Creates an empty database; returns its URL and a drop function. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName("tg_e2e");
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`PostgreSQL 不可达 / not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}. Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Fails when NATS is down; deletes the JetStream streams of a test namespace afterwards. */
export async function natsNamespace(): Promise<{ namespace: string; cleanup(): Promise<void> }> {
  const namespace = uniqueName("e2e");
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 3000 });
    const jsm = await nc.jetstreamManager();
    await jsm.getAccountInfo(); // JetStream must be enabled (-js)
    await nc.close();
  } catch (e) {
    throw new Error(
      `NATS/JetStream 不可达 / not reachable at ${NATS_URL}: ${(e as Error).message}. Start it: start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server`,
    );
  }
  return {
    namespace,
    async cleanup() {
      const nc = await connect({ servers: NATS_URL });
      const jsm = await nc.jetstreamManager();
      for await (const s of jsm.streams.list()) if (s.config.name.startsWith(namespace)) await jsm.streams.delete(s.config.name);
      await nc.close();
    },
  };
}

/** Fast simulators and timers for tests; every value can be overridden. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    RELAY_INTERVAL_MS: "100",
    SIM_UNIT_ACCEPT_MS: "50",
    SIM_UNIT_WORK_MS: "150",
    SIM_CALLBACK_DELAY_MS: "150",
    SIM_ORDERS_PER_MINUTE: "0",
    SIM_DISPATCH_SAMPLES: "off",
    ...extra,
  };
}

export function config(env: Record<string, string>): Config {
  return loadConfig(env as NodeJS.ProcessEnv);
}

/** The simulators by their concrete classes, so tests can steer and inspect them. */
export interface TestSims {
  hotline12345?: Hotline12345Simulator;
  unit?: UnitSimulator;
  /** the bureaus' simulators: their notices and their units' tasks */
  housing?: BureauSimulator;
  police?: BureauSimulator;
  transport?: BureauSimulator;
}

export async function startTestHub(env: Record<string, string>): Promise<Omit<Hub, "sims"> & { sims: TestSims; url: string }> {
  const hub = await startHub(config(env), { quiet: true });
  const gw = hub.broker.getLocalService("gateway") as unknown as { server: { address(): { port: number } } };
  return Object.assign(hub, { sims: hub.sims as TestSims, url: `http://127.0.0.1:${gw.server.address().port}` });
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export async function http(url: string, opts: { method?: string; key?: string; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers["x-api-key"] = opts.key;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
  const res = await fetch(url, { method: opts.method ?? (body !== undefined ? "POST" : "GET"), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const KEYS = {
  hotline12345: "e2e-hotline12345-key-000000",
  units: "e2e-units-key-0000000000000",
  agent: "e2e-agent-key-0000000000000",
  engineer: "e2e-engineer-key-0000000000",
  grid: "e2e-grid-key-00000000000000",
  line12319: "e2e-line12319-key-000000000",
  enforcement: "e2e-enforcement-key-0000000",
  credit: "e2e-credit-key-000000000000",
  housing: "e2e-housing-key-00000000000",
  police: "e2e-police-key-000000000000",
  transport: "e2e-transport-key-000000000",
};
export const API_KEYS = Object.entries(KEYS)
  .map(([r, k]) => `${r}:${k}`)
  .join(",");

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

export { DEMO_KEYS as DEMO_KEY_MAP } from "../lib/config";
import { DEMO_KEYS } from "../lib/config";
export const DEMO = { hotline12345: DEMO_KEYS.hotline12345, units: DEMO_KEYS.units, agent: DEMO_KEYS.agent, engineer: DEMO_KEYS.engineer, grid: DEMO_KEYS.grid, enforcement: DEMO_KEYS.enforcement };

export type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/**
 * A hub on the production profile — real NATS (JetStream) and a fresh PostgreSQL database,
 * simulators on, the e2e keys — whose stop() also drops the database and the bus namespace.
 */
export async function startProductionHub(extra: Record<string, string> = {}): Promise<TestHub> {
  const db = await freshDatabase();
  const bus = await natsNamespace();
  try {
    const hub = await startTestHub(testEnv({ TRANSPORTER: NATS_URL, DATABASE_URL: db.url, NAMESPACE: bus.namespace, API_KEYS, SIMULATORS: "on", ...extra }));
    const stopHub = hub.stop.bind(hub);
    hub.stop = async () => {
      try {
        await stopHub();
      } finally {
        await bus.cleanup();
        await db.drop();
      }
    };
    return hub;
  } catch (e) {
    await bus.cleanup();
    await db.drop();
    throw e;
  }
}

let orderSeq = 0;
/** A 12345 work order as platforms send it, with a number unique in this process; `fields` override. */
export function workOrder(fields: Record<string, unknown> = {}): Record<string, unknown> {
  orderSeq++;
  return {
    orderNo: `CZ${Date.now().toString().slice(-8)}${String(process.pid % 1000).padStart(3, "0")}${String(orderSeq).padStart(4, "0")}`,
    receivedAt: new Date().toISOString(),
    channel: "电话",
    appealType: "投诉",
    urgency: "一般",
    ...fields,
  };
}

/** Posts a work order as 12345 does (expects 202) and answers the case id. */
export async function postWorkOrder(hub: { url: string }, body: unknown): Promise<string> {
  const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body });
  if (r.status !== 202) throw new Error(`work order refused: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.caseId as string;
}
