/**
 * Two hub processes splitting the services over NATS, on one PostgreSQL — and crashes.
 *  A: gateway, intake, cases, routing, schedule     B: delivery (+ the simulators)
 * A work order accepted while B is down is delivered when B comes back; one accepted before
 * A is killed (SIGKILL) is delivered after A restarts. Nothing accepted is lost.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freshDatabase, natsNamespace, freePort, http, waitFor, KEYS, API_KEYS, NATS_URL } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, "..");

let db: Awaited<ReturnType<typeof freshDatabase>>;
let bus: Awaited<ReturnType<typeof natsNamespace>>;
const procs = new Set<ChildProcess>();
let portA: number, port12345: number, portUnits: number;
let env: Record<string, string>;

function start(name: string, extra: Record<string, string>): ChildProcess {
  // node itself (not the tsx wrapper) so that SIGKILL kills the hub, not a parent of it
  const p = spawn(process.execPath, ["--import", "tsx", "bin/hub.ts"], { cwd: ROOT, env: { ...process.env, ...env, ...extra, NODE_ID: name }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  p.stdout!.on("data", (d) => (log += d));
  p.stderr!.on("data", (d) => (log += d));
  p.on("exit", (code, signal) => {
    procs.delete(p);
    if (code && code !== 0) console.error(`${name} exited ${code}:\n${log.slice(-3000)}`);
    if (signal && signal !== "SIGKILL" && signal !== "SIGTERM") console.error(`${name} died of ${signal}`);
  });
  procs.add(p);
  return p;
}

async function stop(p: ChildProcess, signal: NodeJS.Signals = "SIGTERM") {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise((r) => p.once("exit", r));
  p.kill(signal);
  await done;
}

const hub = (p: string) => `http://127.0.0.1:${portA}${p}`;
const sim12345 = (p: string) => `http://127.0.0.1:${port12345}${p}`;
const signedAt12345 = async (orderNo: string) => {
  const r = await http(sim12345("/__sim/received"));
  return Array.isArray(r.body) && r.body.some((m: { path: string; status: number }) => m.path === `/work-orders/${orderNo}/sign` && m.status === 200);
};
const startA = () => start("node-a", { PORT: String(portA), SERVICES: "gateway,intake,cases,outbox,routing,schedule" });
const startB = () =>
  start("node-b", { PORT: "0", SERVICES: "delivery", SIMULATORS: "on", HUB_URL: `http://127.0.0.1:${portA}`, SIM_HOTLINE12345_PORT: String(port12345), SIM_UNIT_PORT: String(portUnits) });
const up = (what: string, url: string) => waitFor(what, async () => (await http(url)).status < 500, 60_000, 200);

beforeAll(async () => {
  db = await freshDatabase();
  bus = await natsNamespace();
  [portA, port12345, portUnits] = await Promise.all([freePort(), freePort(), freePort()]);
  env = {
    TRANSPORTER: NATS_URL,
    DATABASE_URL: db.url,
    NAMESPACE: bus.namespace,
    API_KEYS,
    LOG_LEVEL: "warn",
    RELAY_INTERVAL_MS: "200",
    SIM_UNIT_ACCEPT_MS: "50",
    SIM_UNIT_WORK_MS: "200",
    SIM_CALLBACK_DELAY_MS: "200",
    SIM_ORDERS_PER_MINUTE: "0",
    SIM_DISPATCH_SAMPLES: "off",
  };
});

afterAll(async () => {
  for (const p of [...procs]) await stop(p, "SIGKILL");
  await bus?.cleanup();
  await db?.drop();
});

describe("two hub processes over NATS", () => {
  let a: ChildProcess;
  let b: ChildProcess;
  const orders = loadSamples().map((s) => fromSample(s, new Date()));
  const post = (o: unknown) => http(hub("/api/v1/hotline12345/work-orders"), { key: KEYS.hotline12345, body: o });
  const statusOf = async (id: string) => (await http(hub(`/api/v1/cases/${id}`), { key: KEYS.agent })).body.status;

  it("accepts work orders while the delivery node is down and delivers them when it starts", async () => {
    a = startA();
    await up("node A gateway", hub("/health"));
    const r = await post(orders[0]);
    expect(r.status).toBe(202);
    await new Promise((res) => setTimeout(res, 1000));
    const pending = (await http(hub("/api/v1/outbox?status=pending,inflight"), { key: KEYS.engineer })).body.items;
    expect(pending.some((o: { subject: { id: string }; kind: string }) => o.subject.id === r.body.caseId && o.kind === "sign")).toBe(true);

    b = startB();
    await waitFor("sign-for at the 12345 simulator of node B", () => signedAt12345(orders[0].orderNo), 60_000, 200);
    await waitFor("case archived across two nodes", async () => (await statusOf(r.body.caseId)) === "ARCHIVED", 30_000);
  });

  it("splits the work: the case store on A, the calls out on B", async () => {
    // node A learns node B's actions from the bus (discovery), which may trail the first deliveries
    const flow = await waitFor(
      "node B's breakers seen from node A",
      async () => {
        const f = (await http(hub("/api/v1/flow"), { key: KEYS.engineer })).body;
        return f.breakers?.node === "node-b" && f;
      },
      20_000,
      250,
    );
    expect(flow.breakers.node).toBe("node-b");
    // one breaker per endpoint, named as an operator knows it
    expect(flow.breakers.items.some((i: { key: string; name: string }) => i.key === "hotline12345" && i.name === "12345政务服务便民热线")).toBe(true);
    expect(flow.cases.ARCHIVED).toBe(1);
  });

  it("loses nothing when the delivery node is killed and restarted", async () => {
    await stop(b, "SIGKILL");
    const r = await post(orders[1]);
    expect(r.status).toBe(202);
    b = startB();
    await waitFor("case archived after node B restarts", async () => (await statusOf(r.body.caseId)) === "ARCHIVED", 60_000);
    expect(await signedAt12345(orders[1].orderNo)).toBe(true);
  });

  it("loses nothing when the case node is killed right after answering 202", async () => {
    const r = await post(orders[2]);
    expect(r.status).toBe(202);
    await stop(a, "SIGKILL");
    a = startA();
    await up("node A again", hub("/health"));
    // a message claimed by the dead node's relay is sent again when its lease (30 s) runs out
    await waitFor("case archived after node A restarts", async () => (await statusOf(r.body.caseId)) === "ARCHIVED", 90_000);
    // a result lost with node A is recovered when its lease runs out (30 s): every message ends up sent
    await waitFor(
      "every outbound message of the case sent",
      async () => ((await http(hub(`/api/v1/cases/${r.body.caseId}`), { key: KEYS.agent })).body.outbound as { status: string }[]).every((o) => o.status === "sent"),
      60_000,
      500,
    );
    // the same order again is still a duplicate of the one case
    const again = await post(orders[2]);
    expect(again.status).toBe(200);
    expect(again.body.caseId).toBe(r.body.caseId);
  });
});
