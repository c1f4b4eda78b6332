/**
 * Issue 8, second half, on real NATS + PostgreSQL: credit commitments (信用承诺) recorded and broken
 * by a later sanction, the graded-supervision 双随机 draw (same seed → same draw, recorded), and the
 * overdue 双公示 alarm in flow health and in the sanctions list.
 */
import { getSchema } from "../contracts";
import type { EnforcementCommitment, EnforcementSanction } from "../contracts/types";
import type { CreditSimulator } from "../adapters/credit/simulator";
import { SAMPLE, sampleDecisions } from "../adapters/enforcement/simulator";
import { loadCalendar } from "../domain/calendar";
import { http, KEYS, startProductionHub, type TestHub, waitFor } from "./harness";

jest.setTimeout(180_000);

let hub: TestHub;
beforeAll(async () => {
  hub = await startProductionHub({ LOG_LEVEL: process.env.E2E_LOG ?? "error", NOTICE_SWEEP_CRON: "0 0 1 1 *" });
});
afterAll(async () => hub?.stop());

const credit = () => (hub.sims as unknown as Record<string, unknown>).credit as CreditSimulator;
const get = async (path: string, key = KEYS.engineer) => (await http(`${hub.url}/api${path}`, { key })).body;
const postSanction = (body: unknown) => http(`${hub.url}/api/v1/sanctions`, { key: KEYS.enforcement, body });
const postCommitment = (body: unknown) => http(`${hub.url}/api/v1/sanctions/commitments`, { key: KEYS.enforcement, body });
const sweep = async (now: Date) => (await http(`${hub.url}/api/v1/jobs/notice-sweep/run`, { key: KEYS.engineer, body: { now: now.toISOString() } })).body;

const [ownerPledge, propertyLetter] = getSchema("tongguan:enforcement/commitment").examples as EnforcementCommitment[];
const samples = sampleDecisions(new Date());
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe("credit commitments (信用承诺)", () => {
  it("records an owner's 不违建承诺 on the person's record, masked", async () => {
    const r = await postCommitment(ownerPledge);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ commitmentId: expect.any(String), status: "active" });
    const again = await postCommitment(ownerPledge);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ commitmentId: r.body.commitmentId, duplicate: true });
    const record = await get(`/v1/credit/subjects/${ownerPledge.证件号码}`);
    expect(record.key).toContain("*");
    expect(record.name).toContain("*");
    expect(record.commitments).toHaveLength(1);
    const [c] = record.commitments;
    expect(c).toMatchObject({ kind: "不违建承诺", status: "active", violationKinds: ["违法建设"] });
    expect(c.party.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(JSON.stringify(record)).not.toContain(ownerPledge.证件号码);
    expect(JSON.stringify(record)).not.toContain("1单元1801室");
  });

  it("refuses a pledge whose ID number fails GB 11643, naming the field and the rule", async () => {
    const r = await postCommitment({ ...ownerPledge, 承诺书编号: "测试〔2026〕第9901号", 证件号码: "320402197806120039" });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.error)).toContain("residentId.check");
  });

  it("a later sanction for a covered kind breaks the property company's 责任书: the record shows the sanction", async () => {
    expect((await postCommitment(propertyLetter)).status).toBe(202);
    const decision = samples.find((s) => s.统一社会信用代码 === SAMPLE.property.creditCode)!;
    const s = await postSanction(decision);
    expect(s.status).toBe(202);
    const record = await get(`/v1/credit/subjects/${SAMPLE.property.creditCode}`);
    const letter = record.commitments.find((c: { commitmentNo: string }) => c.commitmentNo === propertyLetter.承诺书编号);
    expect(letter.status).toBe("breached");
    expect(letter.breaches).toEqual([expect.objectContaining({ sanctionId: s.body.sanctionId, decisionNo: decision.行政处罚决定书文号 })]);
    expect(record.industries).toContain("物业服务");
    // the same decision again changes nothing
    expect((await postSanction(decision)).status).toBe(200);
    const again = await get(`/v1/credit/subjects/${SAMPLE.property.creditCode}`);
    expect(again.commitments.find((c: { commitmentNo: string }) => c.commitmentNo === propertyLetter.承诺书编号).breaches).toHaveLength(1);
  });
});

describe("graded supervision: the 双随机 draw", () => {
  const body = { industry: "物业服务", period: "2026-Q4", seed: "20261001" };
  let first: { id: string; selected: { key: string; level: string; why: string[] }[]; levels: Record<string, { population: number }>; population: number };

  it("draws a period's subjects by level; the same seed gives the same draw, recorded", async () => {
    // the platform's grades: one company rated A, another C by the 住建 industry evaluation
    const companies = ["91320411MA1N5T2H8W", "91320404MA1W7K3D6G"];
    expect((await credit().level(companies[1], "A", { name: "常州(示例)鑫达渣土运输有限公司" })).status).toBe(200);
    expect((await credit().level(companies[0], "C", { source: "住建·物业服务企业信用评价" })).status).toBe(200);
    const r = await http(`${hub.url}/api/v1/credit/inspections/draw`, { key: KEYS.enforcement, body: { ...body, subjects: companies } });
    expect(r.status).toBe(200);
    first = r.body;
    expect(first.population).toBe(2);
    expect(first.levels).toHaveProperty("高风险");
    const all = await get(`/v1/credit/inspections/${r.body.id}`);
    const property = all.subjects.find((x: { key: string }) => x.key === companies[0]);
    expect(property.level).toBe("高风险"); // industry grade C and a broken pledge
    expect(property.why.join("；")).toContain("住建·物业服务企业信用评价 C");
    expect(property.why.join("；")).toContain("违反信用承诺");
    expect(all.subjects.find((x: { key: string }) => x.key === companies[1]).level).toBe("低风险");
    const again = await http(`${hub.url}/api/v1/credit/inspections/draw`, { key: KEYS.enforcement, body: { ...body, subjects: companies } });
    expect(again.body.recorded).toBe(true);
    expect(again.body.id).toBe(first.id);
    expect(again.body.selected).toEqual(first.selected);
    const listed = await get(`/v1/credit/inspections?industry=${encodeURIComponent("物业服务")}&period=2026-Q4`);
    expect(listed.items.map((d: { id: string }) => d.id)).toContain(first.id);
  });

  it("without a register, draws the industry's subjects the hub knows; a bad period is a 422", async () => {
    const r = await http(`${hub.url}/api/v1/credit/inspections/draw`, { key: KEYS.engineer, body: { industry: "物业服务", period: "2026-Q4" } });
    expect(r.status).toBe(200);
    expect(r.body.seed).toMatch(/^[0-9a-f]{8}$/); // generated and recorded
    expect(r.body.population).toBeGreaterThanOrEqual(1);
    expect((await http(`${hub.url}/api/v1/credit/inspections/draw`, { key: KEYS.engineer, body: { industry: "物业服务", period: "Q4" } })).status).toBe(422);
    expect((await http(`${hub.url}/api/v1/credit/inspections/draw`, { key: KEYS.hotline12345, body })).status).toBe(403);
  });
});

describe("the overdue 双公示 alarm", () => {
  it("a record the platform has not received by its deadline is an alarm in flow health and in the list; it clears once delivered", async () => {
    credit().setMode({ failStatus: 503 });
    const person = samples.find((s) => s.行政相对人类别 === "自然人")!;
    const decision: EnforcementSanction = { ...person, 行政处罚决定书文号: "测试罚字〔2026〕第9801号", 违法行为类型: "违规设置户外广告", severity: "一般", 处罚决定日期: today };
    const r = await postSanction(decision);
    expect(r.status).toBe(202);
    const id = r.body.sanctionId as string;
    const late = new Date(Date.now() + 30 * 86_400_000);
    const run = await sweep(late);
    expect(run.result.publicationsOverdue).toBeGreaterThanOrEqual(1);
    const flow = await get("/v1/flow");
    expect(flow.publications.overdue).toBeGreaterThanOrEqual(1);
    expect(flow.publications.alarm).toContain("仍未报送");
    expect(flow.publications.items.map((i: { id: string }) => i.id)).toContain(id);
    const overdue = await get("/v1/sanctions?publication=overdue");
    const item = overdue.items.find((s: { id: string }) => s.id === id);
    expect(item.publication).toMatchObject({ alarm: "overdue", deliveredAt: null });
    expect(item.publication.delivery.status).not.toBe("sent");
    expect(item.party.name).toContain("*");

    credit().setMode({});
    await http(`${hub.url}/api/v1/outbox/${item.publication.delivery.outboxId}/retry`, { key: KEYS.engineer, method: "POST" });
    await waitFor("the platform got the record", async () => credit().published(id), 60_000);
    await waitFor(
      "the alarm cleared",
      async () => {
        await sweep(late);
        return !(await get("/v1/sanctions?publication=overdue")).items.some((s: { id: string }) => s.id === id);
      },
      60_000,
      1000,
    );
    expect((await get(`/v1/sanctions/${id}`)).publication.deliveredAt).toEqual(expect.any(String));
  });

  it("a record whose deadline falls in a year the working calendar lacks is shown as dueUnknown", async () => {
    const last = Math.max(...loadCalendar("cities/changzhou").years);
    const person = samples.find((s) => s.行政相对人类别 === "自然人")!;
    credit().setMode({ failStatus: 503 }); // keep it undelivered so the alarm stays visible
    const r = await postSanction({ ...person, 行政处罚决定书文号: "测试罚字〔2026〕第9802号", 违法行为类型: "违规设置户外广告", severity: "一般", 处罚决定日期: `${last}-12-28` });
    expect(r.status).toBe(202);
    const s = await get(`/v1/sanctions/${r.body.sanctionId}`);
    expect(s.flags).toContain("publicationDueUnknown");
    expect(s.publication).toMatchObject({ due: null, alarm: "dueUnknown" });
    expect((await get("/v1/sanctions?publication=dueUnknown")).items.map((x: { id: string }) => x.id)).toContain(r.body.sanctionId);
    const flow = await get("/v1/flow");
    expect(flow.publications.dueUnknown).toBeGreaterThanOrEqual(1);
    expect(flow.publications.alarm).toContain("工作日历未覆盖");
    credit().setMode({});
  });
});
