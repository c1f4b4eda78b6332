/**
 * Issue 8, sanctions written together (services/sanctions.service.ts writeSanctions: decisions that
 * arrive while a batch is written go in one transaction) on real NATS + PostgreSQL: five penalties
 * on one company posted at once, each also twice more at once, are counted together — five
 * sanctions, one firing with its black-list entry, one notice per bureau — and every repeat is
 * answered as the duplicate of the one stored. The same in one batch request (POST /api/v1/batch,
 * the enforcement system's 批量报送): each decision answered as alone, counted together.
 */
import { sampleDecisions } from "../adapters/enforcement/simulator";
import { startProductionHub, type TestHub, http, KEYS } from "./harness";

jest.setTimeout(120_000);

let hub: TestHub;
beforeAll(async () => {
  hub = await startProductionHub({ LOG_LEVEL: process.env.E2E_LOG ?? "error", NOTICE_SWEEP_CRON: "0 0 1 1 *" });
});
afterAll(async () => hub?.stop());

const post = (body: unknown) => http(`${hub.url}/api/v1/sanctions`, { key: KEYS.enforcement, body });

describe("sanctions posted together", () => {
  it("five penalties on one company at once, each three times: stored once each, counted together, one notice per bureau", async () => {
    const muck = sampleDecisions(new Date()).slice(0, 5);
    const company = muck[0].统一社会信用代码 as string;
    const answers = await Promise.all([...muck, ...muck, ...muck].map((s) => post(s)));
    for (const a of answers) expect([200, 202]).toContain(a.status);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(5);
    // every repeat names the sanction stored for its decision number
    const byDecision = new Map<string, Set<string>>();
    answers.forEach((a, i) => {
      const no = muck[i % 5].行政处罚决定书文号 as string;
      byDecision.set(no, (byDecision.get(no) ?? new Set()).add(a.body.sanctionId));
    });
    for (const ids of byDecision.values()) expect(ids.size).toBe(1);

    const record = (await http(`${hub.url}/api/v1/credit/subjects/${company}`, { key: KEYS.engineer })).body;
    expect(record.sanctions).toHaveLength(5);
    expect(record.lists.filter((l: { onList: boolean }) => l.onList)).toHaveLength(1);
    const bureaus = (record.notices as { bureau: string; kind: string }[]).filter((n) => n.kind === "notice").map((n) => n.bureau);
    expect(new Set(bureaus).size).toBe(bureaus.length);
    for (const b of ["housing", "police", "transport"]) expect(bureaus).toContain(b);
  });

  it("the same in one batch request: every decision answered as it would be alone, stored once, counted together", async () => {
    const muck = sampleDecisions(new Date(Date.now() - 86_400_000))
      .slice(0, 5)
      .map((s, i) => ({
        ...s,
        行政处罚决定书文号: `${s.行政处罚决定书文号}-批${i}`,
      }));
    const company = muck[0].统一社会信用代码 as string;
    const items = [...muck, ...muck].map((b) => ({ method: "POST", path: "/api/v1/sanctions", body: b }));
    const bad = { method: "POST", path: "/api/v1/sanctions", body: { ...muck[0], 行政处罚决定书文号: "常城管罚字〔2026〕坏码1号", 统一社会信用代码: "91320400MA1MXXXX0Y" } };
    const r = await http(`${hub.url}/api/v1/batch`, { key: KEYS.enforcement, body: { items: [...items, bad] } });
    expect(r.status).toBe(200);
    const results = r.body.results as { status: number; body: { sanctionId?: string; duplicate?: boolean; error?: { code: string } } }[];
    expect(results).toHaveLength(11);
    expect(results.slice(0, 10).filter((x) => x.status === 202)).toHaveLength(5);
    expect(results.slice(0, 10).every((x) => x.status === 202 || x.status === 200)).toBe(true);
    for (let i = 0; i < 5; i++) expect(results[i + 5].body.sanctionId).toBe(results[i].body.sanctionId);
    // the bad code is refused on its own, as it would be alone, and nothing of it is written
    expect(results[10].status).toBe(422);
    const alone = await post(bad.body);
    expect([alone.status, alone.body.error.code]).toEqual([422, results[10].body.error?.code]);

    const record = (await http(`${hub.url}/api/v1/credit/subjects/${company}`, { key: KEYS.engineer })).body;
    expect(record.sanctions.filter((x: { decisionNo: string }) => x.decisionNo.includes("-批"))).toHaveLength(5);
  });
});
