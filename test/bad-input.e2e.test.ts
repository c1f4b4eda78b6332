/**
 * Bad input on real NATS (JetStream) and PostgreSQL: what a caller and an integration engineer
 * see when a request is refused. Every refusal answers the ErrorResponse shape with Chinese and
 * English messages, is kept raw under an inbound id engineers can read (never with the API key),
 * and leaves no case behind. Idempotency-Key replays, business refusals (404/409) and the
 * published API description are checked here too.
 */
import { Client } from "pg";
import { startProductionHub, type TestHub, http, waitFor, KEYS, API_KEYS, type Answer } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";
import type { WorkOrder12345 } from "../contracts/types";
import type { GridSimulator } from "../adapters/grid/simulator";

jest.setTimeout(60_000);

const MAX_BODY_BYTES = 4096;
const RAW_KEEP_BYTES = 2048;
/** a key for one unit only (role unit.<unitId>) */
const NDJ = "CZ-ZL-NDJ-JD"; // 钟楼区南大街街道办事处
const CGJ = "CZ-ZL-CGJ"; // 钟楼区城市管理局
const NDJ_KEY = "e2e-unit-ndj-key-000000000";

let hub: TestHub;

beforeAll(async () => {
  hub = await startProductionHub({
    API_KEYS: `${API_KEYS},unit.${NDJ}:${NDJ_KEY}`,
    LOG_LEVEL: "error", // refusals are expected here; their warnings would drown the report
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    RAW_KEEP_BYTES: String(RAW_KEEP_BYTES),
    // 12345 never calls back on its own here: the tests post every 回访 themselves
    SIM_CALLBACK_DELAY_MS: "600000",
  });
  // units record their tasks and never answer: cases stay where the tests put them
  hub.sims.unit!.setBehaviour("*", { silent: true });
  // and so do the streets that work through the grid system (南大街街道 …)
  (hub.sims as unknown as { grid: GridSimulator }).grid.setBehaviour("*", { silent: true });
});

afterAll(async () => {
  await hub?.stop();
});

const samples = () => loadSamples();
/** A valid work order from sample `i` under a new order number, times moved to now. */
function order(i: number, orderNo: string): WorkOrder12345 {
  return { ...fromSample(samples()[i], new Date()), orderNo };
}
const WO = "/api/v1/hotline12345/work-orders";
const getAs = (path: string, key: string) => http(hub.url + path, { key });
const engineer = (path: string) => getAs(path, KEYS.engineer);

/** Order numbers of every work order refused below: none may leave a case. */
const refusedOrderNos: string[] = [];
/** Order numbers of work orders deliberately accepted in this file. */
const acceptedOrderNos: string[] = [];

/** The refusal is answered as ErrorResponse and kept raw, as sent, for engineers. */
async function expectKept(a: Answer, want: { status: number; code: string; raw: string; contentType?: string; role: string | null; errors?: unknown[]; truncated?: boolean; key?: string }) {
  expect(a.status).toBe(want.status);
  expect(a.body.error.code).toBe(want.code);
  expect(a.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  expect(a.body.error.messageEn).toMatch(/[a-z]/i);
  const inboundId = a.body.error.inboundId;
  expect(typeof inboundId).toBe("string");
  const kept = await engineer(`/api/v1/inbound/${encodeURIComponent(inboundId)}`);
  expect(kept.status).toBe(200);
  const m = kept.body;
  expect(m.id).toBe(inboundId);
  expect(m.outcome).toBe("rejected");
  expect(m.httpStatus).toBe(want.status);
  expect(m.errorCode).toBe(want.code);
  expect(m.role).toBe(want.role);
  const sentBytes = Buffer.byteLength(want.raw);
  expect(m.bodyBytes).toBe(sentBytes);
  if (want.truncated) {
    expect(m.truncated).toBe(true);
    expect(Buffer.byteLength(m.body)).toBe(RAW_KEEP_BYTES);
    expect(m.body).toBe(Buffer.from(want.raw).subarray(0, RAW_KEEP_BYTES).toString("utf8"));
  } else {
    expect(m.truncated).toBe(false);
    expect(m.body).toBe(want.raw);
  }
  expect(m.headers["content-type"]).toBe(want.contentType ?? "application/json");
  if (want.errors) expect(m.errors).toEqual(want.errors);
  // the caller's secret is never stored
  expect(Object.keys(m.headers).map((h) => h.toLowerCase())).not.toContain("x-api-key");
  if (want.key) expect(JSON.stringify(m)).not.toContain(want.key);
  return m;
}

describe("bad input on the 12345 route: refused, explained, kept raw, nothing written", () => {
  it("lists every field error of a work order with JSON pointers and Chinese + English messages (422)", async () => {
    const bad: Record<string, unknown> = { ...order(0, "CZBAD0000000001"), appealType: "抱怨", foo: "bar" };
    delete bad.orderNo;
    (bad.region as Record<string, unknown>).districtCode = "32A404";
    const raw = JSON.stringify(bad);
    const a = await http(hub.url + WO, { key: KEYS.hotline12345, raw });
    expect(a.status).toBe(422);
    expect(a.body.error.code).toBe("VALIDATION_FAILED");
    const errors = a.body.error.errors as { pointer: string; message: string; messageEn: string }[];
    // a field the contract does not know (/foo) is ignored, never a reason to refuse (tolerant intake)
    expect(errors.map((e) => e.pointer).sort()).toEqual(["/appealType", "/orderNo", "/region/districtCode"]);
    for (const e of errors) {
      expect(e.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(e.messageEn).toMatch(/[a-z]/i);
    }
    expect(errors.find((e) => e.pointer === "/appealType")!.message).toContain("投诉");
    expect(errors.find((e) => e.pointer === "/orderNo")!.message).toBe("为必填项");
    expect(a.body.error.message).toContain("3");
    await expectKept(a, { status: 422, code: "VALIDATION_FAILED", raw, role: "hotline12345", errors, key: KEYS.hotline12345 });
  });

  it("answers malformed JSON 400 INVALID_JSON and keeps the text as sent", async () => {
    const raw = `{"orderNo": "CZBAD0000000002", "title": "未写完的工单",`;
    refusedOrderNos.push("CZBAD0000000002");
    const a = await http(hub.url + WO, { key: KEYS.hotline12345, raw });
    await expectKept(a, { status: 400, code: "INVALID_JSON", raw, role: "hotline12345" });
    expect(a.body.error.message).toContain("JSON");
  });

  it("answers a text/plain body 415 even when the text is a valid work order", async () => {
    const raw = JSON.stringify(order(1, "CZBAD0000000003"));
    refusedOrderNos.push("CZBAD0000000003");
    const a = await http(hub.url + WO, { key: KEYS.hotline12345, raw, contentType: "text/plain" });
    await expectKept(a, { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", raw, contentType: "text/plain", role: "hotline12345" });
    expect(a.body.error.message).toContain("application/json");
  });

  it("answers 401 without a key and with an unknown key, keeping the request", async () => {
    const raw1 = JSON.stringify(order(2, "CZBAD0000000004"));
    refusedOrderNos.push("CZBAD0000000004");
    const none = await http(hub.url + WO, { raw: raw1 });
    await expectKept(none, { status: 401, code: "UNAUTHORIZED", raw: raw1, role: null });
    expect(none.body.error.message).toContain("X-Api-Key");

    const raw2 = JSON.stringify(order(2, "CZBAD0000000005"));
    refusedOrderNos.push("CZBAD0000000005");
    const wrongKey = "e2e-no-such-key-0000000000";
    const unknown = await http(hub.url + WO, { key: wrongKey, raw: raw2 });
    await expectKept(unknown, { status: 401, code: "UNAUTHORIZED", raw: raw2, role: null, key: wrongKey });
  });

  it("answers 403 to another system's key on the 12345 route (units, agent, unit.<id>)", async () => {
    for (const [n, key, role] of [
      ["CZBAD0000000006", KEYS.units, "units"],
      ["CZBAD0000000007", KEYS.agent, "agent"],
      ["CZBAD0000000008", NDJ_KEY, `unit.${NDJ}`],
    ] as const) {
      const raw = JSON.stringify(order(3, n));
      refusedOrderNos.push(n);
      const a = await http(hub.url + WO, { key, raw });
      await expectKept(a, { status: 403, code: "FORBIDDEN", raw, role, key });
      expect(a.body.error.message).toContain(role);
    }
  });

  it("answers 403 to the 12345 key on a unit route and on the agents' case list", async () => {
    const raw = JSON.stringify({ acceptedAt: new Date().toISOString(), handler: "李四" });
    const onUnit = await http(`${hub.url}/api/v1/units/${NDJ}/tasks/TK-NONE/accept`, { key: KEYS.hotline12345, raw });
    await expectKept(onUnit, { status: 403, code: "FORBIDDEN", raw, role: "hotline12345", key: KEYS.hotline12345 });

    const list = await getAs("/api/v1/cases", KEYS.hotline12345);
    expect(list.status).toBe(403);
    expect(list.body.error.code).toBe("FORBIDDEN");
    expect(list.body.error.message).toContain("无权");
    expect(list.body.items).toBeUndefined();
  });

  it("lets a unit.<id> key call only its own unit's routes (403 on another unit's)", async () => {
    const raw = JSON.stringify({ acceptedAt: new Date().toISOString(), handler: "李四" });
    const other = await http(`${hub.url}/api/v1/units/${CGJ}/tasks/TK-NONE/accept`, { key: NDJ_KEY, raw });
    await expectKept(other, { status: 403, code: "FORBIDDEN", raw, role: `unit.${NDJ}`, key: NDJ_KEY });
    // its own route is open to it: the task simply does not exist
    const own = await http(`${hub.url}/api/v1/units/${NDJ}/tasks/TK-NONE/accept`, { key: NDJ_KEY, raw });
    expect(own.status).toBe(404);
    expect(own.body.error.code).toBe("NOT_FOUND");
    expect(own.body.error.message).toContain("TK-NONE");
  });

  it("answers a body over MAX_BODY_BYTES 413 and keeps it cut at RAW_KEEP_BYTES", async () => {
    const o = order(0, "CZBAD0000000009");
    refusedOrderNos.push(o.orderNo);
    // ASCII first, so the kept prefix is exactly RAW_KEEP_BYTES bytes of what was sent
    const big = Object.assign({ content: "" }, o, { content: "x".repeat(6000) });
    const raw = JSON.stringify(big);
    expect(Buffer.byteLength(raw)).toBeGreaterThan(MAX_BODY_BYTES);
    expect(Buffer.byteLength(raw)).toBeLessThan(MAX_BODY_BYTES * 2);
    const a = await http(hub.url + WO, { key: KEYS.hotline12345, raw });
    await expectKept(a, { status: 413, code: "PAYLOAD_TOO_LARGE", raw, role: "hotline12345", truncated: true, key: KEYS.hotline12345 });
    expect(a.body.error.message).toContain(String(MAX_BODY_BYTES));
  });

  it("still answers 413 (not a reset connection) to a body many times over the limit", async () => {
    const o = order(0, "CZBAD0000000010");
    refusedOrderNos.push(o.orderNo);
    const raw = JSON.stringify(Object.assign({ content: "" }, o, { content: "y".repeat(MAX_BODY_BYTES * 8) }));
    let a: Answer | undefined;
    let failure: string | undefined;
    try {
      a = await http(hub.url + WO, { key: KEYS.hotline12345, raw });
    } catch (e) {
      failure = `${(e as Error).message}: ${String((e as { cause?: unknown }).cause ?? "")}`;
    }
    expect(failure).toBeUndefined();
    expect(a!.status).toBe(413);
    expect(a!.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(typeof a!.body.error.inboundId).toBe("string");
  });

  it("lets only engineers read the kept messages (an agent key gets 403)", async () => {
    const asAgent = await getAs("/api/v1/inbound", KEYS.agent);
    expect(asAgent.status).toBe(403);
    expect(asAgent.body.error.code).toBe("FORBIDDEN");
    expect(asAgent.body.items).toBeUndefined();
    const one = await getAs("/api/v1/inbound/IN-ANY", KEYS.agent);
    expect(one.status).toBe(403);
    const asEngineer = await engineer("/api/v1/inbound?outcome=rejected&limit=200");
    expect(asEngineer.status).toBe(200);
    // every refusal above is there, none of them with the caller's key
    expect(asEngineer.body.items.length).toBeGreaterThanOrEqual(12);
    const all = JSON.stringify(asEngineer.body.items);
    for (const k of [KEYS.hotline12345, KEYS.units, KEYS.agent, NDJ_KEY]) expect(all).not.toContain(k);
  });
});

describe("Idempotency-Key on 回访 and 催办", () => {
  let repliedCase: string;
  let dispatchedCase: string;
  const REPLIED_NO = "CZIDEM000000001";
  const DISPATCHED_NO = "CZIDEM000000002";

  beforeAll(async () => {
    // one case brought to REPLIED by its unit (through the unit routes), one left DISPATCHED
    const r1 = await http(hub.url + WO, { key: KEYS.hotline12345, body: order(2, REPLIED_NO) });
    const r2 = await http(hub.url + WO, { key: KEYS.hotline12345, body: order(5, DISPATCHED_NO) });
    expect([r1.status, r2.status]).toEqual([202, 202]);
    acceptedOrderNos.push(REPLIED_NO, DISPATCHED_NO);
    repliedCase = r1.body.caseId;
    dispatchedCase = r2.body.caseId;
    const c = (await getAs(`/api/v1/cases/${repliedCase}`, KEYS.agent)).body;
    const task = c.tasks.find((t: { role: string }) => t.role === "owner");
    const base = `${hub.url}/api/v1/units/${task.unitId}/tasks/${task.id}`;
    expect((await http(`${base}/accept`, { key: KEYS.units, body: { handler: "王五" } })).status).toBe(200);
    expect((await http(`${base}/result`, { key: KEYS.units, body: { outcome: 0, text: "已安排清运，垃圾房已清空并消杀。" } })).status).toBe(200);
    await waitFor("12345 received the reply", async () => hub.sims.hotline12345!.order(REPLIED_NO)?.replies.length === 1, 10_000);
    // the unit's task must exist at the unit before it can be urged
    await waitFor("the unit received its task", async () => hub.sims.unit!.tasks().some((t) => t.caseId === dispatchedCase), 10_000);
  });

  it("answers a repeated 回访 with the same key with the first answer and archives once", async () => {
    const url = `${hub.url}${WO}/${REPLIED_NO}/callback`;
    const body = { satisfaction: 2, comment: "市民表示垃圾已清运，满意" };
    const headers = { "Idempotency-Key": "cb-0001" };
    const first = await http(url, { key: KEYS.hotline12345, body, headers });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ caseId: repliedCase, status: "ARCHIVED" });
    const again = await http(url, { key: KEYS.hotline12345, body, headers });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const c = (await getAs(`/api/v1/cases/${repliedCase}`, KEYS.agent)).body;
    expect(c.status).toBe("ARCHIVED");
    expect(c.satisfaction).toBe(2);
    const types = c.timeline.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === "CALLBACK")).toHaveLength(1);
    expect(types.filter((t: string) => t === "ARCHIVED")).toHaveLength(1);

    // without the key, the same 回访 now is an illegal transition: the replay above was not a second call
    const noKey = await http(url, { key: KEYS.hotline12345, body });
    expect(noKey.status).toBe(409);
    expect(noKey.body.error.code).toBe("ILLEGAL_TRANSITION");
  });

  it("refuses the same key with a different 回访 body (422 IDEMPOTENCY_KEY_REUSED)", async () => {
    const url = `${hub.url}${WO}/${REPLIED_NO}/callback`;
    const a = await http(url, { key: KEYS.hotline12345, body: { satisfaction: 3, comment: "非常满意" }, headers: { "Idempotency-Key": "cb-0001" } });
    expect(a.status).toBe(422);
    expect(a.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(a.body.error.message).toContain("Idempotency-Key");
    expect(typeof a.body.error.inboundId).toBe("string");
    const c = (await getAs(`/api/v1/cases/${repliedCase}`, KEYS.agent)).body;
    expect(c.satisfaction).toBe(2);
  });

  it("counts a repeated 催办 with the same key once and tells the unit once", async () => {
    const url = `${hub.url}${WO}/${DISPATCHED_NO}/urge`;
    const body = { level: "催办", text: "该工单即将超时，请尽快签收办理。" };
    const headers = { "Idempotency-Key": "urge-0001" };
    const first = await http(url, { key: KEYS.hotline12345, body, headers });
    expect(first.status).toBe(200);
    const again = await http(url, { key: KEYS.hotline12345, body, headers });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const c = (await getAs(`/api/v1/cases/${dispatchedCase}`, KEYS.agent)).body;
    expect(c.urgeCount).toBe(1);
    expect(c.timeline.filter((e: { type: string }) => e.type === "URGED")).toHaveLength(1);
    const owner = c.tasks.find((t: { role: string }) => t.role === "owner");
    await waitFor("the owner unit received the urge", async () => (hub.sims.unit!.task(owner.unitId, owner.id)?.urges.length ?? 0) >= 1, 10_000);
    await new Promise((r) => setTimeout(r, 500)); // a second urge would have been relayed by now
    expect(hub.sims.unit!.task(owner.unitId, owner.id)!.urges).toHaveLength(1);

    const reused = await http(url, { key: KEYS.hotline12345, body: { level: "督办", text: "已超期，请今日报送办理情况。" }, headers });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect((await getAs(`/api/v1/cases/${dispatchedCase}`, KEYS.agent)).body.urgeCount).toBe(1);
  });

  it("applies a 催办 once when the platform's retry with the same key arrives while the first is in flight", async () => {
    // 12345 re-sends after a timeout: both copies reach the hub at (nearly) the same moment
    const url = `${hub.url}${WO}/${DISPATCHED_NO}/urge`;
    const before = (await getAs(`/api/v1/cases/${dispatchedCase}`, KEYS.agent)).body.urgeCount;
    const body = { level: "督办", text: "该工单已临近时限，请于今日17:30前报送办理情况。" };
    const headers = { "Idempotency-Key": "urge-0002" };
    const answers = await Promise.all([1, 2].map(() => http(url, { key: KEYS.hotline12345, body, headers })));
    // one is applied; the other gets the same answer (or is told the first is still in progress)
    const ok = answers.filter((a) => a.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const a of answers) {
      if (a.status === 200) expect(a.body).toEqual(ok[0].body);
      else expect(a.status).toBe(409);
    }
    const c = (await getAs(`/api/v1/cases/${dispatchedCase}`, KEYS.agent)).body;
    expect(c.urgeCount).toBe(before + 1);
    expect(c.timeline.filter((e: { type: string; summary: string }) => e.type === "URGED" && e.summary.includes("督办"))).toHaveLength(1);
  });
});

describe("Idempotency-Key: the answer is kept once, with the first request's message", () => {
  const NO = "CZIDEM000000003";
  let caseId: string;
  let pg: Client;
  const url = () => `${hub.url}${WO}/${NO}/urge`;
  const urgeCount = async () => (await getAs(`/api/v1/cases/${caseId}`, KEYS.agent)).body.urgeCount as number;

  beforeAll(async () => {
    const r = await http(hub.url + WO, { key: KEYS.hotline12345, body: order(5, NO) });
    expect(r.status).toBe(202);
    acceptedOrderNos.push(NO);
    caseId = r.body.caseId;
    pg = new Client({ connectionString: hub.cfg.databaseUrl });
    await pg.connect();
    await waitFor("the unit received its task", async () => hub.sims.unit!.tasks().some((t) => t.caseId === caseId), 10_000);
  });
  afterAll(async () => {
    await pg?.end();
  });

  it("names the kept message in the key's claim; the message holds the answer a repeat gets", async () => {
    const body = { level: "催办", text: "请尽快签收办理。" };
    const first = await http(url(), { key: KEYS.hotline12345, body, headers: { "Idempotency-Key": "urge-kept-1" } });
    expect(first.status).toBe(200);
    const claim = (await pg.query("SELECT inbound_id FROM idempotency_keys WHERE key = 'urge-kept-1'")).rows[0];
    const kept = (await engineer(`/api/v1/inbound/${claim.inbound_id}`)).body;
    expect(kept).toMatchObject({ outcome: "accepted", httpStatus: 200, response: { body: first.body } });
    const again = await http(url(), { key: KEYS.hotline12345, body, headers: { "Idempotency-Key": "urge-kept-1" } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await urgeCount()).toBe(1);
  });

  it("still replays a key whose answer was kept on the key itself (claimed before migration 0011)", async () => {
    const body = { level: "催办", text: "再次提醒：请尽快签收。" };
    expect((await http(url(), { key: KEYS.hotline12345, body, headers: { "Idempotency-Key": "urge-old-1" } })).status).toBe(200);
    const n = await urgeCount();
    // the row as the intake wrote it before 0011: no message named, the answer on the key
    await pg.query(`UPDATE idempotency_keys SET inbound_id = NULL, http_status = 200, response = '{"caseId":"${caseId}","as":"stored before 0011"}' WHERE key = 'urge-old-1'`);
    const again = await http(url(), { key: KEYS.hotline12345, body, headers: { "Idempotency-Key": "urge-old-1" } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ caseId, as: "stored before 0011" });
    expect(await urgeCount()).toBe(n);
  });

  it("answers 409 while the first request is in progress, and takes over a claim whose request died a minute ago", async () => {
    const body = { level: "督办", text: "请于今日报送办理情况。" };
    expect((await http(url(), { key: KEYS.hotline12345, body, headers: { "Idempotency-Key": "urge-died-1" } })).status).toBe(200);
    const n = await urgeCount();
    // as if the request had been claimed and its node killed before the message was kept
    await pg.query("UPDATE idempotency_keys SET inbound_id = 'IN-NEVER-KEPT' WHERE key = 'urge-died-1'");
    const busy = await http(url(), { key: KEYS.hotline12345, body, headers: { "Idempotency-Key": "urge-died-1" } });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
    expect(await urgeCount()).toBe(n);
    await pg.query("UPDATE idempotency_keys SET created_at = now() - interval '2 minutes' WHERE key = 'urge-died-1'");
    const retried = await http(url(), { key: KEYS.hotline12345, body, headers: { "Idempotency-Key": "urge-died-1" } });
    expect(retried.status).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(await urgeCount()).toBe(n + 1);
    // and the retry's answer is the one kept for the key from now on
    const again = await http(url(), { key: KEYS.hotline12345, body, headers: { "Idempotency-Key": "urge-died-1" } });
    expect(again.body).toEqual(retried.body);
    expect(await urgeCount()).toBe(n + 1);
  });
});

describe("bad input on the agents' API answers like the adapter routes", () => {
  const url = () => `${hub.url}/api/v1/cases/TG-ANY/reassign`;

  it("answers malformed JSON 400 INVALID_JSON", async () => {
    const malformed = await http(url(), { key: KEYS.agent, raw: `{"unitId": "${CGJ}", ` });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("INVALID_JSON");
    expect(malformed.body.error.message).toContain("JSON");
  });

  it('answers a well-formed command sent as text/plain 415, not "unitId is required"', async () => {
    const plain = await http(url(), { key: KEYS.agent, raw: JSON.stringify({ unitId: CGJ, reason: "职责调整" }), contentType: "text/plain" });
    expect(plain.status).toBe(415);
    expect(plain.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(plain.body.error.message).toContain("application/json");
  });

  it("answers an oversize body 413 PAYLOAD_TOO_LARGE", async () => {
    const big = await http(url(), { key: KEYS.agent, body: { unitId: CGJ, reason: "y".repeat(300_000) } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(big.body.error.message).toContain("过大");
  });

  it("lists every field error of an agent command with JSON pointers (422)", async () => {
    const a = await http(`${hub.url}/api/v1/cases/TG-ANY/reassign`, { key: KEYS.agent, body: { unitId: "", extra: 1 } });
    expect(a.status).toBe(422);
    expect(a.body.error.code).toBe("VALIDATION_FAILED");
    expect(a.body.error.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/extra", "/reason", "/unitId"]);
    for (const e of a.body.error.errors) expect(e.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it("keeps every refused command for engineers, as sent (malformed, invalid, wrong key)", async () => {
    const text = `{"unitId": "${CGJ}", `;
    const malformed = await http(url(), { key: KEYS.agent, raw: text });
    await expectKept(malformed, { status: 400, code: "INVALID_JSON", raw: text, role: "agent" });
    const invalidBody = { unitId: "", extra: 1 };
    const invalidCmd = await http(url(), { key: KEYS.agent, body: invalidBody });
    const kept = await expectKept(invalidCmd, { status: 422, code: "VALIDATION_FAILED", raw: JSON.stringify(invalidBody), role: "agent" });
    expect(kept.system).toBe("api");
    expect(kept.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/extra", "/reason", "/unitId"]);
    const wrongKey = await http(url(), { key: KEYS.hotline12345, body: { unitId: CGJ, reason: "职责调整" } });
    await expectKept(wrongKey, { status: 403, code: "FORBIDDEN", raw: JSON.stringify({ unitId: CGJ, reason: "职责调整" }), role: "hotline12345", key: KEYS.hotline12345 });
  });
});

describe("business refusals on 回访", () => {
  it("answers a 回访 for an unknown order number 404 with a Chinese message naming it", async () => {
    const a = await http(`${hub.url}${WO}/CZNOSUCH00000001/callback`, { key: KEYS.hotline12345, body: { satisfaction: 2 } });
    expect(a.status).toBe(404);
    expect(a.body.error.code).toBe("NOT_FOUND");
    expect(a.body.error.message).toMatch(/案件不存在/);
    expect(a.body.error.message).toContain("CZNOSUCH00000001");
    expect(typeof a.body.error.inboundId).toBe("string");
  });

  it("answers a 回访 before the reply 409 ILLEGAL_TRANSITION naming the current status in Chinese", async () => {
    const no = "CZEARLY00000001";
    const r = await http(hub.url + WO, { key: KEYS.hotline12345, body: order(6, no) });
    expect(r.status).toBe(202);
    acceptedOrderNos.push(no);
    const a = await http(`${hub.url}${WO}/${no}/callback`, { key: KEYS.hotline12345, body: { satisfaction: 0, comment: "还没人来处理" } });
    expect(a.status).toBe(409);
    expect(a.body.error.code).toBe("ILLEGAL_TRANSITION");
    expect(a.body.error.message).toContain("已派单待签收");
    expect(a.body.error.message).toContain("已回复待回访");
    const c = (await getAs(`/api/v1/cases/${r.body.caseId}`, KEYS.agent)).body;
    expect(c.status).toBe("DISPATCHED");
    expect(c.reworkCount).toBe(0);
    expect(c.timeline.some((e: { type: string }) => e.type === "CALLBACK")).toBe(false);
  });
});

describe("nothing half-written", () => {
  it("leaves no case for any refused work order, and exactly the accepted ones", async () => {
    const list = await getAs("/api/v1/cases?pageSize=200", KEYS.agent);
    expect(list.status).toBe(200);
    const ids = list.body.items.map((c: { origin: { externalId: string } }) => c.origin.externalId);
    for (const n of [...refusedOrderNos, "CZBAD0000000001"]) expect(ids).not.toContain(n);
    expect(ids.sort()).toEqual([...acceptedOrderNos].sort());
    expect(list.body.total).toBe(acceptedOrderNos.length);
    // and 12345 was never told anything about a refused order
    for (const n of refusedOrderNos) expect(hub.sims.hotline12345!.order(n)).toBeUndefined();
  });
});

describe("published API description", () => {
  it("serves OpenAPI 3.1 with the adapter paths and components, every $ref resolving", async () => {
    const a = await http(`${hub.url}/api/openapi.json`);
    expect(a.status).toBe(200);
    const doc = a.body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    for (const p of [
      "/api/v1/hotline12345/work-orders",
      "/api/v1/hotline12345/work-orders/{orderNo}/callback",
      "/api/v1/hotline12345/work-orders/{orderNo}/urge",
      "/api/v1/units/{unitId}/tasks/{taskId}/result",
      "/api/v1/cases",
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(doc.paths["/api/v1/hotline12345/work-orders"].post.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/WorkOrder12345");
    for (const c of ["Case", "WorkOrder12345", "ErrorResponse"]) expect(doc.components.schemas[c]).toBeDefined();
    const refs: string[] = [];
    const walk = (n: unknown) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === "object")
        for (const [k, v] of Object.entries(n)) {
          if (k === "$ref" && typeof v === "string") refs.push(v);
          else walk(v);
        }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(20);
    const unresolved = [...new Set(refs)].filter((r) => {
      const m = /^#\/components\/schemas\/(.+)$/.exec(r);
      return !m || doc.components.schemas[m[1]] === undefined;
    });
    expect(unresolved).toEqual([]);
  });

  it("serves a readable docs page at /api/docs with its assets", async () => {
    const res = await fetch(`${hub.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain("/api/openapi.json");
    expect(html).toContain("统管");
    const js = await fetch(`${hub.url}/api/docs/swagger-ui-bundle.js`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(10_000);
  });
});
