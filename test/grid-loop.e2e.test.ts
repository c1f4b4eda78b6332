/**
 * Issue 7 on real NATS + PostgreSQL: a grid event runs the 7-step loop (采集→立案→派遣→处置→反馈→
 * 核查结案); an inspector's on-the-spot fix is recorded, not opened; bad codes are refused with the
 * segment named and nothing written; the deadline job on a test clock warns, urges and supervises
 * at the right working hour across a weekend and across 国庆 with its 调休 Saturday, and tells the
 * origin (the grid system, 12345) each time; photos are kept on the case and shown to the
 * supervisor; a street office that works through the grid system (南大街街道) gets its dispatch,
 * its urges and its recall there.
 */
import type { GridSimulator } from "../adapters/grid/simulator";
import type { Hotline12345Simulator } from "../adapters/hotline12345/simulator";
import type { UnitSimulator } from "../adapters/unit/simulator";
import { startProductionHub, type TestHub, http, waitFor, KEYS, postWorkOrder, workOrder } from "./harness";

jest.setTimeout(120_000);

const event = (fields: Record<string, unknown>) => ({
  eventId: `GE${Date.now()}${Math.floor(Math.random() * 1e6)}`,
  reportedAt: new Date().toISOString(),
  reporter: { id: "JD0401017", role: "监督员" },
  kind: "事件",
  majorCode: "01",
  minorCode: "02", // 暴露垃圾: 处置 4 工作时
  gridCode: "32040400100301",
  address: "钟楼区南大街12号门前",
  description: "人行道旁有一堆生活垃圾无人清运。",
  ...fields,
});

async function postEvent(hub: TestHub, body: unknown) {
  return http(`${hub.url}/api/v1/grid/events`, { key: KEYS.grid, body });
}
const getCase = async (hub: TestHub, id: string) => (await http(`${hub.url}/api/v1/cases/${id}`, { key: KEYS.agent })).body;
/** The case once the loop closed it (结案, archived after the supervisor's check). */
const closedAfterVerification = (hub: TestHub, id: string) =>
  waitFor(
    "closed after verification",
    async () => {
      const c = await getCase(hub, id);
      return c.status === "ARCHIVED" && c;
    },
    40_000,
    200,
  );
const gridSim = (hub: TestHub) => (hub.sims as unknown as { grid: GridSimulator }).grid;
const NDJ = "CZ-ZL-NDJ-JD"; // 钟楼区南大街街道办事处: works through the grid system (units.json adapter "grid")
const ownerTask = (c: { tasks: { id: string; role: string; unitId: string }[] }) => c.tasks.filter((t) => t.role === "owner").at(-1)!;
const types = (c: { timeline: { type: string }[] }) => c.timeline.map((e) => e.type);

describe("a grid event through the 7-step loop", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startProductionHub({ LOG_LEVEL: "error", SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "100" });
  });
  afterAll(async () => hub?.stop());

  it("is dispatched, handled, verified on site by a supervisor and closed", async () => {
    const r = await postEvent(hub, event({}));
    expect(r.status).toBe(202);
    const closed = await closedAfterVerification(hub, r.body.caseId);
    expect(closed.cityManagement).toMatchObject({ kind: "事件", majorCode: "01", minorCode: "02" });
    const t = types(closed);
    for (const step of ["RECEIVED", "DEADLINE_SET", "ROUTED", "ACCEPTED", "REPLIED", "VERIFICATION_REQUESTED", "VERIFIED", "ARCHIVED"]) expect(t).toContain(step);
    expect(t.indexOf("VERIFICATION_REQUESTED")).toBeLessThan(t.indexOf("VERIFIED"));
  });

  it("keeps the photos of the report, the disposal and the check on the case, and shows the first two to the unit and the supervisor", async () => {
    const reportPhoto = `https://grid.example.gov.cn/photos/e2e-${Date.now()}-1.jpg`;
    const r = await postEvent(hub, event({ photos: [reportPhoto] }));
    expect(r.status).toBe(202);
    const closed = await closedAfterVerification(hub, r.body.caseId);
    // 南大街街道 works through the grid system: the dispatch went there, with the report photo
    expect(closed.owner.unitId).toBe(NDJ);
    const task = ownerTask(closed);
    const dispatch = gridSim(hub).dispatchesOf(task.id)[0];
    expect(dispatch.dispatch.unitId).toBe(NDJ);
    expect(dispatch.dispatch.photos).toEqual([{ url: reportPhoto, kind: "上报", by: "监督员 JD0401017", at: expect.any(String) }]);
    const disposal = `https://grid.example.gov.cn/photos/${encodeURIComponent(task.id)}-after.jpg`;
    const verification = [...gridSim(hub).verifications.values()].find((v) => v.request.caseId === closed.id)!;
    expect(verification.request.photos!.map((p) => [p.kind, p.url])).toEqual([
      ["上报", reportPhoto],
      ["处置", disposal],
    ]);
    expect(verification.request.photos![1].by).toContain("钟楼区南大街街道办事处");
    const check = `https://grid.example.gov.cn/photos/${encodeURIComponent(verification.request.verificationId)}-check.jpg`;
    expect(closed.attachments.map((a: { kind: string; url: string }) => [a.kind, a.url])).toEqual([
      ["上报", reportPhoto],
      ["处置", disposal],
      ["核查", check],
    ]);
    for (const a of closed.attachments) expect(Number.isNaN(Date.parse(a.at))).toBe(false);
    expect(closed.attachments[2].by).toBe("监督员 JD0000001");
  });

  it("records an inspector's on-the-spot fix without opening a case", async () => {
    const r = await postEvent(hub, event({ fixedOnSite: true, description: "监督员已将垃圾清理" }));
    expect(r.status).toBe(202);
    const c = await getCase(hub, r.body.caseId);
    expect(c.status).toBe("RECORDED");
    expect(c.owner).toBeNull();
    expect(c.outbound).toEqual([]);
  });

  it("refuses a bad grid code, taxonomy code or coordinates naming what is wrong, and writes no case", async () => {
    const before = (await http(`${hub.url}/api/v1/cases?pageSize=1`, { key: KEYS.agent })).body.total;
    const badGrid = await postEvent(hub, event({ gridCode: "32040499900301" }));
    expect(badGrid.status).toBeGreaterThanOrEqual(400);
    expect(badGrid.status).toBeLessThan(500);
    expect(JSON.stringify(badGrid.body.error)).toContain("999");
    const badMinor = await postEvent(hub, event({ minorCode: "98" }));
    expect(badMinor.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(badMinor.body.error)).toMatch(/小类/);
    const badPoint = await postEvent(hub, event({ gridCode: undefined, lng: 116.4, lat: 39.9 }));
    expect(badPoint.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(badPoint.body.error)).toMatch(/坐标|范围/);
    expect((await http(`${hub.url}/api/v1/cases?pageSize=1`, { key: KEYS.agent })).body.total).toBe(before);
  });
});

describe("loop deadlines on the working calendar, on a test clock", () => {
  let hub: TestHub;
  beforeAll(async () => {
    // units sign at once and then take their time: the cases stay 办理中 while the clock moves; 12345's city-management orders run the loop too
    hub = await startProductionHub({ LOG_LEVEL: "error", SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "600000", DEADLINE_SWEEP_CRON: "0 0 1 1 *", LOOP_SOURCES: "hotline12345" });
  });
  afterAll(async () => hub?.stop());

  const sweep = async (now: string) => (await http(`${hub.url}/api/v1/jobs/deadline-sweep/run`, { key: KEYS.engineer, body: { now } })).body;
  const urges = async (id: string) =>
    ((await getCase(hub, id)).timeline as { type: string; data: { level?: string; to?: string } }[]).filter((e) => e.type === "URGED").map((e) => [e.data.level, e.data.to]);
  /** what the grid system (as the event's origin) was told, as [level, when, overdue] */
  const gridNotices = (eventId: string) =>
    gridSim(hub)
      .overdueNotices.filter((n) => n.eventId === eventId)
      .map((n) => [n.level, n.notifiedAt, n.overdue]);
  const sim12345 = () => hub.sims.hotline12345 as Hotline12345Simulator;
  const notices12345 = (orderNo: string) => (sim12345().order(orderNo)?.overdue ?? []).map((n) => [n.level, n.notifiedAt, n.limitType]);
  /** the notices are delivered after the sweep's commit: wait until the origin's simulator holds `n` */
  const heard = <T>(what: string, read: () => T[], n: number) => waitFor(what, async () => read().length >= n && read());

  it("across a weekend: reported Friday 16:00 with 4 工作时 is due Monday 11:00; 预警 at 10:05, 催办 at 11:05, 督办 to the supervisor a working day later — and the origin is told each time", async () => {
    const r = await postEvent(hub, event({ reportedAt: "2026-11-27T16:00:00+08:00" }));
    expect(r.status).toBe(202);
    const id = r.body.caseId;
    const eventId = (await getCase(hub, id)).origin.externalId;
    // the same matter by 12345 in 天宁区 (LOOP_SOURCES): its origin is 12345
    const order = workOrder({
      receivedAt: "2026-11-27T16:00:00+08:00",
      category: ["城市管理", "环境卫生", "暴露垃圾"],
      title: "茶山街道小区北门外暴露垃圾",
      content: "来电人反映茶山街道某小区北门外空地上堆了一堆生活垃圾，好几天没人清运。",
      address: "常州市天宁区茶山街道某小区北门外空地",
      region: { city: "常州市", district: "天宁区", street: "茶山街道" },
    });
    const id12345 = await postWorkOrder(hub, order);
    const orderNo = order.orderNo as string;
    const c = await waitFor("signed", async () => {
      const x = await getCase(hub, id);
      return x.status === "IN_PROGRESS" && x;
    });
    const c12345 = await waitFor("12345 order signed", async () => {
      const x = await getCase(hub, id12345);
      return x.status === "IN_PROGRESS" && x;
    });
    expect(c.handleDeadline).toBe("2026-11-30T03:00:00.000Z"); // Monday 11:00 +08
    expect(c12345.handleDeadline).toBe("2026-11-30T03:00:00.000Z");
    await sweep("2026-11-28T10:00:00+08:00"); // Saturday: nothing
    await sweep("2026-11-30T09:55:00+08:00"); // 1 h 05 left: nothing yet
    expect(await urges(id)).toEqual([]);
    expect(gridNotices(eventId)).toEqual([]);
    await sweep("2026-11-30T10:05:00+08:00");
    expect((await urges(id)).map((u) => u[0])).toEqual(["预警"]);
    await sweep("2026-11-30T11:05:00+08:00");
    expect((await urges(id)).map((u) => u[0])).toEqual(["预警", "催办"]);
    await sweep("2026-12-01T11:05:00+08:00"); // 7.6 working hours after the deadline
    expect((await urges(id)).map((u) => u[0])).toEqual(["预警", "催办"]);
    await sweep("2026-12-01T11:35:00+08:00"); // 8 working hours: 督办
    const all = await urges(id);
    expect(all.map((u) => u[0])).toEqual(["预警", "催办", "督办"]);
    expect(all[2][1]).not.toBe(c.owner.unitId); // to the owner's supervisor
    expect(all[2][1]).toBe("CZ-ZL-CGJ");

    // the grid system, which reported the event, heard each one at the hour it was raised
    await heard("the grid system's notices", () => gridNotices(eventId), 3);
    expect(gridNotices(eventId)).toEqual([
      ["预警", "2026-11-30T02:05:00.000Z", false],
      ["催办", "2026-11-30T03:05:00.000Z", true],
      ["督办", "2026-12-01T03:35:00.000Z", true],
    ]);
    const sup = gridSim(hub).overdueNotices.find((n) => n.eventId === eventId && n.level === "督办")!;
    expect(sup).toMatchObject({ caseId: id, limitKind: "处置", deadline: "2026-11-30T03:00:00.000Z", unitName: "钟楼区南大街街道办事处", supervisorName: "钟楼区城市管理局" });
    // 南大街街道 works through the grid system: its 预警 and 催办 reached it there; the 督办 went to its supervisor (a unit on the generic interface)
    const dispatch = gridSim(hub).dispatchesOf(ownerTask(c).id)[0];
    expect(dispatch.urges.map((u) => [u.level, u.unitId, u.urgedAt])).toEqual([
      ["预警", NDJ, "2026-11-30T02:05:00.000Z"],
      ["催办", NDJ, "2026-11-30T03:05:00.000Z"],
    ]);
    const unitSim = hub.sims.unit as UnitSimulator;
    // the supervisor holds no task of its own: it gets a 督办单 naming the owner, and takes it (the outbox row is sent, not failed)
    const supervision = await waitFor("the supervisor's 督办单", async () => unitSim.supervisions.find((x) => x.unitId === "CZ-ZL-CGJ" && x.urge.caseId === id));
    expect(supervision.urge).toMatchObject({ level: "督办", taskId: ownerTask(c).id, ownerUnitId: NDJ, ownerUnitName: "钟楼区南大街街道办事处" });
    const sent = await waitFor("the 督办 delivered", async () => {
      const rows = (await getCase(hub, id)).outbound as { kind: string; target: string | null; status: string }[];
      const row = rows.find((r) => r.kind === "urge" && r.target === "CZ-ZL-CGJ");
      return row?.status === "sent" && row;
    });
    expect(sent.status).toBe("sent");
    // 12345 heard of its order in its own format, at the same hours
    await heard("12345's notices", () => notices12345(orderNo), 3);
    expect(notices12345(orderNo)).toEqual([
      ["预警", "2026-11-30T02:05:00.000Z", "办理时限"],
      ["催办", "2026-11-30T03:05:00.000Z", "办理时限"],
      ["督办", "2026-12-01T03:35:00.000Z", "办理时限"],
    ]);
    expect(sim12345().order(orderNo)!.overdue[2]).toMatchObject({ overdue: true, unitName: "天宁区茶山街道办事处", supervisorName: "天宁区城市管理局" });
    const timeline = (await getCase(hub, id12345)).timeline as { type: string; summary: string }[];
    expect(timeline.filter((e) => e.type === "URGED").every((e) => e.summary.includes("已通报12345"))).toBe(true);
  });

  it("across 国庆: reported 30 September 16:00 is due 8 October 11:00, and a 调休 Saturday counts as a working day", async () => {
    const a = await postEvent(hub, event({ reportedAt: "2026-09-30T16:00:00+08:00" }));
    const ca = await waitFor("dispatched", async () => {
      const x = await getCase(hub, a.body.caseId);
      return x.handleDeadline && x;
    });
    expect(ca.handleDeadline).toBe("2026-10-08T03:00:00.000Z");
    await sweep("2026-10-03T10:30:00+08:00"); // in the holiday
    expect(await urges(ca.id)).toEqual([]);
    // 道路保洁 2 工作时 reported Friday 9 October 17:00: 0.5 h that day, 1.5 h on the 调休 Saturday → 10 October 10:00
    const b = await postEvent(hub, event({ minorCode: "04", reportedAt: "2026-10-09T17:00:00+08:00" }));
    const cb = await waitFor("dispatched", async () => {
      const x = await getCase(hub, b.body.caseId);
      return x.handleDeadline && x;
    });
    expect(cb.handleDeadline).toBe("2026-10-10T02:00:00.000Z");
    await sweep("2026-10-10T10:05:00+08:00");
    expect((await urges(cb.id)).map((u) => u[0])).toEqual(["催办"]); // past the deadline: 催办 (the test clock skipped the 预警 window)
    await heard("the grid system's notice", () => gridNotices(cb.origin.externalId), 1);
    expect(gridNotices(cb.origin.externalId)).toEqual([["催办", "2026-10-10T02:05:00.000Z", true]]);
    // the first case: nothing during the holiday (the sweep of 3 October), 催办 once its deadline of 8 October had passed
    expect(gridNotices(ca.origin.externalId)).toEqual([["催办", "2026-10-10T02:05:00.000Z", true]]);
  });

  it("recalls a dispatch through the grid system when an agent moves the case (改派)", async () => {
    const r = await postEvent(hub, event({ description: "路口暴露垃圾，待改派" }));
    const c = await waitFor("signed", async () => {
      const x = await getCase(hub, r.body.caseId);
      return x.status === "IN_PROGRESS" && x;
    });
    expect(c.owner.unitId).toBe(NDJ);
    const task = ownerTask(c);
    const moved = await http(`${hub.url}/api/v1/cases/${c.id}/reassign`, { key: KEYS.agent, body: { unitId: "CZ-ZL-CGJ", reason: "属区城管局职责" } });
    expect(moved.status).toBe(200);
    const recalled = await waitFor("the grid system hears the recall", async () => {
      const d = gridSim(hub).dispatchesOf(task.id)[0];
      return d?.status === "recalled" && d;
    });
    expect(recalled.recall).toMatchObject({ dispatchId: task.id, caseId: c.id, unitId: NDJ });
    expect(recalled.recall!.reason).toContain("钟楼区城市管理局");
  });
});

describe("the same manhole reported by 12345 and the grid", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startProductionHub({ LOG_LEVEL: "error", SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "1500", SIM_CALLBACK_DELAY_MS: "200" });
  });
  afterAll(async () => hub?.stop());

  it("becomes one master case; when it closes, each origin is answered in its own format", async () => {
    const g = await postEvent(
      hub,
      event({
        kind: "部件",
        majorCode: "01",
        minorCode: "01",
        objectCode: "3204040101000077",
        lng: 119.956,
        lat: 31.779,
        address: "钟楼区南大街12号门前人行道",
        description: "人行道上一处上水井盖缺失，已有行人踩空。",
      }),
    );
    expect(g.status).toBe(202);
    const order = {
      orderNo: `CZ${Date.now()}`.slice(0, 16),
      receivedAt: new Date().toISOString(),
      appealType: "投诉",
      category: ["城市管理", "市政设施", "窨井盖"],
      title: "南大街12号门口井盖没了",
      content: "来电人反映南大街12号门口人行道上的井盖没有了，很危险，要求尽快补上。",
      address: "常州市钟楼区南大街12号",
      gridCode: "32040400100301",
      location: { lng: 119.9562, lat: 31.7791 },
      region: { city: "常州市", district: "钟楼区", street: "南大街街道" },
    };
    const o = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body: order });
    expect(o.status).toBe(202);
    const linked = await getCase(hub, o.body.caseId);
    expect(linked.status).toBe("MERGED");
    expect(linked.merge.masterId).toBe(g.body.caseId);
    expect(linked.merge.why).toMatch(/相距 \d+ 米/);
    const master = await getCase(hub, g.body.caseId);
    expect(types(master)).toContain("LINKED");

    // the master runs the loop; then the 12345 order gets its reply in 12345's format and its 回访
    const answered = await waitFor(
      "the 12345 order answered and archived",
      async () => {
        const c = await getCase(hub, o.body.caseId);
        return c.status === "ARCHIVED" && c;
      },
      60_000,
      250,
    );
    expect(types(answered)).toContain("MERGED_ANSWERED");
    expect(answered.outbound.some((m: { system: string; kind: string; status: string }) => m.system === "hotline12345" && m.kind === "reply" && m.status === "sent")).toBe(true);
    expect((await getCase(hub, g.body.caseId)).status).toBe("ARCHIVED");
  });

  it("an engineer can undo a merge: the case is routed on its own", async () => {
    const g = await postEvent(hub, event({ address: "钟楼区南大街88号", lng: 119.957, lat: 31.7795, description: "路边暴露垃圾" }));
    const o = await http(`${hub.url}/api/v1/hotline12345/work-orders`, {
      key: KEYS.hotline12345,
      body: {
        orderNo: `CZ${Date.now()}9`.slice(0, 16),
        receivedAt: new Date().toISOString(),
        appealType: "投诉",
        category: ["城市管理", "环境卫生", "暴露垃圾"],
        content: "来电人反映南大街88号路边有一堆暴露垃圾没人清运。",
        address: "常州市钟楼区南大街88号",
        gridCode: "32040400100301",
        location: { lng: 119.9571, lat: 31.7796 },
      },
    });
    const c = await getCase(hub, o.body.caseId);
    expect(c.status).toBe("MERGED");
    const r = await http(`${hub.url}/api/v1/cases/${c.id}/unmerge`, { key: KEYS.engineer, body: { reason: "经核实为两处垃圾点" } });
    expect(r.status).toBe(200);
    const after = await getCase(hub, c.id);
    expect(["DISPATCHED", "IN_PROGRESS", "TRIAGE"]).toContain(after.status);
    expect(after.merge).toBeUndefined();
    expect(types(after)).toContain("UNMERGED");
    expect(g.status).toBe(202);
  });
});

describe("a 12319 ticket about city management enters the same loop (LOOP_SOURCES)", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startProductionHub({ LOG_LEVEL: "error", LOOP_SOURCES: "line12319", SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "300", SIM_CALLBACK_DELAY_MS: "200" });
  });
  afterAll(async () => hub?.stop());

  it("gets its grid class and disposal limit, is verified by the grid supervisors, and only then answered in 12319's format", async () => {
    const ticket = {
      ticketNo: `JS12319-${Date.now()}`,
      acceptTime: new Date().toISOString(),
      ticketType: "投诉",
      problemType: ["市容环境", "暴露垃圾"],
      subject: "新闸街道路边暴露垃圾",
      problemDesc: "来电人反映新闸街道某路边有一大堆生活垃圾好几天没人清运，臭味很重。",
      eventAddress: "常州市钟楼区新闸街道",
      cityName: "常州市",
      districtName: "钟楼区",
      streetName: "新闸街道",
    };
    const r = await http(`${hub.url}/api/v1/line12319/tickets`, { key: KEYS.line12319, body: ticket });
    expect(r.status).toBe(202);
    const done = await waitFor(
      "answered after 核查",
      async () => {
        const c = await getCase(hub, r.body.caseId);
        return ["REPLIED", "ARCHIVED"].includes(c.status) && types(c).includes("VERIFIED") && c;
      },
      40_000,
      200,
    );
    expect(done.cityManagement).toMatchObject({ kind: "事件" });
    const t = types(done);
    expect(t.indexOf("VERIFICATION_REQUESTED")).toBeGreaterThan(-1);
    expect(t.indexOf("VERIFIED")).toBeGreaterThan(t.indexOf("VERIFICATION_REQUESTED"));
    const replies = (done.outbound as { system: string; kind: string }[]).filter((m) => m.system === "line12319" && m.kind === "reply");
    expect(replies).toHaveLength(1);
  });
});
