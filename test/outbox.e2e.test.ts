/**
 * The outbox is not only for cases: a message about another subject (here a joint-punishment
 * notice 抄告单 about a company) is queued, handed off, delivered to the unit in its own format,
 * settled, and kept in order per (subject, system, target) — on real NATS + PostgreSQL.
 */
import { openDb } from "../lib/db";
import { handOff } from "../lib/handoff";
import { OutboxBatch, insertBatch } from "../store/outbox";
import { sqlOf } from "../store/sql";
import { http, KEYS, startProductionHub, waitFor, type TestHub } from "./harness";

let hub: TestHub;
beforeAll(async () => {
  hub = await startProductionHub();
}, 60_000);
afterAll(async () => hub?.stop());

const notice = (n: number | string) => ({
  noticeId: typeof n === "string" ? n : `NT-E2E-${n}`,
  subject: { type: "company", id: "91320400MA1MXXXX0X", name: "常州某渣土运输有限公司" },
  decisions: [`常城管罚字〔2026〕${n}号`],
  rule: "渣土运输企业多次乱倒撒漏",
  measures: ["收回车辆通行证", "暂停新办通行证"],
  receiptDeadline: "2026-12-03T17:30:00+08:00",
  feedbackDeadline: "2026-12-15T17:30:00+08:00",
  sentAt: new Date().toISOString(),
});

describe("outbox for a subject that is not a case", () => {
  it("delivers two notices about one subject, in order, and shows them to engineers", async () => {
    const { db } = await openDb({ databaseUrl: hub.cfg.databaseUrl, dataDir: hub.cfg.dataDir });
    for (const n of ["NT-E2E-1", "NT-E2E-2"]) hub.sims.police!.setBehaviour(n, { silent: true }); // not the sanctions service's notices: no receipts
    const batch = new OutboxBatch({ type: "notice", id: "NT-E2E" }, new Date());
    batch.send("notice", { target: "CZ-GAJ-JJZD" }, notice(1));
    batch.send("notice", { target: "CZ-GAJ-JJZD" }, notice(2));
    const claimed = await insertBatch(sqlOf(db), batch);
    // the first is claimed at once; the second waits for it (same subject, system and target)
    expect(claimed.map((c) => c.payload.noticeId)).toEqual(["NT-E2E-1"]);
    handOff(hub.broker, claimed);

    // CZ-GAJ-JJZD is served by the police's own system (units.json adapter "police")
    const sim = hub.sims.police!;
    await waitFor("both notices at the police", async () => sim.notices().filter((n) => n.noticeId.startsWith("NT-E2E")).length === 2, 10_000, 20);
    expect(
      sim
        .notices()
        .filter((n) => n.noticeId.startsWith("NT-E2E"))
        .map((n) => n.noticeId),
    ).toEqual(["NT-E2E-1", "NT-E2E-2"]);

    const list = await waitFor("both settled", async () => {
      const r = await http(`${hub.url}/api/v1/outbox?status=sent`, { key: KEYS.engineer });
      const mine = (r.body.items as { subject: { type: string; id: string }; system: string; target: string }[]).filter((o) => o.subject.type === "notice" && o.subject.id === "NT-E2E");
      return mine.length === 2 && mine;
    });
    expect(list.every((o) => o.system === "police" && o.target === "CZ-GAJ-JJZD")).toBe(true);
  });

  it("sends notices for one bureau handed off together in one batch request; one the bureau fails is sent again later, alone", async () => {
    const { db } = await openDb({ databaseUrl: hub.cfg.databaseUrl, dataDir: hub.cfg.dataDir });
    const sim = hub.sims.police!;
    const ids = [1, 2, 3, 4, 5].map((n) => `NT-BATCH-${n}`);
    for (const id of ids) sim.setBehaviour(id, { silent: true });
    sim.setBehaviour("NT-BATCH-3", { fail: true });
    const claimed = [];
    for (const id of ids) {
      const batch = new OutboxBatch({ type: "notice", id }, new Date());
      batch.send("notice", { target: "CZ-GAJ-JJZD" }, notice(id));
      claimed.push(...(await insertBatch(sqlOf(db), batch)));
    }
    handOff(hub.broker, claimed);

    const mine = () => sim.messages().filter((r) => ids.some((id) => JSON.stringify(r.body).includes(id)));
    await waitFor("four notices taken, one failed", async () => sim.notices().filter((n) => ids.includes(n.noticeId)).length === 4 && mine().length === 5, 10_000, 20);
    // one request carried the five; each was answered on its own
    expect(new Set(mine().map((r) => r.batch))).toEqual(new Set([mine()[0].batch]));
    expect(mine()[0].batch).toBeDefined();
    expect(mine().filter((r) => r.status === 500)).toHaveLength(1);

    const rows = async () => {
      const r = await http(`${hub.url}/api/v1/outbox?limit=500`, { key: KEYS.engineer });
      return (r.body.items as { subject: { id: string }; status: string; attempts: number }[]).filter((o) => ids.includes(o.subject.id));
    };
    const first = await waitFor("four sent, one waiting", async () => {
      const r = await rows();
      return r.filter((o) => o.status === "sent").length === 4 && r;
    });
    expect(first.find((o) => o.subject.id === "NT-BATCH-3")).toMatchObject({ status: "pending", attempts: 1 });

    // the bureau is well again: the failed one goes on its retry, alone
    sim.setBehaviour("NT-BATCH-3", { silent: true });
    await waitFor("the fifth sent", async () => (await rows()).every((o) => o.status === "sent"), 20_000, 100);
    const retry = mine().filter((r) => JSON.stringify(r.body).includes("NT-BATCH-3"));
    expect(retry.map((r) => r.status)).toEqual([500, 200]);
    expect(retry[1].batch).toBeUndefined();
  }, 40_000);

  it("gives up what the bureau refuses for good (4xx): dead at once, the bureau's answer shown to engineers, the next of the key tried after it; an engineer's retry sends it", async () => {
    const { db } = await openDb({ databaseUrl: hub.cfg.databaseUrl, dataDir: hub.cfg.dataDir });
    const sim = hub.sims.police!;
    for (const id of ["NT-DEAD-1", "NT-DEAD-2"]) sim.setBehaviour(id, { silent: true });
    const batch = new OutboxBatch({ type: "notice", id: "NT-DEAD" }, new Date());
    batch.send("notice", { target: "CZ-GAJ-JJZD" }, notice("NT-DEAD-1"));
    batch.send("notice", { target: "CZ-GAJ-JJZD" }, notice("NT-DEAD-2"));
    const claimed = await insertBatch(sqlOf(db), batch);
    expect(claimed.map((c) => c.payload.noticeId)).toEqual(["NT-DEAD-1"]);
    const rows = async () => {
      const r = await http(`${hub.url}/api/v1/outbox?limit=500`, { key: KEYS.engineer });
      return (r.body.items as { id: string; subject: { id: string }; status: string; attempts: number; lastError: string | null }[]).filter((o) => o.subject.id === "NT-DEAD").reverse();
    };
    sim.setMode({ failStatus: 422 });
    try {
      handOff(hub.broker, claimed);
      // the first refused and given up (not retried); its turn over, the second is tried — and refused too
      const both = await waitFor(
        "both given up",
        async () => {
          const r = await rows();
          return r.length === 2 && r.every((o) => o.status === "dead") && r;
        },
        10_000,
        50,
      );
      expect(both.map((o) => o.attempts)).toEqual([1, 1]);
      for (const o of both) expect(o.lastError).toContain("422");
      const tried = sim.messages().filter((m) => /NT-DEAD-/.test(JSON.stringify(m.body)));
      expect(tried.map((m) => [JSON.stringify(m.body).includes("NT-DEAD-1") ? 1 : 2, m.status])).toEqual([
        [1, 422],
        [2, 422],
      ]);
    } finally {
      sim.setMode({});
    }
    const second = (await rows())[1];
    expect((await http(`${hub.url}/api/v1/outbox/${second.id}/retry`, { key: KEYS.engineer, body: {} })).status).toBe(200);
    await waitFor("the second sent on the engineer's retry", async () => (await rows())[1].status === "sent", 10_000, 50);
    expect(sim.notices().map((n) => n.noticeId)).toContain("NT-DEAD-2");
  }, 30_000);

  it("refuses a malformed command when it is queued, not when it is delivered", () => {
    const batch = new OutboxBatch({ type: "notice", id: "NT-BAD" }, new Date());
    expect(() => batch.send("notice", { target: "CZ-GAJ-JJZD" }, { noticeId: "NT-BAD" })).toThrow(/measures/);
    expect(batch.size).toBe(0);
  });
});
