/**
 * The whole 12345 loop on real NATS (JetStream) and PostgreSQL: every sample work order is
 * received, routed, signed for at 12345, worked by its unit, replied, called back and archived.
 */
import { startProductionHub, freePort, type TestHub, http, waitFor, KEYS } from "./harness";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";
import { validate } from "../contracts";

jest.setTimeout(90_000);

let hub: TestHub;
let metricsPort: number;

beforeAll(async () => {
  metricsPort = await freePort();
  hub = await startProductionHub({ METRICS_PORT: String(metricsPort) });
});

afterAll(async () => {
  await hub?.stop();
});

const get = (path: string, key = KEYS.agent) => http(hub.url + path, { key });

describe("12345 loop on NATS + PostgreSQL", () => {
  it("takes every sample work order from 派单 to 办结归档, signing before replying", async () => {
    const sim = hub.sims.hotline12345!;
    const sent = await sim.dispatchSamples(new Date());
    expect(sent).toHaveLength(8);
    for (const r of sent) expect(r.status).toBe(202);
    const caseIds = sent.map((r) => r.body.caseId as string);

    for (const id of caseIds) {
      await waitFor(`case ${id} archived`, async () => (await get(`/api/v1/cases/${id}`)).body.status === "ARCHIVED", 30_000);
    }

    const samples = loadSamples().map((s) => fromSample(s));
    for (const [i, id] of caseIds.entries()) {
      const c = (await get(`/api/v1/cases/${id}`)).body;
      const { timeline, tasks, outbound, statusLabel, ...view } = c;
      expect(validate("tongguan:canonical/case", view)).toEqual({ ok: true, value: view });
      expect(statusLabel).toBe("已办结归档");
      expect(c.origin.externalId).toBe(samples[i].orderNo);
      expect(c.owner.unitId).toMatch(/^(CZ|SQ)-/);
      expect(c.routing.reason).toContain("规则");
      expect(c.outcome).toBe(0);
      expect(c.satisfaction).toBeGreaterThanOrEqual(1);
      const types = timeline.map((e: { type: string }) => e.type);
      for (const t of ["RECEIVED", "ROUTED", "ACCEPTED", "REPLIED", "CALLBACK", "ARCHIVED", "OUTBOUND_DELIVERED"]) expect(types).toContain(t);
      expect(types.indexOf("RECEIVED")).toBeLessThan(types.indexOf("ROUTED"));
      // the rules decided, not 12345: 规则派单 is the hub's own step
      expect(timeline.find((e: { type: string }) => e.type === "ROUTED").actor).toEqual({ kind: "hub", id: "routing" });
      expect(timeline.find((e: { type: string }) => e.type === "RECEIVED").actor).toEqual({ kind: "system", id: "hotline12345" });
      expect(types.indexOf("REPLIED")).toBeLessThan(types.indexOf("ARCHIVED"));
      expect(outbound.every((o: { status: string }) => o.status === "sent")).toBe(true);
      // the reporter leaves the store masked
      if (c.reporter.phone) expect(c.reporter.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      expect(JSON.stringify(c)).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);

      // what 12345 saw: one sign-for, then one reply with the owner's outcome code
      const order = sim.order(samples[i].orderNo)!;
      expect(order.signedAt).toBeDefined();
      expect(order.replies).toHaveLength(1);
      expect(order.replies[0].outcome).toBe(0);
      const seen = sim.received.filter((r) => r.path.startsWith(`/work-orders/${encodeURIComponent(samples[i].orderNo)}/`) && !r.duplicate);
      const signAt = seen.findIndex((r) => r.path.endsWith("/sign"));
      const replyAt = seen.findIndex((r) => r.path.endsWith("/reply"));
      expect(signAt).toBeGreaterThanOrEqual(0);
      expect(replyAt).toBeGreaterThan(signAt);
      for (const r of seen) expect(r.idempotencyKey).toMatch(/^tongguan-OB/);
    }
  });

  it("shows engineers one circuit breaker per endpoint, named after the unit it calls", async () => {
    const flow = (await get("/api/v1/flow", KEYS.engineer)).body;
    const items = flow.breakers.items as { key: string; name: string; baseUrl: string }[];
    // embedded or not, every unit shares the simulator's base URL, yet each unit has its own breaker
    const units = items.filter((i) => i.key.startsWith("unit:"));
    expect(units.length).toBeGreaterThanOrEqual(2);
    expect(new Set(units.map((u) => u.baseUrl)).size).toBe(1);
    for (const u of units) {
      const id = u.key.slice("unit:".length);
      expect(u.name).toContain(`（${id}）`);
      // a 宿迁 unit's breaker never carries a 常州 name (and the other way round)
      if (id.startsWith("SQ-")) expect(u.name).not.toMatch(/钟楼|天宁|新北|武进/);
      if (id.startsWith("CZ-")) expect(u.name).not.toMatch(/宿城|宿豫|沭阳|泗阳|泗洪/);
    }
    expect(items.find((i) => i.key === "hotline12345")?.name).toBe("12345政务服务便民热线");
  });

  it("answers a repeated work order with the same case and creates nothing", async () => {
    const sim = hub.sims.hotline12345!;
    const order = fromSample(loadSamples()[0]);
    const again = await sim.dispatch(order);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    const list = (await get(`/api/v1/cases?origin=hotline12345&pageSize=200`)).body;
    expect(list.items.filter((c: { origin: { externalId: string } }) => c.origin.externalId === order.orderNo)).toHaveLength(1);
    const inbound = (await http(`${hub.url}/api/v1/inbound?outcome=duplicate`, { key: KEYS.engineer })).body.items;
    expect(inbound.some((m: { caseId: string; body: string }) => m.caseId === again.body.caseId && m.body.includes(order.orderNo))).toBe(true);
  });

  it("signs a work order posted by hand at 12345 within two seconds, by the rules", async () => {
    const sim = hub.sims.hotline12345!;
    const order = { ...fromSample(loadSamples()[2], new Date()), orderNo: "CZ2611230001234" };
    const t0 = Date.now();
    const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body: order });
    expect(r.status).toBe(202);
    await waitFor("sign-for at 12345", async () => sim.order(order.orderNo)?.signedAt, 5000, 20);
    expect(Date.now() - t0).toBeLessThan(2000);
    const c = (await get(`/api/v1/cases/${r.body.caseId}`)).body;
    expect(c.routing.decidedBy).toBe("rules");
    expect(c.routing.ruleId).toBeTruthy();
  });

  it("lists cases filtered by status and owner, paged", async () => {
    const all = (await get(`/api/v1/cases?pageSize=3&page=1`)).body;
    expect(all.items).toHaveLength(3);
    expect(all.total).toBeGreaterThanOrEqual(9);
    const page2 = (await get(`/api/v1/cases?pageSize=3&page=2`)).body;
    expect(page2.items[0].id).not.toBe(all.items[0].id);
    const owner = all.items[0].owner.unitId;
    const byOwner = (await get(`/api/v1/cases?owner=${owner}`)).body;
    expect(byOwner.items.every((c: { owner: { unitId: string } }) => c.owner.unitId === owner)).toBe(true);
    const archived = (await get(`/api/v1/cases?status=ARCHIVED&pageSize=200`)).body;
    expect(archived.items.every((c: { status: string }) => c.status === "ARCHIVED")).toBe(true);
    expect(archived.total).toBeGreaterThanOrEqual(8);
  });
});

describe("deadlines", () => {
  it("shows agents and engineers the cases past their handling deadline (超期)", async () => {
    const owner = "CZ-TN-HWC"; // 天宁区环境卫生管理处 owns sample 3 (垃圾清运)
    hub.sims.unit!.setBehaviour(owner, { silent: true });
    try {
      const base = fromSample(loadSamples()[2], new Date(Date.now() - 3 * 86_400_000));
      const late = { ...base, orderNo: "CZ2611200009999", handleDeadline: new Date(Date.now() - 3_600_000).toISOString() };
      const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body: late });
      expect(r.status).toBe(202);
      const overdue = (await get(`/api/v1/cases?overdue=true&pageSize=200`)).body;
      expect(overdue.items.map((c: { id: string }) => c.id)).toContain(r.body.caseId);
      expect(overdue.items.every((c: { handleDeadline: string; status: string }) => new Date(c.handleDeadline) < new Date() && ["TRIAGE", "DISPATCHED", "IN_PROGRESS"].includes(c.status))).toBe(true);
      const flow = (await http(`${hub.url}/api/v1/flow`, { key: KEYS.engineer })).body;
      expect(flow.overdue).toBeGreaterThanOrEqual(1);
      const onTime = (await get(`/api/v1/cases?status=ARCHIVED&pageSize=200`)).body.items.map((c: { id: string }) => c.id);
      expect(overdue.items.some((c: { id: string }) => onTime.includes(c.id))).toBe(false);
    } finally {
      hub.sims.unit!.setBehaviour(owner, {});
    }
  });
});

describe("metrics for engineers", () => {
  it("exports flow health to Prometheus: cases by status, overdue, outbox, and Moleculer's own", async () => {
    await waitFor(
      "gauges refreshed",
      async () => {
        const text = (await http(`http://127.0.0.1:${metricsPort}/metrics`)).body as string;
        return /tongguan_cases\{[^}]*status="ARCHIVED"[^}]*\} ([1-9]\d*)/.test(text) && text;
      },
      30_000,
      500,
    ).then((text) => {
      expect(text).toMatch(/tongguan_outbox\{[^}]*status="sent"[^}]*\} [1-9]/);
      expect(text).toMatch(/tongguan_cases_overdue\{[^}]*\} \d+/);
      expect(text).toMatch(/moleculer_request_total\{[^}]*action="cases\.open"/);
    });
  });
});

describe("who am I", () => {
  it("tells any valid key its role, in Chinese too, and refuses an unknown key", async () => {
    expect((await http(`${hub.url}/api/v1/me`, { key: KEYS.agent })).body).toEqual({ role: "agent", roleLabel: "坐席" });
    expect((await http(`${hub.url}/api/v1/me`, { key: KEYS.hotline12345 })).body).toEqual({ role: "hotline12345", roleLabel: "12345热线平台" });
    expect((await http(`${hub.url}/api/v1/me`, { key: "nope" })).status).toBe(401);
  });

  it("names the city and district of every unit for pickers", async () => {
    const units = (await http(`${hub.url}/api/v1/units`, { key: KEYS.agent })).body.items;
    const zl = units.find((u: { unitId: string }) => u.unitId === "CZ-ZL-CGJ");
    expect(zl).toMatchObject({ cityName: "常州市", districtName: "钟楼区" });
  });
});
