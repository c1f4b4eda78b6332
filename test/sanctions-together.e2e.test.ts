/**
 * Issue 8, sanctions written together (services/sanctions.service.ts writeSanctions: decisions that
 * arrive while a batch is written go in one transaction) on real NATS + PostgreSQL: five penalties
 * on one company posted at once, each also twice more at once, are counted together — five
 * sanctions, one firing with its black-list entry, one notice per bureau — and every repeat is
 * answered as the duplicate of the one stored.
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
});
