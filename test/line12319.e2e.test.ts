/**
 * A 12319 ticket through the whole loop on real NATS (JetStream) and PostgreSQL, with the 12319
 * and unit simulators: 派单 in 12319's format → routed (or assigned from triage) → 签收 sent to
 * 12319 as accept → the unit's result sent as feedback in 12319's words → 12319's 回访 archives it.
 */
import type { Line12319Simulator } from "../adapters/line12319/simulator";
import { http, KEYS, startProductionHub, waitFor, type TestHub } from "./harness";

jest.setTimeout(90_000);

/** The harness's keys, with one for 12319 (its own when it has one). */
const KEY_SET: Record<string, string> = Object.assign({ line12319: "e2e-line12319-key-000000000" }, KEYS);
const LINE_KEY = KEY_SET.line12319;
let hub: TestHub;
let sim: Line12319Simulator;

beforeAll(async () => {
  hub = await startProductionHub({
    API_KEYS: Object.entries(KEY_SET)
      .map(([r, k]) => `${r}:${k}`)
      .join(","),
  });
  sim = (hub.sims as Record<string, unknown>).line12319 as Line12319Simulator;
});

afterAll(async () => {
  await hub?.stop();
});

const get = (path: string) => http(hub.url + path, { key: KEYS.agent });

describe("12319 ticket on NATS + PostgreSQL", () => {
  it("runs sign → reply → callback in 12319's own wire and archives the case", async () => {
    expect(sim).toBeDefined();
    const ticketNo = `E2E12319-${Date.now()}`;
    const r = await sim.dispatch({
      ticketNo,
      acceptTime: new Date().toISOString(),
      source: "热线电话",
      ticketType: "求助",
      problemType: ["市政设施", "窨井盖"],
      problemDesc: "钟楼区南大街街道延陵中路非机动车道一处窨井盖破损下陷，夜间骑车易摔倒，请求城管部门尽快更换井盖。",
      eventAddress: "常州市钟楼区南大街街道延陵中路非机动车道",
      districtName: "钟楼区",
      streetName: "南大街街道",
      gridCode: "32040400100302",
      callerName: "李先生",
      callerPhone: "",
      unknownVendorField: "x",
      timeLimit: 48,
    } as never);
    expect(r.status).toBe(202);
    const id = r.body.caseId as string;

    const c0 = (await get(`/api/v1/cases/${id}`)).body;
    expect(c0.origin).toMatchObject({ system: "line12319", externalId: ticketNo, channel: "热线电话" });
    if (c0.status === "TRIAGE") {
      const unitId = c0.routing?.proposals?.[0]?.unitId ?? "CZ-ZL-CGJ";
      expect((await http(`${hub.url}/api/v1/triage/${id}/assign`, { key: KEYS.agent, body: { unitId } })).status).toBe(200);
    }

    await waitFor(`case ${id} archived`, async () => (await get(`/api/v1/cases/${id}`)).body.status === "ARCHIVED", 40_000);
    // the simulator records its 回访 once the hub has answered it, a moment after the case is archived
    await waitFor("the simulator recorded its 回访", async () => (sim.ticket(ticketNo)?.visits.length ?? 0) >= 1);
    const t = sim.ticket(ticketNo)!;
    expect(t.accepted?.signDept).toBeTruthy();
    expect(t.feedbacks).toHaveLength(1);
    expect(t.feedbacks[0].handleResult).toBe("已解决");
    expect(t.visits.map((v) => [v.body.visitResult, v.status])).toEqual([["满意", 200]]);

    const c = (await get(`/api/v1/cases/${id}`)).body;
    const types = c.timeline.map((e: { type: string }) => e.type);
    for (const ty of ["RECEIVED", "ACCEPTED", "REPLIED", "CALLBACK", "ARCHIVED"]) expect(types).toContain(ty);
    expect(c.timeline.find((e: { type: string }) => e.type === "RECEIVED").actor).toEqual({ kind: "system", id: "line12319" });
    expect(c.outbound.every((o: { status: string; system: string }) => o.status === "sent")).toBe(true);
    // signed before replied, in 12319's paths
    const paths = sim.receivedOn(`/tickets/${encodeURIComponent(ticketNo)}/`).map((x) => x.path.split("/").pop());
    expect(paths.indexOf("accept")).toBeLessThan(paths.indexOf("feedback"));
  });

  it("a repeated ticket number is a duplicate; a ticket without text or location is refused naming them", async () => {
    const ticket = { ticketNo: `E2E12319-D${Date.now()}`, acceptTime: new Date().toISOString(), problemDesc: "路灯不亮", districtName: "钟楼区" };
    const post = (body: unknown) => http(`${hub.url}/api/v1/line12319/tickets`, { key: LINE_KEY, body });
    const first = await post(ticket);
    expect(first.status).toBe(202);
    expect((await post(ticket)).body).toEqual({ caseId: first.body.caseId, duplicate: true });
    const bad = await post({ ticketNo: `E2E12319-B${Date.now()}`, acceptTime: new Date().toISOString(), problemDesc: "", eventAddress: "" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/problemDesc", "/eventAddress"]);
    // 12345's key does not open 12319's routes
    expect((await http(`${hub.url}/api/v1/line12319/tickets`, { key: KEYS.hotline12345, body: ticket })).status).toBe(403);
  });
});
