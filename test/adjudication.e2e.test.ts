/**
 * 派单审定 (no 退单 ping-pong), on real NATS (JetStream) and PostgreSQL, through HTTP and the
 * simulators: a case refused by REFUSALS_BEFORE_ADJUDICATION units goes to ADJUDICATION (not
 * re-routed, not returned to 12345); an agent's 派单审定 names the owner and the basis, on the
 * timeline; a refusal after it comes straight back; 退单 stays possible.
 */
import { startProductionHub, type TestHub, http, waitFor, KEYS } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";
import type { WorkOrder12345 } from "../contracts/types";
import type { GridSimulator } from "../adapters/grid/simulator";

jest.setTimeout(60_000);

type Task = { id: string; unitId: string; unitName: string; role: string; round: number; status: string };
type Event = { type: string; summary: string; fromStatus: string | null; toStatus: string | null; actor: { kind: string; id?: string }; data?: Record<string, any> };

const WO = "/api/v1/hotline12345/work-orders";
// sample 0 is 占道经营 on 南大街: the rules' chain is 南大街街道 (属地) then 钟楼区城市管理局;
// 南大街街道 works through the grid system (units.json adapter "grid"): it refuses there (派遣退回)
const NDJ = "CZ-ZL-NDJ-JD";
const gridOf = (hub: TestHub) => (hub.sims as unknown as { grid: GridSimulator }).grid;
const CGJ = "CZ-ZL-CGJ";
const BASIS = "《常州市城市管理领域职责清单》第12项：占道经营的查处属城市管理部门职责";

function harness(env: Record<string, string>) {
  const h = {} as {
    hub: TestHub;
    post(orderNo: string): Promise<string>;
    getCase(id: string): Promise<any>;
    waitStatus(id: string, status: string): Promise<any>;
    simTasks(caseId: string, unitId?: string): ReturnType<NonNullable<TestHub["sims"]["unit"]>["tasks"]>;
  };
  beforeAll(async () => {
    h.hub = await startProductionHub({ LOG_LEVEL: "error", SIM_CALLBACK_DELAY_MS: "600000", ...env });
  });
  afterAll(async () => {
    await h.hub?.stop();
  });
  h.post = async (orderNo) => {
    const o: WorkOrder12345 = { ...fromSample(loadSamples()[0], new Date()), orderNo };
    const r = await http(h.hub.url + WO, { key: KEYS.hotline12345, body: o });
    expect(r.status).toBe(202);
    return r.body.caseId as string;
  };
  h.getCase = async (id) => {
    const r = await http(`${h.hub.url}/api/v1/cases/${id}`, { key: KEYS.agent });
    expect(r.status).toBe(200);
    return r.body;
  };
  h.waitStatus = (id, status) =>
    waitFor(`case ${id} status ${status}`, async () => {
      const c = await h.getCase(id);
      return c.status === status ? c : undefined;
    });
  h.simTasks = (caseId, unitId) => h.hub.sims.unit!.tasks().filter((t) => t.caseId === caseId && (!unitId || t.unitId === unitId));
  return h;
}

const ownerTasks = (c: { tasks: Task[] }) => c.tasks.filter((t) => t.role === "owner");
const events = (c: { timeline: Event[] }, type: string) => c.timeline.filter((e) => e.type === type);

describe("派单审定 with the default REFUSALS_BEFORE_ADJUDICATION (2)", () => {
  const h = harness({});

  it("re-routes after the first refusal, sends the case to 派单审定 after the second, and an agent's decision dispatches it", async () => {
    const { hub } = h;
    const units = hub.sims.unit!;
    gridOf(hub).setBehaviour(NDJ, { refuse: true });
    units.setBehaviour(CGJ, { refuse: true });
    const no = "CZ2611000000901";
    const id = await h.post(no);

    const c = await h.waitStatus(id, "ADJUDICATION");
    expect(c.statusLabel).toBe("待派单审定");
    expect(c.owner).toBeNull();
    // first refusal re-routed (one ROUTED at intake, one 重新派单), the second did not
    const routed = events(c, "ROUTED");
    expect(routed).toHaveLength(2);
    expect(routed[1].summary).toContain("重新派单");
    expect(events(c, "REFUSED")).toHaveLength(2);
    expect(events(c, "RETURNED")).toHaveLength(0);
    const req = events(c, "ADJUDICATION_REQUESTED");
    expect(req).toHaveLength(1);
    expect(req[0]).toMatchObject({ fromStatus: "DISPATCHED", toStatus: "ADJUDICATION", actor: { kind: "hub" } });
    expect(req[0].summary).toContain("钟楼区南大街街道办事处");
    expect(req[0].summary).toContain("钟楼区城市管理局");
    expect(req[0].summary).toContain("提请派单审定");
    expect(req[0].data!.refusals.map((r: { unitId: string }) => r.unitId)).toEqual([NDJ, CGJ]);
    for (const r of req[0].data!.refusals) expect(r.reason).toEqual(expect.any(String));
    expect(req[0].data!.threshold).toBe(2);
    // no unit holds an open task; 12345 is not told (only the first sign-for)
    expect(ownerTasks(c).map((t) => [t.unitId, t.status])).toEqual([
      [NDJ, "refused"],
      [CGJ, "refused"],
    ]);
    // 南大街街道 got its dispatch and refused it through the grid system
    expect(gridOf(hub).dispatchesOf(ownerTasks(c)[0].id)[0]).toMatchObject({ status: "refused", dispatch: { unitId: NDJ, caseId: id } });
    await new Promise((r) => setTimeout(r, 500));
    const order = hub.sims.hotline12345!.order(no)!;
    expect(order.returned).toBeUndefined();
    expect(order.signedBy).toBe("钟楼区南大街街道办事处");

    // the list by status, the console's buttons for it, and 催办 while waiting
    const list = await http(`${hub.url}/api/v1/cases?status=ADJUDICATION`, { key: KEYS.agent });
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(id);
    expect(list.body.items.every((x: { status: string }) => x.status === "ADJUDICATION")).toBe(true);
    const meta = (await http(`${hub.url}/api/v1/meta`, { key: KEYS.agent })).body;
    expect(meta.statuses).toContainEqual({ value: "ADJUDICATION", label: "待派单审定" });
    expect(meta.actions.ADJUDICATION.map((a: { action: string }) => a.action)).toEqual(["adjudicate", "returnCase"]);
    expect(meta.eventTypes).toEqual(expect.arrayContaining([expect.objectContaining({ value: "ADJUDICATED", label: "派单审定" })]));
    const urge = await http(`${hub.url}${WO}/${no}/urge`, { key: KEYS.hotline12345, body: { level: "催办", text: "请尽快明确承办单位" } });
    expect(urge.status).toBe(200);
    expect(urge.body).toEqual({ caseId: id, status: "ADJUDICATION" });
    expect(events(await h.getCase(id), "URGED")[0].summary).toContain("待派单审定");

    // units cannot act on it; an agent must give a basis
    const reassign = await http(`${hub.url}/api/v1/cases/${id}/reassign`, { key: KEYS.agent, body: { unitId: CGJ, reason: "改派" } });
    expect(reassign.status).toBe(409);
    expect(reassign.body.error.code).toBe("ILLEGAL_TRANSITION");
    const noBasis = await http(`${hub.url}/api/v1/cases/${id}/adjudicate`, { key: KEYS.agent, body: { unitId: CGJ } });
    expect(noBasis.status).toBe(422);
    expect(noBasis.body.error.errors.map((e: { pointer: string }) => e.pointer)).toContain("/basis");
    const byEngineer = await http(`${hub.url}/api/v1/cases/${id}/adjudicate`, { key: KEYS.engineer, body: { unitId: CGJ, basis: BASIS } });
    expect(byEngineer.status).toBe(403);

    // 派单审定 to the bureau: a fresh task for it, the decision, its basis and who decided on the timeline
    units.setBehaviour(CGJ, { silent: true });
    const a = await http(`${hub.url}/api/v1/cases/${id}/adjudicate`, { key: KEYS.agent, body: { unitId: CGJ, basis: BASIS, note: "请依职责查处" } });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ caseId: id, status: "DISPATCHED" });
    const d = await h.getCase(id);
    expect(d.status).toBe("DISPATCHED");
    expect(d.owner).toEqual({ unitId: CGJ, unitName: "钟楼区城市管理局" });
    expect(d.routing).toMatchObject({ decidedBy: "agent" });
    expect(d.routing.reason).toContain(BASIS);
    const adj = events(d, "ADJUDICATED");
    expect(adj).toHaveLength(1);
    expect(adj[0]).toMatchObject({ fromStatus: "ADJUDICATION", toStatus: "DISPATCHED", actor: { kind: "agent", id: "agent" } });
    expect(adj[0].data).toMatchObject({ unitId: CGJ, basis: BASIS, decidedBy: "agent", refusals: 2 });
    expect(adj[0].summary).toContain(BASIS);
    const fresh = ownerTasks(d).filter((t) => t.status === "sent");
    expect(fresh.map((t) => t.unitId)).toEqual([CGJ]);
    await waitFor("the bureau received the adjudicated task", async () => h.simTasks(id, CGJ).some((t) => t.taskId === fresh[0].id));
    expect(events(d, "RETURNED")).toHaveLength(0);
    const again = await http(`${hub.url}/api/v1/cases/${id}/adjudicate`, { key: KEYS.agent, body: { unitId: NDJ, basis: BASIS } });
    expect(again.status).toBe(409);

    // a refusal after 派单审定 goes straight back to it (not re-routed); 退单 is still possible there
    const r = await http(`${hub.url}/api/v1/units/${CGJ}/tasks/${fresh[0].id}/refuse`, { key: KEYS.units, body: { reason: "仍认为不属本局职责" } });
    expect(r.status).toBe(200);
    const back = await h.waitStatus(id, "ADJUDICATION");
    expect(events(back, "ADJUDICATION_REQUESTED")).toHaveLength(2);
    expect(events(back, "ROUTED")).toHaveLength(2);
    const ret = await http(`${hub.url}/api/v1/cases/${id}/return`, { key: KEYS.agent, body: { reason: "经审定不属本市行政机关职责，退回12345" } });
    expect(ret.status).toBe(200);
    expect(ret.body.status).toBe("RETURNED");
    await waitFor("12345 received the 退单", async () => hub.sims.hotline12345!.order(no)?.returned);
    gridOf(hub).setBehaviour(NDJ, {});
    units.setBehaviour(CGJ, {});
  });
});

describe("派单审定 with REFUSALS_BEFORE_ADJUDICATION=1", () => {
  const h = harness({ REFUSALS_BEFORE_ADJUDICATION: "1" });

  it("sends the case to 派单审定 on its first refusal, without trying the next unit", async () => {
    const grid = gridOf(h.hub);
    grid.setBehaviour(NDJ, { refuse: true });
    const no = "CZ2611000000902";
    const id = await h.post(no);
    const c = await h.waitStatus(id, "ADJUDICATION");
    expect(events(c, "ROUTED")).toHaveLength(1);
    const req = events(c, "ADJUDICATION_REQUESTED");
    expect(req).toHaveLength(1);
    expect(req[0].data!.refusals.map((r: { unitId: string }) => r.unitId)).toEqual([NDJ]);
    expect(req[0].data!.threshold).toBe(1);
    expect(req[0].data!.nextByRules).toMatchObject({ unitId: CGJ });
    expect(ownerTasks(c).map((t) => t.unitId)).toEqual([NDJ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.simTasks(id, CGJ)).toHaveLength(0);
    expect(h.hub.sims.hotline12345!.order(no)?.returned).toBeUndefined();
  });
});
