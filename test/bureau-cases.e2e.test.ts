/**
 * Cases routed by the routing to a bureau's units reach them through the bureau's own system, on
 * real NATS (JetStream) and PostgreSQL: a 12345 order about 占用消防通道 goes to the police as a
 * 警情工单 (its 辖区大队 and the plate it mentions), one about a 出租车 to transport with the plate
 * and kind of transport, one about a construction site to housing with its project; each bureau's
 * simulator signs and replies on the bureau's own routes and 12345 gets the answer; a unit's 退回
 * through its bureau re-dispatches the case (here to the city bureau, through the same system).
 */
import { http, KEYS, postWorkOrder, startProductionHub, type TestHub, waitFor, workOrder } from "./harness";

jest.setTimeout(60_000);

let hub: TestHub;

beforeAll(async () => {
  hub = await startProductionHub({ LOG_LEVEL: "error", SIM_CALLBACK_DELAY_MS: "600000" });
});

afterAll(async () => {
  await hub?.stop();
});

type Task = { id: string; unitId: string; role: string; status: string };
type Event = { type: string; summary: string };

const getCase = async (id: string) => {
  const r = await http(`${hub.url}/api/v1/cases/${id}`, { key: KEYS.agent });
  expect(r.status).toBe(200);
  return r.body;
};
const waitCase = (id: string, what: string, pred: (c: any) => boolean) =>
  waitFor(`case ${id} ${what}`, async () => {
    const c = await getCase(id);
    return pred(c) ? c : undefined;
  });
const sim = (system: "police" | "housing" | "transport") => hub.sims[system]!;
const order12345 = (no: string) => hub.sims.hotline12345!.order(no);

describe("a 12345 order routed to a police unit", () => {
  it("arrives at the police as a 警情工单 with its 辖区大队 and the plate, is signed (qs) and replied (bj), and 12345 gets the answer", async () => {
    const order = workOrder({
      orderNo: "SQ2612000000101",
      appealType: "举报",
      category: ["交通运输", "道路交通秩序", "占用消防通道"],
      title: "私家车长期占用小区消防通道",
      content: "举报人称顺河街道某小区3号楼旁消防通道长期停放私家车，其中苏N·12345已一个月未移动，消防车无法通行，要求交警处理。",
      address: "宿迁市宿豫区顺河街道某小区3号楼东侧消防通道",
      region: { city: "宿迁市", district: "宿豫区", street: "顺河街道" },
    });
    const id = await postWorkOrder(hub, order);
    const c = await getCase(id);
    expect(c.owner).toEqual({ unitId: "SQ-SY-JJDD", unitName: "宿迁市公安局交通警察支队宿豫大队" });
    const task = c.tasks.find((t: Task) => t.role === "owner") as Task;
    expect(c.outbound.find((o: { kind: string; system: string }) => o.kind === "task")).toMatchObject({ system: "police", target: "SQ-SY-JJDD" });

    // the police's own wire
    const held = await waitFor("the police received the 工单", async () => sim("police").task(task.id));
    expect(held).toMatchObject({ unitId: "SQ-SY-JJDD", caseId: id, role: "owner", rework: 0 });
    expect(held.body).toMatchObject({
      gdbh: task.id,
      ajbh: id,
      gdlx: "1",
      cbdwdm: "SQ-SY-JJDD",
      cbdwmc: "宿迁市公安局交通警察支队宿豫大队",
      xqdd: { dwdm: "SQ-SY-JJDD", dwmc: "宿迁市公安局交通警察支队宿豫大队" },
      sqlx: "举报",
      fl: "交通运输/道路交通秩序/占用消防通道",
      sjhp: ["苏N12345"],
    });
    expect(
      sim("police")
        .messages()
        .some((m) => m.path === "/jqgd"),
    ).toBe(true);
    // the owner's task is not at the generic unit interface (a co-unit street office is)
    expect(hub.sims.unit!.tasks().filter((t) => t.caseId === id && t.unitId === "SQ-SY-JJDD")).toEqual([]);

    // signed and replied through /api/v1/police/jqgd/{gdbh}/qs|bj
    const replied = await waitCase(id, "REPLIED", (x) => x.status === "REPLIED");
    expect(replied.timeline.map((e: Event) => e.type)).toEqual(expect.arrayContaining(["ACCEPTED", "REPLIED"]));
    const calls = sim("police").task(task.id)!.hubCalls;
    expect(calls.map((h) => [h.kind, h.status])).toEqual([
      ["accept", 200],
      ["result", 200],
    ]);
    expect(calls[1].body).toMatchObject({ cbdwdm: "SQ-SY-JJDD", bjjg: "1", cfqk: "对苏N12345依法处理（模拟）" });
    const answered = await waitFor("12345 got the reply", async () => order12345(order.orderNo as string)?.replies[0]);
    expect(answered).toMatchObject({ outcome: 0, unitName: "宿迁市公安局交通警察支队宿豫大队" });
    expect(answered.text).toContain("处罚情况：对苏N12345依法处理");
    expect(order12345(order.orderNo as string)!.signedBy).toBe("宿迁市公安局交通警察支队宿豫大队");

    // the raw messages are kept under the police's routes
    const raw = await http(`${hub.url}/api/v1/inbound?system=police&limit=50`, { key: KEYS.engineer });
    expect(raw.status).toBe(200);
    const kinds = (raw.body.items as { kind: string; caseId?: string }[]).filter((m) => m.caseId === id).map((m) => m.kind);
    expect(kinds).toEqual(expect.arrayContaining(["accept", "result"]));
  });

  it("takes the police's answers only with the police's key, for the unit the 工单 went to", async () => {
    const order = workOrder({
      orderNo: "SQ2612000000102",
      category: ["交通运输", "道路交通秩序", "占用消防通道"],
      title: "消防通道被占",
      content: "小区消防通道被车辆占用。",
      address: "宿迁市宿豫区顺河街道某小区",
      region: { city: "宿迁市", district: "宿豫区", street: "顺河街道" },
    });
    sim("police").setUnitBehaviour("SQ-SY-JJDD", { silent: true });
    try {
      const id = await postWorkOrder(hub, order);
      const task = (await getCase(id)).tasks.find((t: Task) => t.role === "owner") as Task;
      await waitFor("the police received the 工单", async () => sim("police").task(task.id));
      const url = `${hub.url}/api/v1/police/jqgd/${task.id}/qs`;
      expect((await http(url, { key: KEYS.units, body: { cbdwdm: "SQ-SY-JJDD" } })).status).toBe(403);
      const other = await http(url, { key: KEYS.police, body: { cbdwdm: "SQ-SC-JJDD" } });
      expect(other.status).toBe(404);
      // tolerant: a field the contract does not know is ignored
      const ok = await http(url, { key: KEYS.police, body: { cbdwdm: "SQ-SY-JJDD", qsr: "陈刚", qsrjh: "050217", xzd: "新增字段" } });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ caseId: id, status: "IN_PROGRESS" });
      const signed = await getCase(id);
      expect(signed.timeline.find((e: Event) => e.type === "ACCEPTED").summary).toContain("陈刚（警号 050217）");
    } finally {
      sim("police").setUnitBehaviour("SQ-SY-JJDD", {});
    }
  });
});

describe("a 12345 order routed to transport", () => {
  it("arrives as a complaint order with the plate and the kind of transport, and is answered", async () => {
    const order = workOrder({
      orderNo: "CZ2612000000201",
      category: ["交通运输", "出租汽车", "巡游出租车"],
      title: "出租车拒载",
      content: "来电人称在火车站北广场打车，苏DT1234号出租车司机拒载，要求处理。",
      address: "常州市天宁区火车站北广场出租车候客区",
      region: { city: "常州市", district: "天宁区" },
    });
    const id = await postWorkOrder(hub, order);
    const c = await getCase(id);
    expect(c.owner.unitId).toBe("CZ-JTYSJ");
    const task = c.tasks.find((t: Task) => t.role === "owner") as Task;
    const held = await waitFor("transport received the order", async () => sim("transport").task(task.id));
    expect(held.body).toMatchObject({ order_no: task.id, case_no: id, order_role: "1", dept_code: "CZ-JTYSJ", dept_name: "常州市交通运输局", transport_kind: "出租", plate_nos: ["苏DT1234"] });
    await waitCase(id, "REPLIED", (x) => x.status === "REPLIED");
    const answered = await waitFor("12345 got the reply", async () => order12345(order.orderNo as string)?.replies[0]);
    expect(answered).toMatchObject({ outcome: 0, unitName: "常州市交通运输局" });
    expect(answered.text).toContain("处理情况：苏DT1234 已责成经营者整改");
  });
});

describe("a 12345 order routed to housing, refused (退回) by the district bureau", () => {
  afterAll(() => sim("housing").setUnitBehaviour("CZ-WJ-ZJJ", {}));

  it("is re-dispatched by the rules to the city bureau, through housing again, and 12345 gets its answer", async () => {
    sim("housing").setUnitBehaviour("CZ-WJ-ZJJ", { refuse: true });
    const order = workOrder({
      orderNo: "CZ2612000000301",
      category: ["城乡建设", "施工管理", "工地围挡"],
      title: "工地围挡倒塌占用人行道",
      content: "来电人称湖塘镇某花园项目工地围挡倒塌，占用人行道，要求督促某某建设有限公司整改。",
      address: "常州市武进区湖塘镇某花园项目工地东侧",
      region: { city: "常州市", district: "武进区" },
    });
    const id = await postWorkOrder(hub, order);
    const first = await getCase(id);
    expect(first.owner.unitId).toBe("CZ-WJ-ZJJ");
    const refusedTask = first.tasks.find((t: Task) => t.role === "owner") as Task;
    const held = await waitFor("housing received the work order", async () => sim("housing").task(refusedTask.id));
    expect(held.body).toMatchObject({
      workOrderNo: refusedTask.id,
      caseNo: id,
      assignType: "HOST",
      handlingUnit: { code: "CZ-WJ-ZJJ", name: "武进区住房和城乡建设局" },
      category: { name: "城乡建设/施工管理/工地围挡" },
      project: { name: "某花园项目" },
      enterprise: { name: "某某建设有限公司", role: "CONSTRUCTION" },
    });

    // 退回 on /api/v1/housing/work-orders/{workOrderNo}/return → the next owner the rules allow
    const moved = await waitCase(id, "owned by CZ-ZJJ", (x) => x.owner?.unitId === "CZ-ZJJ");
    const refused = moved.timeline.find((e: Event) => e.type === "REFUSED");
    expect(refused.summary).toContain("武进区住房和城乡建设局退回");
    expect(refused.summary).toContain("不属于本单位职责");
    expect(moved.tasks.find((t: Task) => t.id === refusedTask.id).status).toBe("refused");
    await waitFor("the district bureau's task is refused at housing", async () => sim("housing").task(refusedTask.id)?.status === "refused");
    expect(
      sim("housing")
        .task(refusedTask.id)!
        .hubCalls.map((h) => [h.kind, h.status]),
    ).toEqual([["refuse", 200]]);
    expect(sim("housing").task(refusedTask.id)!.recall).toBeUndefined();

    const cityTask = moved.tasks.find((t: Task) => t.unitId === "CZ-ZJJ" && t.role === "owner") as Task;
    const cityHeld = await waitFor("housing received the city bureau's work order", async () => sim("housing").task(cityTask.id));
    expect(cityHeld.body).toMatchObject({ handlingUnit: { code: "CZ-ZJJ", name: "常州市住房和城乡建设局" } });
    await waitCase(id, "REPLIED", (x) => x.status === "REPLIED");
    const answered = await waitFor("12345 got the reply", async () => order12345(order.orderNo as string)?.replies[0]);
    expect(answered).toMatchObject({ outcome: 0, unitName: "常州市住房和城乡建设局" });
    expect(answered.text).toContain("整改：某花园项目／某某建设有限公司");
    expect(order12345(order.orderNo as string)?.returned).toBeUndefined();
  });
});
