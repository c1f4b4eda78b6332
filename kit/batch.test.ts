/**
 * Batch delivery (批量推送) between the kit's HttpClient and the simulator base, over real HTTP:
 * many messages in one envelope, each answered as it would have been alone.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { validate } from "../contracts";
import { BATCH_PATH } from "./adapter";
import { type BatchEntry, HttpClient } from "./http-client";
import { SimulatorServer } from "./simulator";

const entry = (path: string, key: string, body: unknown = { n: key }): BatchEntry => ({ req: { method: "POST", path, body }, key });

describe("batch delivery between HttpClient and a simulator", () => {
  let sim: SimulatorServer;
  let client: HttpClient;
  let calls: number;

  beforeEach(async () => {
    calls = 0;
    sim = new SimulatorServer("test", [
      {
        method: "POST",
        path: "/notices/:id",
        handle: (req) => ((calls++, req.params.id.startsWith("bad")) ? { status: 422, body: { error: "refused" } } : { status: 200, body: { id: req.params.id } }),
      },
      { method: "POST", path: "/broken/:id", handle: () => ({ status: 503, body: { error: "busy" } }) },
    ]);
    client = new HttpClient({ name: "测试系统", baseUrl: await sim.start() });
  });
  afterEach(async () => {
    client.shutdown();
    await sim.stop();
  });

  it("sends many messages in one request and answers each as it would have been answered alone", async () => {
    const out = await client.sendBatch(BATCH_PATH, [entry("/notices/A", "k-a"), entry("/notices/bad-B", "k-b"), entry("/broken/C", "k-c"), entry("/nowhere", "k-d")]);
    expect(out.map((o) => (o.ok ? o.response.status : o.error.status))).toEqual([200, 422, 503, 404]);
    expect(out.map((o) => (o.ok ? "sent" : o.error.permanent ? "refused" : "again"))).toEqual(["sent", "refused", "again", "refused"]);
    expect(out[0].ok && out[0].response.body).toEqual({ id: "A" });
    // one envelope reached the simulator; each item is recorded as the message it is
    const got = sim.received;
    expect(got.map((r) => [r.path, r.idempotencyKey, r.status])).toEqual([
      ["/notices/A", "k-a", 200],
      ["/notices/bad-B", "k-b", 422],
      ["/broken/C", "k-c", 503],
      ["/nowhere", "k-d", 404],
    ]);
    expect(new Set(got.map((r) => r.batch))).toEqual(new Set([1]));
    expect(got[0].body).toEqual({ n: "k-a" });
  });

  it("answers a message sent again in a later batch from its Idempotency-Key, handling it once", async () => {
    await client.sendBatch(BATCH_PATH, [entry("/notices/A", "k-a"), entry("/notices/B", "k-b")]);
    const again = await client.sendBatch(BATCH_PATH, [entry("/notices/B", "k-b"), entry("/notices/C", "k-c")]);
    expect(again.every((o) => o.ok)).toBe(true);
    expect(calls).toBe(3);
    expect(sim.received.filter((r) => r.path === "/notices/B").map((r) => r.duplicate)).toEqual([false, true]);
  });

  it("sends a lone message alone, as a plain request", async () => {
    const [one] = await client.sendBatch(BATCH_PATH, [entry("/notices/A", "k-a")]);
    expect(one.ok).toBe(true);
    expect(sim.received).toHaveLength(1);
    expect(sim.received[0].batch).toBeUndefined();
    expect(sim.received[0].idempotencyKey).toBe("k-a");
  });

  it("fails every message for now when the system cannot be reached, so each is sent again later", async () => {
    await sim.stop();
    const out = await client.sendBatch(BATCH_PATH, [entry("/notices/A", "k-a"), entry("/notices/B", "k-b")]);
    expect(out.every((o) => !o.ok && !o.error.permanent)).toBe(true);
  });

  it("fails every message for now when the system answers each 500, never for good", async () => {
    sim.setMode({ failStatus: 500 });
    // the simulator's failure mode answers every item 500 inside the envelope
    const out = await client.sendBatch(BATCH_PATH, [entry("/notices/A", "k-a"), entry("/notices/B", "k-b")]);
    expect(out.map((o) => !o.ok && o.error.status)).toEqual([500, 500]);
    expect(out.every((o) => !o.ok && !o.error.permanent)).toBe(true);
  });

  it("counts a batch whose every message failed with 5xx against the breaker, which then opens, as for failures sent alone", async () => {
    const touchy = new HttpClient({ name: "易故障系统", baseUrl: sim.url, breaker: { volumeThreshold: 2 } });
    try {
      sim.setMode({ failStatus: 503 });
      for (let i = 0; i < 2; i++) await touchy.sendBatch(BATCH_PATH, [entry("/notices/A", `k-a${i}`), entry("/notices/B", `k-b${i}`)]);
      expect(touchy.stats()).toMatchObject({ state: "open", failures: 2 });
      const seen = sim.received.length;
      const out = await touchy.sendBatch(BATCH_PATH, [entry("/notices/C", "k-c"), entry("/notices/D", "k-d")]);
      expect(out.every((o) => !o.ok && !o.error.permanent && /circuit open/.test(o.error.message))).toBe(true);
      expect(sim.received).toHaveLength(seen); // nothing reached the system
    } finally {
      touchy.shutdown();
    }
  });

  it("does not count a batch with some messages refused (4xx) or failed against the breaker: the system answered", async () => {
    const touchy = new HttpClient({ name: "部分拒收", baseUrl: sim.url, breaker: { volumeThreshold: 2 } });
    try {
      for (let i = 0; i < 3; i++) await touchy.sendBatch(BATCH_PATH, [entry(`/notices/bad-${i}`, `k-x${i}`), entry(`/broken/${i}`, `k-y${i}`)]);
      expect(touchy.stats()).toMatchObject({ state: "closed", failures: 0 });
    } finally {
      touchy.shutdown();
    }
  });

  it("refuses a malformed envelope with 422, and its answer fits the batch-result contract when well formed", async () => {
    const bad = await fetch(`${sim.url}${BATCH_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ items: [] }) });
    expect(bad.status).toBe(422);
    const good = await fetch(`${sim.url}${BATCH_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        items: [
          { method: "POST", path: "/notices/A", body: {} },
          { method: "GET", path: "/notices/B", body: {} },
        ],
      }),
    });
    const answer = await good.json();
    expect(validate("tongguan:kit/batch-result", answer).ok).toBe(true);
    expect(answer.results.map((r: { status: number }) => r.status)).toEqual([200, 400]);
  });
});

describe("batch delivery to a system that takes no batches", () => {
  it("sends the messages one by one when the envelope is answered 404, and keeps doing so", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url ?? "");
      res.writeHead(req.url === BATCH_PATH ? 404 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const client = new HttpClient({ name: "旧系统", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      const out = await client.sendBatch(BATCH_PATH, [entry("/a", "k1"), entry("/b", "k2")]);
      expect(out.every((o) => o.ok)).toBe(true);
      await client.sendBatch(BATCH_PATH, [entry("/c", "k3"), entry("/d", "k4")]);
      expect(seen).toEqual([BATCH_PATH, "/a", "/b", "/c", "/d"]);
    } finally {
      client.shutdown();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
