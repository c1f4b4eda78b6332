/**
 * POST /api/v1/batch on real NATS (JetStream) and PostgreSQL: many messages from one system in one
 * request, each answered exactly as the request it stands for would have been alone — a receipt
 * accepted, a contract error, a route the key may not call, a notice that does not exist and a
 * path that is no route — each kept raw under its own path; the same batch again changes nothing
 * (each item's Idempotency-Key); a receipt and a feedback on one notice run in item order; the
 * envelope itself refused like any other body (401, 415, 400, 422, 413) and kept.
 */
import { allSchemas } from "../contracts";
import { sampleDecisions } from "../adapters/enforcement/simulator";
import type { BureauSimulator } from "../kit/bureau";
import { type Answer, http, KEYS, startProductionHub, type TestHub, waitFor } from "./harness";

jest.setTimeout(120_000);

const MAX_BODY_BYTES = 32_768;
let hub: TestHub;
let noticeId: string;
let otherNoticeId: string;

const bureau = (s: string) => (hub.sims as unknown as Record<string, BureauSimulator>)[s];
const engineer = (path: string) => http(hub.url + path, { key: KEYS.engineer });
const batch = (body: unknown, key: string | null = KEYS.police) => http(`${hub.url}/api/v1/batch`, { key: key ?? undefined, body });
const example = (id: string) => (allSchemas().find((s) => s.id === id)!.schema.examples as unknown[])[0] as Record<string, unknown>;
/** an error body without its inboundId (each request is kept under its own) */
const sansId = (b: any) => {
  const { inboundId: _id, ...error } = b.error;
  return { error };
};
const policeNotices = async () => (await engineer("/api/v1/notices?bureau=police&limit=500")).body.items as { id: string; bureau: string; status: string }[];

beforeAll(async () => {
  hub = await startProductionHub({ LOG_LEVEL: "error", MAX_BODY_BYTES: String(MAX_BODY_BYTES), NOTICE_SWEEP_CRON: "0 0 1 1 *" });
  // the bureaus stay silent: the receipts and feedback below are the test's own
  for (const b of ["police", "housing", "transport"]) bureau(b).setBehaviour("*", { silent: true });
  // two construction-waste companies, five penalties each: notices to the police about both
  const samples = sampleDecisions(new Date());
  for (const s of samples.slice(0, 5)) expect((await http(`${hub.url}/api/v1/sanctions`, { key: KEYS.enforcement, body: s })).status).toBe(202);
  const notices = await waitFor("a police notice", async () => {
    const xs = await policeNotices();
    return xs.length >= 1 && xs;
  });
  noticeId = notices[0].id;
  otherNoticeId = `${noticeId}-NONE`;
});
afterAll(async () => hub?.stop());

async function kept(inboundId: string) {
  const m = await engineer(`/api/v1/inbound/${encodeURIComponent(inboundId)}`);
  expect(m.status).toBe(200);
  return m.body;
}

describe("POST /api/v1/batch: each item as the request it stands for", () => {
  const receipt = { qsr: "王建国", qsrjh: "040123", qsdw: "常州市公安局交通警察支队", qssj: new Date().toISOString() };
  const items = () => [
    { method: "POST", path: `/api/v1/police/notices/${noticeId}/receipt`, idempotencyKey: "e2e-batch-receipt-1", body: receipt },
    { method: "POST", path: `/api/v1/police/notices/${noticeId}/receipt`, body: { qssj: "昨天下午" } },
    { method: "POST", path: `/api/v1/housing/notices/${noticeId}/receipt`, body: {} },
    { method: "POST", path: `/v1/police/notices/${otherNoticeId}/receipt`, body: { qsr: "李四" } },
    { method: "POST", path: "/api/v1/police/nowhere", body: { qsr: "王五" } },
  ];
  let first: Answer;

  it("answers 200 with one result per item, in item order, each as the single request is answered", async () => {
    first = await batch({ items: items() });
    expect(first.status).toBe(200);
    const results = first.body.results as { status: number; body: any; inboundId?: string }[];
    expect(results.map((r) => r.status)).toEqual([200, 422, 403, 404, 404]);
    expect(results[0].body).toEqual({ noticeId, status: expect.any(String) });
    expect(results[1].body.error.code).toBe("VALIDATION_FAILED");
    expect(results[1].body.error.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/qssj"]);
    expect(results[2].body.error.code).toBe("FORBIDDEN");
    expect(results.every((r) => typeof r.inboundId === "string")).toBe(true);
    for (const r of results.slice(1)) expect(r.body.error.inboundId).toBe(r.inboundId);

    // the same requests alone
    const alone = (i: number, extra: { headers?: Record<string, string> } = {}) => {
      const it = items()[i];
      return http(hub.url + (it.path.startsWith("/api/") ? it.path : `/api${it.path}`), { key: KEYS.police, body: it.body, ...extra });
    };
    // the receipt: its Idempotency-Key has the scope it would have had alone — the single request is answered with the first answer
    const replay = await alone(0, { headers: { "idempotency-key": "e2e-batch-receipt-1" } });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(results[0].body);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    for (const i of [1, 2, 3, 4]) {
      const single = await alone(i);
      expect({ i, status: single.status, body: sansId(single.body) }).toEqual({ i, status: results[i].status, body: sansId(results[i].body) });
    }
  });

  it("keeps every item's raw message under its own path, with its outcome", async () => {
    const results = first.body.results as { status: number; inboundId: string }[];
    const sent = items();
    const rows = await Promise.all(results.map((r) => kept(r.inboundId)));
    expect(rows.map((m) => [m.system, m.kind, m.outcome, m.httpStatus, m.role])).toEqual([
      ["police", "notice-receipt", "accepted", 200, "police"],
      ["police", "notice-receipt", "rejected", 422, "police"],
      ["housing", "notice-receipt", "rejected", 403, "police"],
      ["police", "notice-receipt", "rejected", 404, "police"],
      ["batch", "unknown", "rejected", 404, "police"],
    ]);
    rows.forEach((m, i) => {
      expect(m.path).toBe(sent[i].path.startsWith("/api/") ? sent[i].path : `/api${sent[i].path}`);
      expect(m.body).toBe(JSON.stringify(sent[i].body));
      expect(m.bodyBytes).toBe(Buffer.byteLength(JSON.stringify(sent[i].body)));
      expect(m.headers["x-batch-item"]).toBe(`${i + 1}/5`);
      expect(Object.keys(m.headers)).not.toContain("x-api-key");
    });
    expect(rows[0].headers["idempotency-key"]).toBe("e2e-batch-receipt-1");
    expect(rows[1].headers["idempotency-key"]).toBeUndefined();
    expect(rows[1].errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/qssj"]);
    expect(rows[2].errorCode).toBe("FORBIDDEN");
  });

  it("runs a receipt and a feedback on one notice in item order; the same batch again changes nothing", async () => {
    const before = (await policeNotices()).find((n) => n.id === noticeId)!;
    const feedback = example("tongguan:police/feedback");
    const twice = {
      items: [
        { method: "POST", path: `/api/v1/police/notices/${noticeId}/receipt`, idempotencyKey: "e2e-batch-receipt-2", body: { qsr: "王建国" } },
        { method: "POST", path: `/api/v1/police/notices/${noticeId}/feedback`, idempotencyKey: "e2e-batch-feedback-2", body: feedback },
      ],
    };
    const a = await batch(twice);
    expect(a.status).toBe(200);
    expect(a.body.results.map((r: { status: number }) => r.status)).toEqual([200, 200]);
    // signed (签收) by the first test's batch, then the feedback (措施落实) after this one's receipt
    expect(before.status).toBe("received");
    const after = (await policeNotices()).find((n) => n.id === noticeId)!;
    expect(after.status).toBe("done");
    const b = await batch(twice);
    expect(b.status).toBe(200);
    expect(b.body.results.map((r: { status: number; body: unknown }) => [r.status, r.body])).toEqual(a.body.results.map((r: { status: number; body: unknown }) => [r.status, r.body]));
    // answered from the stored answers: kept as duplicates, the notice as it was
    const rows = await Promise.all(b.body.results.map((r: { inboundId: string }) => kept(r.inboundId)));
    expect(rows.map((m) => m.outcome)).toEqual(["duplicate", "duplicate"]);
    expect((await policeNotices()).find((n) => n.id === noticeId)).toEqual(after);
    const record = await engineer(`/api/v1/inbound?system=police&limit=200`);
    const feedbacks = (record.body.items as { path: string; outcome: string }[]).filter((m) => m.path.endsWith(`${noticeId}/feedback`));
    expect(feedbacks.map((m) => m.outcome).sort()).toEqual(["accepted", "duplicate"]);
  });
});

describe("POST /api/v1/batch: the envelope refused like any body, and kept", () => {
  async function refusedAndKept(a: Answer, status: number, code: string, role: string | null) {
    expect(a.status).toBe(status);
    expect(a.body.error.code).toBe(code);
    expect(a.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    const m = await kept(a.body.error.inboundId);
    expect([m.system, m.kind, m.outcome, m.httpStatus, m.errorCode, m.role, m.path]).toEqual(["batch", "batch", "rejected", status, code, role, "/api/v1/batch"]);
    return m;
  }
  const one = { method: "POST", path: `/api/v1/police/notices/X/receipt`, body: {} };

  it("401 without a key or with an unknown one", async () => {
    await refusedAndKept(await batch({ items: [one] }, null), 401, "UNAUTHORIZED", null);
    await refusedAndKept(await batch({ items: [one] }, "e2e-no-such-key-000000000"), 401, "UNAUTHORIZED", null);
  });

  it("415 for another content type, 400 for text that is not JSON", async () => {
    const raw = JSON.stringify({ items: [one] });
    const m = await refusedAndKept(await http(`${hub.url}/api/v1/batch`, { key: KEYS.police, raw, contentType: "text/plain" }), 415, "UNSUPPORTED_MEDIA_TYPE", "police");
    expect(m.body).toBe(raw);
    await refusedAndKept(await http(`${hub.url}/api/v1/batch`, { key: KEYS.police, raw: '{"items": [' }), 400, "INVALID_JSON", "police");
  });

  it("422 naming each field when the envelope does not fit the batch contract (no items, more than 500, an item without path or body)", async () => {
    const empty = await refusedAndKept(await batch({ items: [] }), 422, "VALIDATION_FAILED", "police");
    expect(empty.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/items"]);
    const bad = await refusedAndKept(await batch({ items: [{ method: "GET", path: "x", body: {} }, { method: "POST" }], extra: 1 }), 422, "VALIDATION_FAILED", "police");
    expect(bad.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/extra", "/items/0/method", "/items/0/path", "/items/1/body", "/items/1/path"]);
    const many = await batch({ items: Array.from({ length: 501 }, () => ({ method: "POST", path: "/x", body: 0 })) });
    expect(many.status).toBe(422);
    expect(many.body.error.errors[0].pointer).toBe("/items");
  });

  it("413 for an envelope over MAX_BODY_BYTES", async () => {
    const big = { items: [{ ...one, body: { qsr: "王".repeat(MAX_BODY_BYTES) } }] };
    const a = await batch(big);
    expect(a.status).toBe(413);
    expect(a.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("POST /api/v1/batch: many items at once", () => {
  it("answers a hundred items, each on its own and kept under its own id", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `NT-BULK-${i}`);
    const items = ids.flatMap((id) => [
      { method: "POST", path: `/api/v1/police/notices/${id}/receipt`, idempotencyKey: `bulk-r-${id}`, body: { qsr: "王建国" } },
      { method: "POST", path: `/api/v1/police/notices/${id}/feedback`, idempotencyKey: `bulk-f-${id}`, body: { fkqk: "已落实" } },
    ]);
    const a = await batch({ items });
    expect(a.status).toBe(200);
    const results = a.body.results as { status: number; body: any; inboundId: string }[];
    expect(results).toHaveLength(100);
    // none of these notices exists: each answered 404 naming its own notice
    results.forEach((r, i) => {
      expect(r.status).toBe(404);
      expect(r.body.error.message).toContain(ids[Math.floor(i / 2)]);
    });
    expect(new Set(results.map((r) => r.inboundId)).size).toBe(100);
  });

  it("handles the items of one resource one after the other: the same key twice is a replay, not a request still in progress", async () => {
    const it = { method: "POST", path: `/api/v1/police/notices/${noticeId}/receipt`, idempotencyKey: "e2e-batch-same-key", body: { qsr: "赵六" } };
    const a = await batch({ items: [it, it, it] });
    expect(a.body.results.map((r: { status: number }) => r.status)).toEqual([200, 200, 200]);
    const rows = await Promise.all(a.body.results.map((r: { inboundId: string }) => kept(r.inboundId)));
    expect(rows.map((m) => m.outcome)).toEqual(["accepted", "duplicate", "duplicate"]);
  });

  it("sends PostgreSQL far fewer statements for a batch of N items than N requests alone", async () => {
    // the intake's and the receipts' statements, counted as the hub sends them (one round trip each)
    const pg = require("pg") as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };
    const query = pg.Client.prototype.query;
    let counted = 0;
    pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      const q = args[0] as string | { text?: string } | undefined;
      const text = (typeof q === "string" ? q : (q?.text ?? "")).replace(/\s+/g, " ").trim();
      if (/^(INSERT INTO inbound_messages|INSERT INTO idempotency_keys|UPDATE notices n SET status)/.test(text)) counted++;
      return query.apply(this, args);
    };
    const N = 40;
    const item = (i: number, run: string) => ({ method: "POST", path: `/api/v1/police/notices/NT-COUNT-${run}-${i}/receipt`, idempotencyKey: `count-${run}-${i}`, body: { qsr: "王建国" } });
    try {
      for (let i = 0; i < N; i++) {
        const x = item(i, "alone");
        const r = await http(hub.url + x.path, { key: KEYS.police, body: x.body, headers: { "idempotency-key": x.idempotencyKey } });
        expect(r.status).toBe(404);
      }
      const alone = counted;
      counted = 0;
      const a = await batch({ items: Array.from({ length: N }, (_, i) => item(i, "batch")) });
      expect(a.body.results.every((r: { status: number }) => r.status === 404)).toBe(true);
      const together = counted;
      // alone: a key claimed, a receipt written, the message kept — three round trips each
      expect(alone).toBe(3 * N);
      // together: concurrent items share each group-committed statement (≈ 11 for 40 items when measured)
      expect(together).toBeLessThan(alone / 4);
    } finally {
      pg.Client.prototype.query = query;
    }
  });
});
