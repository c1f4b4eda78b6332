/**
 * Issue 8 on real NATS + PostgreSQL: five penalties on one construction-waste company produce a
 * black-list entry, a 双公示 record per decision at the credit platform and notices at police,
 * transport and housing with receipts; a silent bureau is reminded and escalated; a repair from the
 * platform revokes every notice; invalid credit codes, IDs and plates get clear 4xx errors; the
 * same decision posted twice changes nothing.
 */
import { sampleDecisions } from "../adapters/enforcement/simulator";
import type { CreditSimulator } from "../adapters/credit/simulator";
import type { BureauSimulator } from "../kit/bureau";
import { startProductionHub, type TestHub, http, waitFor, KEYS } from "./harness";

jest.setTimeout(120_000);

let hub: TestHub;
beforeAll(async () => {
  hub = await startProductionHub({ LOG_LEVEL: process.env.E2E_LOG ?? "error", SIM_UNIT_ACCEPT_MS: "100", SIM_UNIT_WORK_MS: "300", NOTICE_SWEEP_CRON: "0 0 1 1 *" });
});
afterAll(async () => hub?.stop());

const sims = () => hub.sims as unknown as Record<string, unknown>;
const credit = () => sims().credit as CreditSimulator;
const bureau = (s: string) => sims()[s] as BureauSimulator;
const post = (body: unknown) => http(`${hub.url}/api/v1/sanctions`, { key: KEYS.enforcement, body });

const samples = sampleDecisions(new Date());
const muck = samples.slice(0, 5);
const company = muck[0].统一社会信用代码 as string;

describe("sanctions, joint punishment and repair", () => {
  const ids: string[] = [];
  let notices: { id: string; bureau: string; system: string; status: string }[] = [];

  it("five penalties on one construction-waste company: a black-list entry, 双公示 per decision, notices to police, transport and housing with receipts", async () => {
    bureau("police").setBehaviour("*", { silent: true }); // the police stay silent: reminded and escalated below
    for (const s of muck) {
      const r = await post(s);
      expect(r.status).toBe(202);
      ids.push(r.body.sanctionId);
    }
    const record = (await http(`${hub.url}/api/v1/credit/subjects/${company}`, { key: KEYS.engineer })).body;
    expect(record.sanctions).toHaveLength(5);
    expect(record.lists.filter((l: { onList: boolean }) => l.onList)).toHaveLength(1);
    for (const id of ids) await waitFor(`双公示 ${id}`, async () => credit().published(id));
    notices = (await http(`${hub.url}/api/v1/notices?subject=${company}`, { key: KEYS.engineer })).body.items;
    const bureaus = notices.map((n) => n.bureau).sort();
    for (const b of ["housing", "police", "transport"]) expect(bureaus).toContain(b);
    // housing and transport sign (签收); the notices carry the vehicles for the police
    await waitFor("receipts from housing and transport", async () => {
      const xs = (await http(`${hub.url}/api/v1/notices?subject=${company}`, { key: KEYS.engineer })).body.items as { bureau: string; status: string }[];
      return xs.filter((n) => ["housing", "transport"].includes(n.bureau)).every((n) => n.status !== "sent") && xs;
    });
    const police = notices.find((n) => n.bureau === "police")!;
    expect(bureau("police").notice(police.id)).toBeDefined();
    expect(JSON.stringify(bureau("police").notice(police.id)!.body)).toContain(String(muck[0].vehicles![0].plate).replace("·", ""));
  });

  it("the same decision posted twice changes nothing", async () => {
    const again = await post(muck[2]);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ sanctionId: ids[2], duplicate: true });
    const record = (await http(`${hub.url}/api/v1/credit/subjects/${company}`, { key: KEYS.engineer })).body;
    expect(record.sanctions).toHaveLength(5);
    expect(record.notices).toHaveLength(notices.length);
  });

  it("a silent bureau is reminded (催签收) and then escalated", async () => {
    const police = notices.find((n) => n.bureau === "police")!;
    const late = new Date(Date.now() + 20 * 86_400_000);
    const run1 = (await http(`${hub.url}/api/v1/jobs/notice-sweep/run`, { key: KEYS.engineer, body: { now: late.toISOString() } })).body;
    expect(run1.result.reminded).toBeGreaterThanOrEqual(1);
    await waitFor("the reminder reached the police", async () => (bureau("police").notice(police.id)?.reminders.length ?? 0) >= 1);
    const run2 = (await http(`${hub.url}/api/v1/jobs/notice-sweep/run`, { key: KEYS.engineer, body: { now: new Date(late.getTime() + 2 * 86_400_000).toISOString() } })).body;
    expect(run2.result.escalated).toBeGreaterThanOrEqual(1);
    const escalated = (await http(`${hub.url}/api/v1/notices?status=escalated`, { key: KEYS.engineer })).body.items as { id: string }[];
    expect(escalated.map((n) => n.id)).toContain(police.id);
  });

  it("a repair from the platform revokes every notice that rested on the decision", async () => {
    const r = await credit().repair(muck[0].行政处罚决定书文号 as string, { basis: "已履行行政处罚决定并作出信用承诺" });
    expect(r.status).toBe(200);
    const record = await waitFor("revocations sent", async () => {
      const x = (await http(`${hub.url}/api/v1/credit/subjects/${company}`, { key: KEYS.engineer })).body;
      return x.notices.filter((n: { kind: string }) => n.kind === "revocation").length === notices.length && x;
    });
    expect(record.notices.filter((n: { kind: string; status: string }) => n.kind === "notice").every((n: { status: string }) => n.status === "revoked")).toBe(true);
    expect(record.lists.every((l: { onList: boolean }) => !l.onList)).toBe(true);
    await waitFor("the housing bureau received the revocation", async () =>
      bureau("housing")
        .notices()
        .some((n) => n.revocation),
    );
    await waitFor("the platform withdrew the record", async () => credit().revoked(ids[0]));
  });

  it("refuses invalid credit codes, resident IDs and plates naming the field and the rule, and writes nothing", async () => {
    const bad = samples.find((s) => (s.行政处罚决定书文号 as string).includes("9") && s.统一社会信用代码 === "91320402MA20Q8LU3C") ?? {
      ...muck[0],
      行政处罚决定书文号: "测试罚字〔2026〕第9001号",
      统一社会信用代码: "91320402MA20Q8LU3C",
    };
    const r1 = await post(bad);
    expect(r1.status).toBe(422);
    expect(JSON.stringify(r1.body.error)).toContain("统一社会信用代码");
    const person = samples.find((s) => s.行政相对人类别 === "自然人")!;
    const r2 = await post({ ...person, 行政处罚决定书文号: "测试罚字〔2026〕第9002号", 证件号码: "320404198502301234" });
    expect(r2.status).toBe(422);
    expect(JSON.stringify(r2.body.error)).toContain("证件号码");
    const r3 = await post({ ...muck[1], 行政处罚决定书文号: "测试罚字〔2026〕第9003号", vehicles: [{ plate: "苏I12345" }] });
    expect(r3.status).toBe(422);
    expect(JSON.stringify(r3.body.error)).toContain("plate");
    for (const n of ["9001", "9002", "9003"]) expect((await http(`${hub.url}/api/v1/sanctions/${encodeURIComponent(`测试罚字〔2026〕第${n}号`)}`, { key: KEYS.engineer })).status).toBe(404);
  });

  it("lowers a person's credit score for repeated offences (个人信用分), with the deductions named", async () => {
    const person = samples.find((s) => s.行政相对人类别 === "自然人")!;
    for (const n of ["9101", "9102"]) expect((await post({ ...person, 行政处罚决定书文号: `测试罚字〔2026〕第${n}号` })).status).toBe(202);
    const record = (await http(`${hub.url}/api/v1/credit/subjects/${person.证件号码}`, { key: KEYS.engineer })).body;
    expect(record.key).toContain("*"); // the ID number is masked in the view
    expect(record.personalScore.deductions.length).toBeGreaterThanOrEqual(2);
    expect(record.personalScore.score).toBeLessThan(record.personalScore.start);
  });

  it("shows a person's sanction masked", async () => {
    const person = samples.find((s) => s.行政相对人类别 === "自然人")!;
    const r = await post(person);
    expect([200, 202]).toContain(r.status);
    const s = (await http(`${hub.url}/api/v1/sanctions/${r.body.sanctionId}`, { key: KEYS.agent })).body;
    expect(s.party.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(s.party.name).toContain("*");
  });
});
