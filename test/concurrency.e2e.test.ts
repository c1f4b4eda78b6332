/**
 * A hub plans each step on the copy of the case it last wrote, and writes it guarded by that
 * copy's version. When another node (here: the test, writing to the store directly as another
 * cases node would) changed the case meanwhile, the write does nothing and the step is planned
 * again on a fresh read: the unit gets the answer the store's state calls for, never one made
 * from a stale copy.
 */
import { Client } from "pg";
import { startProductionHub, type TestHub, http, waitFor, KEYS } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";

jest.setTimeout(60_000);

let hub: TestHub;
let pg: Client;
beforeAll(async () => {
  hub = await startProductionHub({ LOG_LEVEL: "error", SIM_CALLBACK_DELAY_MS: "600000" });
  pg = new Client({ connectionString: hub.cfg.databaseUrl });
  await pg.connect();
});
afterAll(async () => {
  await pg?.end();
  await hub?.stop();
});

async function dispatchedCase(n: number) {
  // 垃圾清运 → 天宁区环境卫生管理处, a unit on the generic interface (whose simulator the test silences and whose route it calls)
  const o = { ...fromSample(loadSamples()[2], new Date()), orderNo: `CZ26120100009${n}` };
  const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body: o });
  expect(r.status).toBe(202);
  const id = r.body.caseId as string;
  const c = (await http(`${hub.url}/api/v1/cases/${id}`, { key: KEYS.agent })).body;
  hub.sims.unit!.setBehaviour(c.owner.unitId, { silent: true });
  const task = c.tasks.find((t: { role: string }) => t.role === "owner");
  return { id, unitId: c.owner.unitId as string, taskId: task.id as string };
}

const accept = (unitId: string, taskId: string) =>
  http(`${hub.url}/api/v1/units/${encodeURIComponent(unitId)}/tasks/${encodeURIComponent(taskId)}/accept`, { key: KEYS.units, body: { acceptedAt: new Date().toISOString() } });

describe("a case changed elsewhere meanwhile", () => {
  it("refuses a sign-for the store's state does not allow, though this hub's copy would", async () => {
    const { id, unitId, taskId } = await dispatchedCase(1);
    // another node returned the case (退单) after this hub last wrote it
    await pg.query("UPDATE cases SET status = 'RETURNED', version = version + 1 WHERE id = $1", [id]);
    const r = await accept(unitId, taskId);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("ILLEGAL_TRANSITION");
    expect(r.body.error.message).toContain("已退单");
  });

  it("accepts a sign-for the store allows, though this hub's copy would refuse it", async () => {
    const { id, unitId, taskId } = await dispatchedCase(2);
    await pg.query("UPDATE cases SET status = 'TRIAGE', version = version + 1 WHERE id = $1", [id]);
    expect((await accept(unitId, taskId)).status).toBe(409); // this hub now holds a TRIAGE copy
    // another node put it back to 已派单待签收
    await pg.query("UPDATE cases SET status = 'DISPATCHED', version = version + 1 WHERE id = $1", [id]);
    const r = await accept(unitId, taskId);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("IN_PROGRESS");
    await waitFor("the case in progress in the store", async () => (await pg.query("SELECT status FROM cases WHERE id = $1", [id])).rows[0].status === "IN_PROGRESS");
  });
});
