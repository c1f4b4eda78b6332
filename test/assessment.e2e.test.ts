/**
 * 月度考核 end to end on NATS + PostgreSQL: a month seeded through the real API (12345 orders
 * received last month, signed for / replied / extended by the units' routes, called back by
 * 12345's route, one returned by an agent), then the month's JSON and CSV answers and the year's,
 * checked against figures worked out by hand below (see domain/assessment.ts for the formulas).
 */
import { startProductionHub, type TestHub, http, KEYS } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";
import { monthRange, previousMonth } from "../domain/assessment";
import type { GridSimulator } from "../adapters/grid/simulator";

jest.setTimeout(120_000);

let hub: TestHub;
const month = previousMonth(new Date());
const year = Number(month.slice(0, 4));
const { from } = monthRange(month);
const day = (n: number) => new Date(Date.parse(from) + (n - 1) * 86_400_000 + 9 * 3600_000); // 09:00+08:00 on day n
const later = (ms: number) => new Date(Date.now() + ms).toISOString();
const DAY = 86_400_000;

const NDJ = "CZ-ZL-NDJ-JD"; // 钟楼区南大街街道办事处 (street) owns sample 0
const XBC = "CZ-XB-CGJ"; // 新北区城市管理局 (functional) owns sample 1
const HWC = "CZ-TN-HWC"; // 天宁区环境卫生管理处 (functional) owns sample 2

let seq = 0;
async function order(sample: number, receivedDay: number, handleDeadline: string): Promise<{ caseId: string; orderNo: string }> {
  const orderNo = `CZ${String(Date.now()).slice(-9)}${String(process.pid % 100).padStart(2, "0")}${String(++seq).padStart(2, "0")}`;
  const body = { ...fromSample(loadSamples()[sample], day(receivedDay)), orderNo, handleDeadline };
  const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body });
  expect(r.status).toBe(202);
  return { caseId: r.body.caseId, orderNo };
}
const detail = async (caseId: string) => (await http(`${hub.url}/api/v1/cases/${caseId}`, { key: KEYS.agent })).body;
async function openTask(caseId: string): Promise<{ unitId: string; taskId: string }> {
  const c = await detail(caseId);
  const t = [...c.tasks].reverse().find((x: { role: string; status: string }) => x.role === "owner" && (x.status === "sent" || x.status === "accepted"));
  return { unitId: t.unitId, taskId: t.id };
}
async function unit(caseId: string, step: "accept" | "result" | "extension", body: unknown = {}) {
  const { unitId, taskId } = await openTask(caseId);
  const r = await http(`${hub.url}/api/v1/units/${unitId}/tasks/${taskId}/${step}`, { key: KEYS.units, body });
  expect([200, 202]).toContain(r.status);
}
async function callback(orderNo: string, satisfaction: number) {
  const r = await http(`${hub.url}/api/v1/hotline12345/work-orders/${orderNo}/callback`, { key: KEYS.hotline12345, body: { satisfaction, comment: "回访" } });
  expect([200, 202]).toContain(r.status);
}
async function work(caseId: string) {
  await unit(caseId, "accept");
  await unit(caseId, "result", { outcome: 0, text: "已处理" });
}

let seededAt: string;
let before: string;

beforeAll(async () => {
  // units answer only through the test; 12345 calls back only through the test
  hub = await startProductionHub({ SIM_CALLBACK_DELAY_MS: "3600000" });
  hub.sims.unit!.setBehaviour("*", { silent: true });
  // 南大街街道 works through the grid system: its simulator, too, leaves every step to the test
  (hub.sims as unknown as { grid: GridSimulator }).grid.setBehaviour("*", { silent: true });
  before = new Date().toISOString();

  // 南大街街道: n1 on time, n2 replied after its deadline, n3 deadline passed and still open
  const n1 = await order(0, 3, later(30 * DAY));
  const n2 = await order(0, 5, day(7).toISOString());
  const n3 = await order(0, 8, day(10).toISOString());
  // 新北区城管局: x1 回访不满意 → 重办 → on time; x2 延期 before its deadline, then on time
  const x1 = await order(1, 4, later(30 * DAY));
  const x2 = await order(1, 12, later(3600_000));
  // 天宁区环卫处: h1 open, deadline ahead (not due); h2 退单 by an agent (counted nowhere)
  const h1 = await order(2, 20, later(30 * DAY));
  const h2 = await order(2, 21, later(30 * DAY));
  for (const c of [n1, n2, n3, x1, x2, h1, h2]) expect((await detail(c.caseId)).owner.unitId).toBe(c === n1 || c === n2 || c === n3 ? NDJ : c === x1 || c === x2 ? XBC : HWC);

  await work(n1.caseId);
  await callback(n1.orderNo, 2);
  await work(n2.caseId);
  await callback(n2.orderNo, 3);
  await work(x1.caseId);
  await callback(x1.orderNo, 0); // 不满意: 重办, a new task for the same unit
  await work(x1.caseId);
  await callback(x1.orderNo, 2);
  await unit(x2.caseId, "accept");
  await unit(x2.caseId, "extension", { until: later(20 * DAY), reason: "需协调施工单位" });
  await unit(x2.caseId, "result", { outcome: 0, text: "已处理" });
  await callback(x2.orderNo, 3);
  const ret = await http(`${hub.url}/api/v1/cases/${h2.caseId}/return`, { key: KEYS.agent, body: { reason: "不属于本市管辖" } });
  expect(ret.status).toBe(200);
  for (const c of [n1, n2, x1, x2]) expect((await detail(c.caseId)).status).toBe("ARCHIVED");
  seededAt = new Date().toISOString();
});

afterAll(async () => {
  await hub?.stop();
});

const get = (path: string, key = KEYS.engineer) => http(hub.url + path, { key });

describe("monthly assessment from the store", () => {
  it("answers the seeded month per unit with the figures, score and rating worked out by hand", async () => {
    const r = await get(`/api/v1/assessment?month=${month}&asOf=${encodeURIComponent(seededAt)}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ month, asOf: seededAt });
    const byId = Object.fromEntries(r.body.units.map((u: { unitId: string }) => [u.unitId, u]));
    expect(Object.keys(byId).sort()).toEqual([HWC, NDJ, XBC].sort());
    // NDJ: 3 opened, all due (n3's deadline passed), 2 closed, 1 on time → factor (2/3 + 1/3)/2 = 0.5 → 17.5 × 2 + 30 = 65
    expect(byId[NDJ]).toMatchObject({
      kind: "street",
      opened: 3,
      due: 3,
      closed: 2,
      closedRate: 0.6667,
      onTime: 1,
      onTimeRate: 0.3333,
      dispatched: 3,
      reworked: 0,
      extended: 0,
      score: 65,
      rating: "不合格",
    });
    expect(byId[NDJ].city).toMatchObject({ factor: 0.5, rectification: 17.5, onSite: 17.5 });
    // XBC: 2 closed on time, 3 dispatches (one 重办), 1 extension → factor 1 × (1 − 1/3) → 23.33 × 2 + 30 = 76.66
    expect(byId[XBC]).toMatchObject({
      kind: "functional",
      opened: 2,
      due: 2,
      closed: 2,
      onTime: 2,
      onTimeRate: 1,
      dispatched: 3,
      reworked: 1,
      reworkRate: 0.3333,
      extended: 1,
      extensionRate: 0.3333,
      score: 76.66,
      rating: "不合格",
    });
    // HWC: h1 open and not due; h2 returned (退单) and not counted → nothing to deduct
    expect(byId[HWC]).toMatchObject({ opened: 1, due: 0, closed: 0, closedRate: null, dispatched: 1, score: 100, rating: "优秀" });
    expect(r.body.totals).toMatchObject({ opened: 6, due: 5, closed: 4, onTime: 3, dispatched: 7, reworked: 1, extended: 1, unassigned: 0, units: 3, ratings: { 优秀: 1, 合格: 0, 不合格: 2 } });
  });

  it("is reproducible: the same asOf gives the same answer, an earlier one sees nothing done yet", async () => {
    const a = await get(`/api/v1/assessment?month=${month}&asOf=${encodeURIComponent(seededAt)}`, KEYS.agent);
    const b = await get(`/api/v1/assessment?month=${month}&asOf=${encodeURIComponent(seededAt)}`, KEYS.agent);
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    const early = await get(`/api/v1/assessment?month=${month}&asOf=${encodeURIComponent(before)}`);
    expect(early.body.units).toEqual([]);
    expect(early.body.totals).toMatchObject({ opened: 0, units: 0, unassigned: 7 }); // received, not yet dispatched as of then
  });

  it("serves the sheet as CSV with a BOM and Chinese headers for Excel", async () => {
    const res = await fetch(`${hub.url}/api/v1/assessment?month=${month}&format=csv&asOf=${encodeURIComponent(seededAt)}`, { headers: { "x-api-key": KEYS.agent } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="assessment-${month}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString("utf8").trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "考核月份,单位编号,单位名称,单位类型,立案数,应结案数,结案数,结案率,按期结案数,按期结案率,派遣数,返工数,返工率,延期数,延期率,市考评现场得分,市考评整改得分,区考评现场得分,区考评整改得分,总分,评定",
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe(`${month},${NDJ},钟楼区南大街街道办事处,街道,3,3,2,66.67%,1,33.33%,3,0,0.00%,0,0.00%,17.50,17.50,15.00,15.00,65.00,不合格`);
    expect(lines.find((l) => l.includes(XBC))).toBe(`${month},${XBC},新北区城市管理局,职能部门,2,2,2,100.00%,2,100.00%,3,1,33.33%,1,33.33%,23.33,23.33,15.00,15.00,76.66,不合格`);
  });

  it("averages the year over the months each unit was assessed", async () => {
    const r = await get(`/api/v1/assessment/year?year=${year}&asOf=${encodeURIComponent(seededAt)}`);
    expect(r.status).toBe(200);
    expect(r.body.months).toContain(month);
    const ndj = r.body.units.find((u: { unitId: string }) => u.unitId === NDJ);
    expect(ndj).toMatchObject({ months: { [month]: 65 }, assessedMonths: 1, average: 65, rating: "不合格" });
    const csv = await get(`/api/v1/assessment/year?year=${year}&format=csv&asOf=${encodeURIComponent(seededAt)}`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(String(csv.body)).toContain("年度平均分,评定");
  });

  it("refuses a bad month and other roles", async () => {
    const bad = await get(`/api/v1/assessment?month=2026-13`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.errors[0].pointer).toBe("/query/month");
    expect((await get(`/api/v1/assessment?month=${month}`, KEYS.units)).status).toBe(403);
  });

  it("runs as the monthly job and logs one Chinese line, keeping only its summary", async () => {
    // the job assesses the month before the time it runs for (here: the time the seeding ended)
    const run = await http(`${hub.url}/api/v1/jobs/monthly-assessment/run`, { key: KEYS.engineer, body: { now: seededAt } });
    expect(run.status).toBe(200);
    expect(run.body.status).toBe("ok");
    expect(run.body.result).toMatchObject({ month, units: 3 });
    expect(run.body.result.line).toMatch(new RegExp(`^${month.slice(0, 4)}年${Number(month.slice(5))}月数字城管考核：参评单位 3 个（街道 1，部门 2），立案 6 件`));
  });
});
