/**
 * Defects from the issue, each seen the way a caller sees it, through HTTP on the real hub
 * (NATS + PostgreSQL, the default MAX_BODY_BYTES of 1 MiB):
 *   1. a valid body larger than RAW_KEEP_BYTES is accepted (the capped copy is only what is kept).
 *      No valid 12345 work order reaches the default 64 KiB (every text field at its maximum,
 *      non-ASCII escaped, is ~65,200 bytes), so this hub keeps RAW_KEEP_BYTES=1024;
 *   4. the 413 message states the body's size and the limit;
 *   5. the case list's query parameters are checked (422 per parameter, Chinese messages);
 *   7. flow health gives the last inbound time in ISO 8601;
 *   and GET /api/v1/meta gives the console its vocabulary.
 */
import http from "node:http";
import { startProductionHub, type TestHub, http as call, waitFor, KEYS } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";
import type { WorkOrder12345 } from "../contracts/types";

jest.setTimeout(60_000);

const MAX_BODY_BYTES = 1024 * 1024; // the default
const RAW_KEEP_BYTES = 1024;
const API_MAX_BODY_BYTES = 256 * 1024;
const WO = "/api/v1/hotline12345/work-orders";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LATIN_WORD = /[A-Za-z]{3,}/;

let hub: TestHub;

beforeAll(async () => {
  hub = await startProductionHub({ LOG_LEVEL: "error", RAW_KEEP_BYTES: String(RAW_KEEP_BYTES) });
});

afterAll(async () => {
  await hub?.stop();
});

const order = (i: number, orderNo: string): WorkOrder12345 => ({ ...fromSample(loadSamples()[i], new Date()), orderNo });
/** JSON with every non-ASCII character escaped (\uXXXX), as Python's json.dumps and Jackson's ESCAPE_NON_ASCII write it. */
const asciiJson = (v: unknown) => JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
/** Chinese text of exactly n characters. */
const zh = (n: number, seed: string) => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

/** POST a body with no Content-Length (chunked), as a streaming client sends it. */
function postChunked(url: string, key: string, total: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    req.write('{"content": "');
    pump();
  });
}

describe("1. a valid body larger than RAW_KEEP_BYTES", () => {
  /** the kept copy of the work order that opened `caseId` */
  const keptFor = async (caseId: string) => {
    const kept = await call(`${hub.url}/api/v1/inbound?caseId=${caseId}`, { key: KEYS.engineer });
    expect(kept.status).toBe(200);
    return kept.body.items.find((x: { kind: string }) => x.kind === "work-order");
  };

  it("accepts a work order with a long appeal (202), parses all of it, and keeps a capped copy marked truncated", async () => {
    const o = { ...order(0, "CZBIG0000000001"), content: zh(3000, "来电人反映南大街与延陵中路交叉口东侧人行道每天早上有早餐流动摊点占道经营，油烟大，行人只能走机动车道。") };
    const raw = JSON.stringify(o);
    const size = Buffer.byteLength(raw);
    expect(size).toBeGreaterThan(RAW_KEEP_BYTES);

    const a = await call(hub.url + WO, { key: KEYS.hotline12345, raw });
    expect({ status: a.status, body: a.body }).toEqual({ status: 202, body: { caseId: expect.any(String) } });

    // the whole order reached the case, not the part that is kept
    const c = (await call(`${hub.url}/api/v1/cases/${a.body.caseId}`, { key: KEYS.agent })).body;
    expect(c.content).toBe(o.content);
    expect(c.title).toBe(o.title);

    // engineers read the capped copy, marked truncated, with the full size
    const m = await keptFor(a.body.caseId);
    expect(m).toMatchObject({ outcome: "accepted", httpStatus: 202, truncated: true, bodyBytes: size });
    expect(Buffer.byteLength(m.body)).toBeLessThanOrEqual(RAW_KEEP_BYTES);
    expect(Buffer.byteLength(m.body)).toBeGreaterThan(RAW_KEEP_BYTES - 4); // cut at a character boundary
    expect(raw.startsWith(m.body)).toBe(true);
  });

  it("accepts the largest legitimate 12345 work order (every text at its maximum, non-ASCII escaped as Python's json.dumps writes it)", async () => {
    const no = "CZBIG0000000002";
    const base = order(0, no);
    const big: WorkOrder12345 = {
      ...base,
      channel: zh(32, "市民服务热线电话渠道"),
      category: [zh(50, "城乡建设"), zh(50, "市容管理"), zh(50, "占道经营"), zh(50, "早餐摊点")],
      title: zh(200, "南大街商业街早餐摊占用人行道"),
      content: zh(10_000, "来电人反映每天早上6点到9点南大街与延陵中路交叉口东侧人行道上有早餐流动摊点占道经营，油烟大、行人只能走机动车道，存在安全隐患，要求城管部门处理。"),
      address: zh(300, "常州市钟楼区南大街与延陵中路交叉口东侧人行道"),
      region: { ...base.region, city: zh(50, "常州市"), district: zh(50, "钟楼区"), street: zh(50, "南大街街道"), community: zh(80, "南大街社区") },
      caller: { ...base.caller, name: zh(50, "王女士") },
    };
    const raw = asciiJson(big);
    const size = Buffer.byteLength(raw);
    expect(size).toBeGreaterThan(60_000);
    expect(size).toBeLessThan(MAX_BODY_BYTES);

    const a = await call(hub.url + WO, { key: KEYS.hotline12345, raw });
    expect({ status: a.status, body: a.body }).toEqual({ status: 202, body: { caseId: expect.any(String) } });
    const c = (await call(`${hub.url}/api/v1/cases/${a.body.caseId}`, { key: KEYS.agent })).body;
    expect(c.content).toBe(big.content);
    const m = await keptFor(a.body.caseId);
    expect(m).toMatchObject({ truncated: true, bodyBytes: size, body: raw.slice(0, RAW_KEEP_BYTES) });
  });
});

describe("4. the 413 message", () => {
  it("states the body's size (Content-Length) and the limit, not how much was read before stopping", async () => {
    const o = order(1, "CZBIG0000000002");
    const raw = JSON.stringify(Object.assign({ content: "" }, o, { content: "y".repeat(6 * MAX_BODY_BYTES) }));
    const size = Buffer.byteLength(raw);
    const a = await call(hub.url + WO, { key: KEYS.hotline12345, raw });
    expect(a.status).toBe(413);
    expect(a.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(a.body.error.message).toBe(`请求体过大：${size} 字节，上限为 ${MAX_BODY_BYTES} 字节`);
    expect(a.body.error.messageEn).toBe(`the body is ${size} bytes, over the ${MAX_BODY_BYTES}-byte limit`);
    expect(typeof a.body.error.inboundId).toBe("string");
    // the unread rest of that body must not be taken for the caller's next request
    const next = await call(`${hub.url}/api/v1/meta`, { key: KEYS.hotline12345 });
    expect(next.status).toBe(200);
  });

  it("says 'at least' what was read when the body comes without a Content-Length", async () => {
    const a = await postChunked(hub.url + WO, KEYS.hotline12345, 2 * MAX_BODY_BYTES);
    expect(a.status).toBe(413);
    const m = /^请求体过大：至少 (\d+) 字节，上限为 (\d+) 字节$/.exec(a.body.error.message);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(MAX_BODY_BYTES);
    expect(Number(m![2])).toBe(MAX_BODY_BYTES);
    expect(a.body.error.messageEn).toMatch(/^the body is at least \d+ bytes, over the 1048576-byte limit$/);
  });

  it("states the agents' API limit on an oversize command", async () => {
    const raw = JSON.stringify({ unitId: "CZ-ZL-CGJ", reason: "y".repeat(300_000) });
    const a = await call(`${hub.url}/api/v1/cases/TG-ANY/reassign`, { key: KEYS.agent, raw });
    expect(a.status).toBe(413);
    expect(a.body.error.message).toBe(`请求体过大：${Buffer.byteLength(raw)} 字节，上限为 ${API_MAX_BODY_BYTES} 字节`);
  });
});

describe("5. query parameters of the case list", () => {
  const list = (qs: string) => call(`${hub.url}/api/v1/cases?${qs}`, { key: KEYS.agent });

  beforeAll(async () => {
    // one case dispatched by the rules, one no rule owns (left in triage)
    expect((await call(hub.url + WO, { key: KEYS.hotline12345, body: order(0, "CZQRY0000000001") })).status).toBe(202);
    const unowned = { ...order(1, "CZQRY0000000002"), category: ["未知大类", "未知小类"], title: "咨询", content: "来电人咨询相关政策，希望有人回电说明。" };
    expect((await call(hub.url + WO, { key: KEYS.hotline12345, body: unowned })).status).toBe(202);
  });

  it("answers status=FOO 422, naming the parameter and every allowed status, in Chinese", async () => {
    const a = await list("status=FOO");
    expect(a.status).toBe(422);
    expect(a.body.error.code).toBe("VALIDATION_FAILED");
    expect(a.body.error.message).toBe("查询参数不合法，共 1 处错误");
    expect(a.body.error.messageEn).toMatch(/query/);
    expect(a.body.error.errors).toHaveLength(1);
    const e = a.body.error.errors[0];
    expect(e.pointer).toBe("/query/status");
    expect(e.message).toContain("「FOO」");
    for (const [s, label] of Object.entries({
      RECEIVED: "已受理",
      TRIAGE: "待人工分拨",
      DISPATCHED: "已派单待签收",
      IN_PROGRESS: "办理中",
      REPLIED: "已回复待回访",
      ARCHIVED: "已办结归档",
      RETURNED: "已退单",
    }))
      expect(e.message).toContain(`${s}（${label}）`);
    expect(e.messageEn).toMatch(/must be one of RECEIVED, TRIAGE/);
    expect(a.body.items).toBeUndefined();
  });

  it("answers pageSize=1000 422 with a Chinese message for that parameter", async () => {
    const a = await list("pageSize=1000");
    expect(a.status).toBe(422);
    expect(a.body.error.errors).toEqual([{ pointer: "/query/pageSize", message: "「每页条数」（pageSize）不能大于 200，收到 1000", messageEn: "must be <= 200, got 1000" }]);
    expect(a.body.error.message.replace(/[\d ]/g, "")).not.toMatch(LATIN_WORD);
  });

  it("answers every bad parameter at once: a typo, a date, a boolean", async () => {
    const a = await list("stauts=TRIAGE&from=yesterday&overdue=yes");
    expect(a.status).toBe(422);
    expect(a.body.error.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/query/from", "/query/overdue", "/query/stauts"]);
    for (const e of a.body.error.errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it("answers status=TRIAGE,DISPATCHED 200 with only those cases", async () => {
    const a = await list("status=TRIAGE,DISPATCHED&pageSize=200");
    expect(a.status).toBe(200);
    const statuses = new Set(a.body.items.map((c: { status: string }) => c.status));
    expect(statuses.size).toBeGreaterThan(0);
    for (const s of statuses) expect(["TRIAGE", "DISPATCHED"]).toContain(s);
    const triage = await list("status=TRIAGE");
    expect(triage.status).toBe(200);
    expect(triage.body.items.map((c: { origin: { externalId: string } }) => c.origin.externalId)).toContain("CZQRY0000000002");
    expect((await list("status=ARCHIVED&overdue=false&page=1")).status).toBe(200);
  });

  it("checks the engineers' lists too (inbound limit, outbox status)", async () => {
    const inbound = await call(`${hub.url}/api/v1/inbound?limit=1000`, { key: KEYS.engineer });
    expect(inbound.status).toBe(422);
    expect(inbound.body.error.errors[0].pointer).toBe("/query/limit");
    const outbox = await call(`${hub.url}/api/v1/outbox?status=lost`, { key: KEYS.engineer });
    expect(outbox.status).toBe(422);
    expect(outbox.body.error.errors[0].message).toContain("pending");
    expect((await call(`${hub.url}/api/v1/outbox?status=pending,dead&limit=10`, { key: KEYS.engineer })).status).toBe(200);
  });
});

describe("7. flow health", () => {
  it("gives inbound.lastReceivedAt in ISO 8601", async () => {
    await waitFor("an inbound message", async () => (await call(`${hub.url}/api/v1/inbound?limit=1`, { key: KEYS.engineer })).body.items?.length > 0);
    const a = await call(`${hub.url}/api/v1/flow`, { key: KEYS.engineer });
    expect(a.status).toBe(200);
    expect(a.body.inbound.lastReceivedAt).toMatch(ISO);
    expect(Math.abs(Date.parse(a.body.inbound.lastReceivedAt) - Date.now())).toBeLessThan(120_000);
    expect(a.body.at).toMatch(ISO);
  });
});

describe("GET /api/v1/meta", () => {
  it("gives any valid key the console's vocabulary", async () => {
    for (const key of [KEYS.agent, KEYS.engineer, KEYS.hotline12345]) {
      const a = await call(`${hub.url}/api/v1/meta`, { key });
      expect(a.status).toBe(200);
      expect(Object.keys(a.body).sort()).toEqual(["actions", "commands", "eventTypes", "outcomes", "overdueStatuses", "satisfaction", "statuses", "systems"]);
      expect(a.body.statuses[1]).toEqual({ value: "TRIAGE", label: "待人工分拨" });
      expect(a.body.outcomes[3]).toEqual({ value: 3, label: "不办理退单" });
      expect(a.body.actions.TRIAGE.map((x: { action: string }) => x.action)).toContain("assign");
      expect(a.body.actions.ARCHIVED).toEqual([]);
      expect(a.body.eventTypes.find((e: { value: string }) => e.value === "ROUTED").label).toMatch(/[\u4e00-\u9fff]/);
      expect(a.body.systems.map((s: { system: string }) => s.system)).toContain("hotline12345");
    }
    expect((await call(`${hub.url}/api/v1/meta`)).status).toBe(401);
  });
});
