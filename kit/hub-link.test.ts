import http from "node:http";
import type { AddressInfo } from "node:net";
import { police } from "../adapters/police/spec";
import { hubStub } from "./bureau";
import { startFakeHub } from "./fake-hub.testkit";
import { batchFromEnv, HUB_BATCH_PATH, HubPoster, retryable } from "./hub-link";
import { HubLink } from "./task-desk";

/** One call as the hub saw it: alone or as an item, with its key. */
interface Seen {
  path: string;
  key?: string;
  apiKey?: string;
  body: any;
  batch?: number;
}

/**
 * A hub that takes single posts and batches (unless `batchRoute` is false) and answers each call
 * with `answer`; counts requests and connections.
 */
async function hub(answer: (c: Seen, n: number) => { status: number; body: unknown }, opts: { batchRoute?: boolean; envelope?: (n: number) => { status: number; body: unknown } | undefined } = {}) {
  const seen: Seen[] = [];
  const batches: number[] = [];
  let requests = 0;
  let connections = 0;
  const one = (c: Seen) => {
    seen.push(c);
    return answer(c, seen.filter((s) => s.path === c.path).length);
  };
  const server = http.createServer(async (req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
    const apiKey = req.headers["x-api-key"] as string | undefined;
    let out: { status: number; body: unknown };
    if (req.url === HUB_BATCH_PATH) {
      const refused = opts.batchRoute === false ? { status: 404, body: { error: { code: "NOT_FOUND" } } } : opts.envelope?.(batches.length + 1);
      if (refused) out = refused;
      else {
        batches.push(body.items.length);
        const n = batches.length;
        out = { status: 200, body: { results: body.items.map((it: any) => one({ path: it.path, key: it.idempotencyKey, apiKey, body: it.body, batch: n })) } };
      }
    } else out = one({ path: req.url ?? "", key: req.headers["idempotency-key"] as string | undefined, apiKey, body });
    res.writeHead(out.status, { "content-type": "application/json" });
    res.end(JSON.stringify(out.body));
  });
  server.on("connection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    batches,
    counts: () => ({ requests, connections }),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const ok = (c: Seen) => ({ status: 200, body: { echo: c.body.n } });
const p = (n: number) => `/api/v1/units/U/tasks/T${n}/accept`;
let h: Awaited<ReturnType<typeof hub>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("HubPoster: posts made together go as one POST /api/v1/batch", () => {
  it("sends posts of the same turn as one batch and answers each with its own item's result", async () => {
    h = await hub((c) => (c.body.n === 2 ? { status: 422, body: { error: { code: "VALIDATION_FAILED" } } } : ok(c)));
    const poster = new HubPoster({ batch: true });
    const answers = await Promise.all([1, 2, 3].map((n) => poster.post(h!.url, "key-u", p(n), { n })));
    expect(answers).toEqual([
      { status: 200, body: { echo: 1 } },
      { status: 422, body: { error: { code: "VALIDATION_FAILED" } } },
      { status: 200, body: { echo: 3 } },
    ]);
    expect(h.batches).toEqual([3]);
    expect(h.seen.map((s) => [s.path, s.apiKey, s.batch])).toEqual([
      [p(1), "key-u", 1],
      [p(2), "key-u", 1],
      [p(3), "key-u", 1],
    ]);
    // each item its own key
    expect(new Set(h.seen.map((s) => s.key)).size).toBe(3);
    expect(h.seen.every((s) => /^sim-/.test(s.key ?? ""))).toBe(true);
  });

  it("sends a lone post alone, to its own path, with its key", async () => {
    h = await hub(ok);
    const a = await new HubPoster({ batch: true }).post(h.url, "key-u", p(1), { n: 1 });
    expect(a).toEqual({ status: 200, body: { echo: 1 } });
    expect(h.batches).toEqual([]);
    expect(h.seen).toEqual([{ path: p(1), key: expect.stringMatching(/^sim-/), apiKey: "key-u", body: { n: 1 } }]);
  });

  it("gathers posts over the window when one is set, and splits at maxItems", async () => {
    h = await hub(ok);
    const poster = new HubPoster({ batch: { windowMs: 40, maxItems: 2 } });
    const pending = [poster.post(h.url, undefined, p(1), { n: 1 })];
    await new Promise((r) => setTimeout(r, 5));
    pending.push(poster.post(h.url, undefined, p(2), { n: 2 }));
    await new Promise((r) => setTimeout(r, 5));
    pending.push(poster.post(h.url, undefined, p(3), { n: 3 }));
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.body.echo)).toEqual([1, 2, 3]);
    expect(h.batches).toEqual([2]); // the third alone (a batch of one is a plain post)
    expect(h.seen.map((s) => s.batch)).toEqual([1, 1, undefined]);
  });

  it("keeps posts to different hubs or keys apart", async () => {
    h = await hub(ok);
    const poster = new HubPoster({ batch: true });
    await Promise.all([poster.post(h.url, "a", p(1), { n: 1 }), poster.post(h.url, "b", p(2), { n: 2 }), poster.post(h.url, "a", p(3), { n: 3 })]);
    expect(h.batches).toEqual([2]);
    expect(h.seen.filter((s) => s.batch).map((s) => s.apiKey)).toEqual(["a", "a"]);
    expect(h.seen.find((s) => !s.batch)?.apiKey).toBe("b");
  });

  it("retries an item answered 503 or 409 IDEMPOTENCY_IN_PROGRESS under its own key, the others answered at once; a plain 409 is final", async () => {
    h = await hub((c, n) => {
      if (c.body.n === 1 && n === 1) return { status: 503, body: { error: { code: "STORE_UNAVAILABLE" } } };
      if (c.body.n === 2 && n <= 2) return { status: 409, body: { error: { code: "IDEMPOTENCY_IN_PROGRESS" } } };
      if (c.body.n === 3) return { status: 409, body: { error: { code: "ILLEGAL_TRANSITION" } } };
      return ok(c);
    });
    const poster = new HubPoster({ batch: true, delayMs: 10 });
    const answers = await Promise.all([1, 2, 3, 4].map((n) => poster.post(h!.url, "k", p(n), { n })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 409, 200]);
    const of = (n: number) => h!.seen.filter((s) => s.body.n === n);
    expect(of(1)).toHaveLength(2);
    expect(of(2)).toHaveLength(3);
    expect(of(3)).toHaveLength(1);
    expect(of(4)).toHaveLength(1);
    for (const n of [1, 2]) expect(new Set(of(n).map((s) => s.key)).size).toBe(1);
    // the first round was one batch of four
    expect(h.batches[0]).toBe(4);
  });

  it("when the envelope is refused with 5xx, every item is retried; they stop when keepTrying says so", async () => {
    let refuse = true;
    h = await hub(ok, { envelope: () => (refuse ? { status: 503, body: { error: { code: "SERVICE_UNAVAILABLE" } } } : undefined) });
    const poster = new HubPoster({ batch: true, delayMs: 20 });
    const pending = [1, 2].map((n) => poster.post(h!.url, "k", p(n), { n }));
    setTimeout(() => (refuse = false), 30);
    expect((await Promise.all(pending)).map((a) => a.status)).toEqual([200, 200]);
    expect(h.seen.map((s) => s.body.n).sort()).toEqual([1, 2]);

    refuse = true;
    let tries = 0;
    const stopping = await Promise.all([3, 4].map((n) => poster.post(h!.url, "k", p(n), { n }, () => ++tries < 3)));
    expect(stopping.map((a) => a.status)).toEqual([503, 503]);
  });

  it("answers status 0 when the hub cannot be reached, after its attempts", async () => {
    h = await hub(ok);
    const url = h.url;
    await h.close();
    h = undefined;
    const poster = new HubPoster({ batch: true, attempts: 2, delayMs: 5 });
    const answers = await Promise.all([1, 2].map((n) => poster.post(url, "k", p(n), { n })));
    expect(answers.map((a) => a.status)).toEqual([0, 0]);
    expect(answers[0].body.error).toMatch(/ECONNREFUSED/);
  });

  it("sends everything alone to a hub without the batch route (404), from then on", async () => {
    h = await hub(ok, { batchRoute: false });
    const poster = new HubPoster({ batch: true });
    const first = await Promise.all([1, 2].map((n) => poster.post(h!.url, "k", p(n), { n })));
    expect(first.map((a) => a.body.echo)).toEqual([1, 2]);
    const before = h.counts().requests;
    await Promise.all([3, 4].map((n) => poster.post(h!.url, "k", p(n), { n })));
    expect(h.counts().requests - before).toBe(2); // no batch tried again
    expect(h.seen.map((s) => s.batch)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("with batching off, sends each post alone", async () => {
    h = await hub(ok);
    const poster = new HubPoster({ batch: false });
    expect(poster.batching).toBe(false);
    await Promise.all([1, 2, 3].map((n) => poster.post(h!.url, "k", p(n), { n })));
    expect(h.batches).toEqual([]);
    expect(h.seen).toHaveLength(3);
  });

  it("reuses its connections (keep-alive)", async () => {
    h = await hub(ok);
    const poster = new HubPoster({ batch: false });
    for (let i = 0; i < 5; i++) await poster.post(h.url, "k", p(i), { n: i });
    expect(h.counts()).toEqual({ requests: 5, connections: 1 });
  });
});

describe("HubLink (the simulators' front)", () => {
  it("posts to the hub it was set to, with its key, batching by default", async () => {
    h = await hub(ok);
    const link = new HubLink(undefined, undefined, { batch: true });
    link.set(`${h.url}/`, "key-x");
    expect(link.url).toBe(h.url);
    expect(link.batching).toBe(true);
    const answers = await Promise.all([1, 2].map((n) => link.post(p(n), { n }, () => true)));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(h.batches).toEqual([2]);
    expect(h.seen.every((s) => s.apiKey === "key-x")).toBe(true);
  });

  it("takes its default from SIM_HUB_BATCH", () => {
    expect(batchFromEnv(undefined)).toEqual({ windowMs: 20 });
    expect(batchFromEnv("on")).toEqual({ windowMs: 20 });
    expect(batchFromEnv("0")).toEqual({ windowMs: 0 });
    expect(batchFromEnv("off")).toBe(false);
    expect(batchFromEnv("5")).toEqual({ windowMs: 5 });
    expect(() => batchFromEnv("sometimes")).toThrow(/SIM_HUB_BATCH/);
    const saved = process.env.SIM_HUB_BATCH;
    process.env.SIM_HUB_BATCH = "off";
    try {
      expect(new HubLink("http://hub").batching).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.SIM_HUB_BATCH;
      else process.env.SIM_HUB_BATCH = saved;
    }
  });
});

describe("retryable", () => {
  it("is what postJson retries", () => {
    expect(retryable({ status: 0, body: null })).toBe(true);
    expect(retryable({ status: 500, body: null })).toBe(true);
    expect(retryable({ status: 503, body: null })).toBe(true);
    expect(retryable({ status: 409, body: { error: { code: "IDEMPOTENCY_IN_PROGRESS" } } })).toBe(true);
    expect(retryable({ status: 409, body: { error: { code: "ILLEGAL_TRANSITION" } } })).toBe(false);
    expect(retryable({ status: 404, body: null })).toBe(false);
    expect(retryable({ status: 200, body: null })).toBe(false);
  });
});

describe("the simulator tests' stand-in hubs take the batch route", () => {
  it("fake-hub.testkit records each item as the call it stands for and answers it", async () => {
    const fake = await startFakeHub((path, body) => ({ status: path.endsWith("/T2/accept") ? 404 : 200, body: { got: body.n } }));
    try {
      const link = new HubLink(fake.url, "key-f", { batch: true });
      const answers = await Promise.all([1, 2, 3].map((n) => link.post(p(n), { n }, () => true)));
      expect(answers).toEqual([
        { status: 200, body: { got: 1 } },
        { status: 404, body: { got: 2 } },
        { status: 200, body: { got: 3 } },
      ]);
      expect(fake.batches).toEqual([3]);
      expect(fake.calls).toEqual([1, 2, 3].map((n) => ({ path: p(n), apiKey: "key-f", body: { n } })));
    } finally {
      await fake.close();
    }
  });

  it("bureau hubStub runs each item through the spec's own route", async () => {
    const stub = await hubStub(police);
    try {
      const link = new HubLink(stub.url, "demo-police-key", { batch: true });
      const answers = await Promise.all([
        link.post("/api/v1/police/notices/NT-1/receipt", { qsr: "王建国" }, () => true),
        link.post("/api/v1/police/notices/NT-2/receipt", { qssj: "不是时间" }, () => true),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 422]);
      expect(stub.calls.map((c) => [c.path, c.status, c.action])).toEqual([
        ["/api/v1/police/notices/NT-1/receipt", 200, "sanctions.noticeReceipt"],
        ["/api/v1/police/notices/NT-2/receipt", 422, undefined],
      ]);
    } finally {
      await stub.stop();
    }
  });
});
