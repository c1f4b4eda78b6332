import http from "node:http";
import type { AddressInfo } from "node:net";
import { validate } from "../../contracts";
import { generateOrder } from "./mapping";
import { Hotline12345Simulator } from "./simulator";

interface Hit {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A stand-in for the hub: records what it receives, opens cases, duplicates known orders. */
async function startFakeHub() {
  const hits: Hit[] = [];
  const known = new Set<string>();
  const waiters: Array<{ pred: (h: Hit) => boolean; resolve: (h: Hit) => void }> = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const hit: Hit = { method: req.method!, path: req.url!, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") };
    hits.push(hit);
    let status = 200;
    let body: unknown = { caseId: "TG1", status: "ARCHIVED" };
    if (hit.path === "/api/v1/hotline12345/work-orders") {
      const dup = known.has(hit.body.orderNo);
      known.add(hit.body.orderNo);
      status = dup ? 200 : 202;
      body = dup ? { caseId: `TG-${hit.body.orderNo}`, duplicate: true } : { caseId: `TG-${hit.body.orderNo}` };
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
    for (const w of [...waiters]) {
      if (w.pred(hit)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits,
    waitFor: (pred: (h: Hit) => boolean, ms = 2000) =>
      new Promise<Hit>((resolve, reject) => {
        const found = hits.find(pred);
        if (found) return resolve(found);
        const t = setTimeout(() => reject(new Error("the fake hub received nothing matching")), ms);
        waiters.push({ pred, resolve: (h) => (clearTimeout(t), resolve(h)) });
      }),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const reply = (outcome = 0) => ({ outcome, text: "已清理占道摊点并安排每日巡查", unitName: "钟楼区城市管理局", repliedAt: "2024-06-12T10:00:00+08:00" });

describe("Hotline12345Simulator", () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let sim: Hotline12345Simulator;
  let lines: string[];

  beforeEach(async () => {
    hub = await startFakeHub();
    lines = [];
    sim = new Hotline12345Simulator({ callbackDelayMs: 20, dissatisfiedOrders: ["CZ0000000002"], log: (l) => lines.push(l), rand: () => 0.5 });
    await sim.start(0);
    sim.setHub(hub.url, "key-12345");
  });
  afterEach(async () => {
    await sim.stop();
    await hub.close();
  });

  it("accepts a valid reply and posts the 回访 callback to the hub", async () => {
    const r = await post(`${sim.url}/work-orders/CZ0000000001/reply`, reply());
    expect(r).toEqual({ status: 200, body: { ok: true, orderNo: "CZ0000000001" } });
    const cb = await hub.waitFor((h) => h.path.endsWith("/callback"));
    expect(cb.path).toBe("/api/v1/hotline12345/work-orders/CZ0000000001/callback");
    expect(cb.headers["x-api-key"]).toBe("key-12345");
    expect(validate("tongguan:hotline12345/callback", cb.body).ok).toBe(true);
    expect([2, 3]).toContain(cb.body.satisfaction);
    await sleep(20);
    const state = sim.order("CZ0000000001")!;
    expect(state).toMatchObject({ orderNo: "CZ0000000001", dispatched: false, replies: [reply()] });
    expect(state.callbacks).toHaveLength(1);
    expect(state.callbacks[0]).toMatchObject({ status: 200, satisfaction: cb.body.satisfaction });
    expect(lines.some((l) => l.startsWith("回访 CZ0000000001"))).toBe(true);
  });

  it("answers 不满意 on the first callback of a listed order, then satisfied", async () => {
    await post(`${sim.url}/work-orders/CZ0000000002/reply`, reply());
    const first = await hub.waitFor((h) => h.path.endsWith("/CZ0000000002/callback"));
    expect(first.body.satisfaction).toBe(0);
    await sleep(20);
    await post(`${sim.url}/work-orders/CZ0000000002/reply`, reply());
    const second = await hub.waitFor((h) => h.path.endsWith("/CZ0000000002/callback") && h !== first);
    expect(second.body.satisfaction).toBe(2);
  });

  it("keeps per-order state for sign, extension and return", async () => {
    expect((await post(`${sim.url}/work-orders/CZ0000000003/sign`, { unitName: "钟楼区城市管理局", signedAt: "2024-06-11T09:20:05+08:00" })).status).toBe(200);
    const ext = { until: "2024-06-28T17:30:00+08:00", reason: "待配件", unitName: "钟楼区城市管理局", requestedAt: "2024-06-18T11:00:00+08:00" };
    expect((await post(`${sim.url}/work-orders/CZ0000000003/extension`, ext)).status).toBe(200);
    expect((await post(`${sim.url}/work-orders/CZ0000000004/return`, { reason: "非本市职责", returnedAt: "2024-06-11T10:00:00+08:00" })).status).toBe(200);
    expect(sim.order("CZ0000000003")).toMatchObject({ signedAt: "2024-06-11T09:20:05+08:00", signedBy: "钟楼区城市管理局", extensions: [ext] });
    expect(sim.order("CZ0000000004")!.returned).toEqual({ reason: "非本市职责", returnedAt: "2024-06-11T10:00:00+08:00" });
    const listed = await fetch(`${sim.url}/__sim/orders`).then((r) => r.json());
    expect(listed.map((o: { orderNo: string }) => o.orderNo)).toEqual(["CZ0000000003", "CZ0000000004"]);
  });

  it("rejects an invalid body with 400 and the field errors, and schedules nothing", async () => {
    const r = await post(`${sim.url}/work-orders/CZ0000000005/reply`, { outcome: 9, text: "x", unitName: "某单位", repliedAt: "2024-06-12T10:00:00+08:00", extra: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/extra", "/outcome"]);
    await sleep(60);
    expect(hub.hits).toHaveLength(0);
    expect(sim.order("CZ0000000005")).toBeUndefined();
  });

  it("honours /__sim/mode: fail with a status, then go down, then recover", async () => {
    expect((await post(`${sim.url}/__sim/mode`, { failStatus: 503 })).status).toBe(200);
    expect((await post(`${sim.url}/work-orders/CZ0000000006/reply`, reply())).status).toBe(503);
    await post(`${sim.url}/__sim/mode`, { down: true });
    await expect(post(`${sim.url}/work-orders/CZ0000000006/reply`, reply())).rejects.toThrow();
    await post(`${sim.url}/__sim/mode`, {});
    expect((await post(`${sim.url}/work-orders/CZ0000000006/reply`, reply())).status).toBe(200);
  });

  it("stop() cancels pending callbacks", async () => {
    const slow = new Hotline12345Simulator({ hubUrl: hub.url, apiKey: "k", callbackDelayMs: 100, log: () => {} });
    await slow.start(0);
    expect((await post(`${slow.url}/work-orders/CZ0000000007/reply`, reply())).status).toBe(200);
    await slow.stop();
    await sleep(150);
    expect(hub.hits).toHaveLength(0);
  });

  it("dispatches a work order, and a repeat is answered as duplicate", async () => {
    const order = generateOrder(1, new Date(), () => 0.3);
    const first = await sim.dispatch(order);
    expect(first).toEqual({ orderNo: order.orderNo, status: 202, body: { caseId: `TG-${order.orderNo}` } });
    const hit = hub.hits[0];
    expect(hit.path).toBe("/api/v1/hotline12345/work-orders");
    expect(hit.headers["x-api-key"]).toBe("key-12345");
    expect(hit.body).toEqual(order);
    expect((await sim.dispatch(order)).status).toBe(200);
    expect(sim.order(order.orderNo)).toMatchObject({ dispatched: true, caseId: `TG-${order.orderNo}`, title: order.title });
    expect(lines[0]).toMatch(new RegExp(`^派单 ${order.orderNo}`));
  });

  it("masks the caller's phone in its log", async () => {
    const order = generateOrder(2, new Date(), () => 0.3);
    expect(order.caller!.phone).toBeDefined();
    await sim.dispatch(order);
    expect(lines.join("\n")).not.toContain(order.caller!.phone!);
    expect(lines.join("\n")).toContain(`${order.caller!.phone!.slice(0, 3)}****${order.caller!.phone!.slice(-4)}`);
  });

  it("dispatchSamples posts the 8 samples with receivedAt = now, each valid", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const results = await sim.dispatchSamples(now);
    expect(results).toHaveLength(8);
    expect(results.every((r) => r.status === 202)).toBe(true);
    for (const h of hub.hits) {
      expect(validate("tongguan:hotline12345/work-order", h.body).ok).toBe(true);
      expect(Date.parse(h.body.receivedAt)).toBe(now.getTime());
    }
  });

  it("the generator posts valid orders at a rate until stopped", async () => {
    sim.startGenerator(60_000 / 20); // one every 20 ms
    await hub.waitFor(() => hub.hits.length >= 3, 2000).catch(() => undefined);
    sim.stopGenerator();
    const n = hub.hits.length;
    expect(n).toBeGreaterThanOrEqual(3);
    for (const h of hub.hits) expect(validate("tongguan:hotline12345/work-order", h.body).ok).toBe(true);
    expect(new Set(hub.hits.map((h) => h.body.orderNo)).size).toBe(n);
    await sleep(80);
    expect(hub.hits.length).toBeLessThanOrEqual(n + 1); // at most one already in flight
  });

  it("dispatch without a hub URL is a programming error", async () => {
    const lone = new Hotline12345Simulator({ log: () => {} });
    await expect(lone.dispatch(generateOrder(1, new Date()))).rejects.toThrow(/setHub/);
  });
});
