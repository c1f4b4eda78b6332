/**
 * The store goes away under load and comes back (the "PostgreSQL restart"), without
 * touching the machine's real PostgreSQL: the hub reaches its database through a small TCP proxy
 * that this test cuts (every open connection dropped, new ones refused) for a few seconds.
 *
 * What callers must see: the hub keeps serving (GET /health answers throughout), every request
 * during the outage is answered 503 with Retry-After — never a 500, a dead port or a hang — and
 * once the store is back the hub carries on by itself: new work orders are accepted and signed.
 */
import net from "node:net";
import { freshDatabase, natsNamespace, startTestHub, testEnv, type TestHub, http, waitFor, KEYS, API_KEYS, NATS_URL } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { openDb } from "../lib/db";
import { fromSample } from "../adapters/hotline12345/mapping";

jest.setTimeout(120_000);

const OUTAGE_MS = 3000;

/** A TCP proxy in front of PostgreSQL that can be cut and restored. */
class PgProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("error", () => s.destroy());
        s.on("close", () => {
          this.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Drops every connection and refuses new ones (ECONNREFUSED) until restore(). */
  async cut(): Promise<number> {
    const n = this.sockets.size;
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    for (const s of this.sockets) s.destroy();
    await closed;
    return n;
  }

  restore(): Promise<void> {
    return this.start(); // the same port again
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}

type Phase = "before" | "outage" | "after";
interface Sample {
  phase: Phase;
  what: string;
  status: number | "failed";
  ms: number;
  retryAfter: string | null;
  code?: string;
  message?: string;
  failure?: string;
}

let hub: TestHub;
let proxy: PgProxy;
let storeUrl: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const db = await freshDatabase();
  const bus = await natsNamespace();
  const target = new URL(db.url);
  proxy = new PgProxy({ host: target.hostname, port: Number(target.port || 5432) });
  await proxy.start();
  const viaProxy = new URL(db.url);
  viaProxy.port = String(proxy.port);
  storeUrl = viaProxy.toString();
  cleanup = async () => {
    await proxy.stop().catch(() => undefined);
    await bus.cleanup();
    await db.drop();
  };
  try {
    hub = await startTestHub(
      testEnv({
        TRANSPORTER: NATS_URL,
        DATABASE_URL: storeUrl,
        NAMESPACE: bus.namespace,
        API_KEYS,
        SIMULATORS: "on",
        LOG_LEVEL: "fatal", // the outage is expected: its error lines would drown the report
        SIM_CALLBACK_DELAY_MS: "600000",
      }),
    );
  } catch (e) {
    await cleanup();
    throw e;
  }
  hub.sims.unit!.setBehaviour("*", { silent: true });
});

afterAll(async () => {
  try {
    await hub?.stop();
  } finally {
    await cleanup?.();
  }
});

const samples = loadSamples();
let seq = 0;
const nextOrder = () => {
  const n = ++seq;
  return { ...fromSample(samples[n % 3], new Date()), orderNo: `CZOUT${String(n).padStart(10, "0")}` };
};

async function timed(phase: () => Phase, what: string, url: string, opts: Parameters<typeof http>[1]): Promise<Sample> {
  const p = phase();
  const t = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const a = await Promise.race([http(url, opts), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no answer within 15 s")), 15_000)))]);
    return { phase: p, what, status: a.status, ms: Date.now() - t, retryAfter: a.headers.get("retry-after"), code: a.body?.error?.code, message: a.body?.error?.message };
  } catch (e) {
    return { phase: p, what, status: "failed", ms: Date.now() - t, retryAfter: null, failure: `${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? "")}` };
  } finally {
    clearTimeout(timer);
  }
}

describe("the store goes away under load and comes back", () => {
  it("answers 503 with Retry-After while it is away, keeps serving, and carries on by itself", async () => {
    let phase: Phase = "before";
    const samplesSeen: Sample[] = [];
    const accepted: string[] = [];
    let running = true;

    // a small load: three callers, each posting a work order then reading the case list
    const worker = async () => {
      while (running) {
        const o = nextOrder();
        const w = await timed(() => phase, "POST work-order", `${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body: o });
        samplesSeen.push(w);
        if (w.status === 202) accepted.push(o.orderNo);
        samplesSeen.push(await timed(() => phase, "GET cases", `${hub.url}/api/v1/cases?pageSize=5`, { key: KEYS.agent }));
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const health: Sample[] = [];
    const load = [worker(), worker(), worker()];

    const stopLoad = async () => {
      running = false;
      await Promise.all(load);
    };
    try {
      // the load is being served before the outage (however slow this machine is today)
      await waitFor("orders accepted before the outage", async () => accepted.length >= 3, 15_000);
      const before = samplesSeen.length;
      expect(before).toBeGreaterThan(0);
      expect(accepted.length).toBeGreaterThan(0);

      // a connection checked out of the hub's pool between two queries when the store goes: its
      // 'error' event is what killed the hub (nobody listens on a checked-out client but the hub)
      const pool = (await openDb({ databaseUrl: storeUrl, dataDir: "" })).db as unknown as { $client: { connect(): Promise<{ release(err?: Error | boolean): void }> } };
      const held = await pool.$client.connect();

      phase = "outage";
      const dropped = await proxy.cut();
      expect(dropped).toBeGreaterThan(0); // the hub's pool really had connections to lose
      const until = Date.now() + OUTAGE_MS;
      while (Date.now() < until) {
        health.push(await timed(() => phase, "GET /health", `${hub.url}/health`, {}));
        await new Promise((r) => setTimeout(r, 200));
      }
      held.release(true); // broken: the pool discards it
      await proxy.restore();
      phase = "after";
      await new Promise((r) => setTimeout(r, 2000));
    } catch (e) {
      await stopLoad(); // a failed step must not leave the load running (jest would never exit)
      throw e;
    }
    await stopLoad();

    const all = [...samplesSeen, ...health];
    const brief = (s: Sample) => `${s.phase} ${s.what} → ${s.status} ${s.code ?? ""} ${s.failure ?? ""} (${s.ms} ms)`;
    // never a dead port or a hang
    expect(all.filter((s) => s.status === "failed").map(brief)).toEqual([]);
    expect(all.filter((s) => s.ms > 6000).map(brief)).toEqual([]);
    // never a 500: only answers a caller can act on
    expect(all.filter((s) => s.status !== 200 && s.status !== 202 && s.status !== 503).map(brief)).toEqual([]);
    // the hub process kept serving during the outage
    expect(health.length).toBeGreaterThan(5);
    expect(health.filter((s) => s.status !== 200).map(brief)).toEqual([]);
    // the outage was seen, and every 503 says when to come back, in Chinese
    const unavailable = all.filter((s) => s.status === 503);
    expect(unavailable.filter((s) => s.phase === "outage").length).toBeGreaterThan(0);
    for (const s of unavailable) {
      expect({ s: brief(s), retryAfter: s.retryAfter }).toEqual({ s: brief(s), retryAfter: "5" });
      expect(["STORE_UNAVAILABLE", "SERVICE_UNAVAILABLE"]).toContain(s.code);
      expect(s.message).toMatch(/[\u4e00-\u9fff]/);
    }

    // back: new work orders are accepted and signed for at 12345, with nobody restarting anything
    const fresh: string[] = [];
    for (let i = 0; i < 3; i++) {
      const o = nextOrder();
      const a = await waitFor(
        `work order ${o.orderNo} accepted after the outage`,
        async () => {
          const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body: o });
          return r.status === 202 || r.status === 200 ? r : undefined;
        },
        15_000,
        250,
      );
      expect(a.status).toBe(202);
      fresh.push(o.orderNo);
    }
    for (const no of fresh) await waitFor(`${no} signed at 12345`, async () => !!hub.sims.hotline12345!.order(no)?.signedAt, 20_000);
    // and nothing accepted before or after the outage was lost: every 202 is signed in the end
    for (const no of accepted) await waitFor(`${no} (accepted under load) signed at 12345`, async () => !!hub.sims.hotline12345!.order(no)?.signedAt, 30_000);
    const health2 = await http(`${hub.url}/health`);
    expect(health2.status).toBe(200);
  });
});
