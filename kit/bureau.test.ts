/**
 * kit/bureau.ts: the shared exchange (hub call shapes, defaults), the builders' helpers, the spec
 * every bureau gets and the simulator's controls (shown with the police simulator).
 */
import { housing } from "../adapters/housing/spec";
import { bureauSystem } from "../adapters/index";
import { police } from "../adapters/police/spec";
import { createPoliceSimulator } from "../adapters/police/simulator";
import { transport } from "../adapters/transport/spec";
import type { BureauNotice, HandlerTask } from "../contracts/types";
import {
  beijingTime,
  bureauSpec,
  cityUnits,
  classify,
  codeOf,
  compact,
  feedbackSummary,
  fromCode,
  hubStub,
  isRevocation,
  mentions,
  partyOf,
  platesIn,
  receivedBy,
  reminderText,
  targetUnit,
  toCaseAcceptParams,
  toCaseExtensionParams,
  toCaseRefuseParams,
  toCaseResultParams,
  toFeedbackParams,
  toReceiptParams,
  unitDirectory,
  vehiclesOf,
} from "./bureau";
import { decode, encode, fieldOf, readFields, writeFields } from "./bureau-wire";
import { bureauSimulatorUnderTest } from "./bureau.testkit";
import { fakeHub } from "./conformance";

const notice = (over: Partial<BureauNotice> = {}): BureauNotice => ({
  noticeId: "NT-T1",
  subject: { type: "company", id: "91320400MA1XXXXXXX", name: "某渣土运输有限公司" },
  decisions: ["常城管罚字〔2026〕12号"],
  rule: "渣土运输企业多次乱倒撒漏",
  measures: ["取消该企业全部渣土车辆通行证"],
  vehicles: [{ plate: "苏D12345", passNo: "CZ-ZT-0018", operator: "某渣土运输有限公司" }, { plate: "苏D67890" }],
  receiptDeadline: "2026-12-03T17:30:00+08:00",
  feedbackDeadline: "2026-12-15T17:30:00+08:00",
  sentAt: "2026-12-01T10:00:00+08:00",
  ...over,
});

const until = async (ok: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("the hub calls", () => {
  it("receipt: who signed (department and person), when; defaults the bureau's title and the arrival time", () => {
    expect(toReceiptParams("police", "公安交警", "NT-1", { signer: "王建国", department: "交警支队", at: "2026-12-01T06:00:00.000Z" }, "2026-12-02T00:00:00.000Z")).toEqual({
      system: "police",
      noticeId: "NT-1",
      receivedBy: "交警支队 王建国",
      at: "2026-12-01T06:00:00.000Z",
    });
    expect(toReceiptParams("police", "公安交警", "NT-1", {}, "2026-12-02T00:00:00.000Z")).toEqual({ system: "police", noticeId: "NT-1", receivedBy: "公安交警", at: "2026-12-02T00:00:00.000Z" });
    expect(receivedBy({ signer: "  " }, "住建")).toBe("住建");
  });

  it("feedback: done is the bureau's own word, else every measure done (none: not done); a summary when it wrote none", () => {
    const measures = [
      { measure: "A", done: true, note: " " },
      { measure: "B", done: false, note: "待办" },
    ];
    expect(toFeedbackParams("housing", "NT-1", { measures }, "T")).toEqual({
      system: "housing",
      noticeId: "NT-1",
      measures: [
        { measure: "A", done: true },
        { measure: "B", done: false, note: "待办" },
      ],
      done: false,
      text: "措施落实情况：1项已落实，1项未落实（B）",
      at: "T",
    });
    expect(toFeedbackParams("housing", "NT-1", { measures, done: true, text: "已落实", at: "A" }, "T")).toMatchObject({ done: true, text: "已落实", at: "A" });
    expect(toFeedbackParams("housing", "NT-1", { measures: [] }, "T")).toMatchObject({ done: false, measures: [], text: "措施落实情况：未逐项反馈" });
    expect(feedbackSummary([{ measure: "A", done: true }])).toBe("措施落实情况：1项已落实");
  });

  it("routes: one credit call each, answered 200 {noticeId, status} from the credit service's answer", async () => {
    const hub = fakeHub((action, p) => ({ noticeId: p.noticeId, status: action === "sanctions.noticeFeedback" ? "done" : "received" }));
    const [receipt, feedback] = police.routes;
    expect(await receipt.handle({ qsr: "王建国" }, { noticeId: "NT-9" }, hub)).toEqual({ status: 200, body: { noticeId: "NT-9", status: "received" } });
    expect(await feedback.handle({ fkqk: "已落实", sfwc: "1" }, { noticeId: "NT-9" }, hub)).toEqual({ status: 200, body: { noticeId: "NT-9", status: "done" } });
    expect(hub.calls.map((c) => c.action)).toEqual(["sanctions.noticeReceipt", "sanctions.noticeFeedback"]);
    expect(hub.calls[1].params).toEqual({ system: "police", noticeId: "NT-9", measures: [], done: true, text: "已落实", at: expect.any(String) });
  });

  it("feedback without any of the bureau's needs: 422 naming them, no hub call", async () => {
    const hub = fakeHub();
    await expect(police.routes[1].handle({ fkr: "王" }, { noticeId: "NT-9" }, hub)).rejects.toMatchObject({ code: 422 });
    expect(hub.calls).toEqual([]);
  });
});

describe("bureauSpec", () => {
  it("gives every bureau the same shape: roles bureau (with its tag) and handler (its case line), /v1/<system>, its own caller and settings", () => {
    for (const [spec, tag, cases] of [
      [housing, "housing", "/work-orders/:taskId/sign /work-orders/:taskId/reply /work-orders/:taskId/postpone /work-orders/:taskId/return"],
      [police, "police", "/jqgd/:taskId/qs /jqgd/:taskId/bj /jqgd/:taskId/yq /jqgd/:taskId/th"],
      [transport, "transport", "/complaint-orders/:taskId/receive /complaint-orders/:taskId/finish /complaint-orders/:taskId/delay /complaint-orders/:taskId/reject"],
    ] as const) {
      expect(spec).toMatchObject({ system: tag, roles: ["bureau", "handler"], bureau: tag, basePath: `/v1/${tag}`, callers: [{ role: tag, demoKey: `demo-${tag}-key` }], simulator: { role: tag } });
      expect(spec.settings.map((s) => s.env)).toEqual([`EXT_${tag.toUpperCase()}_URL`, `EXT_${tag.toUpperCase()}_API_KEY`, `SIM_${tag.toUpperCase()}_PORT`]);
      expect(spec.routes.map((r) => r.path)).toEqual(["/notices/:noticeId/receipt", "/notices/:noticeId/feedback", ...cases.split(" ")]);
      expect(spec.routes.slice(2).map((r) => r.kind)).toEqual(["accept", "result", "extension", "refuse"]);
      expect(spec.routes.slice(0, 2).map((r) => r.responses?.map((x) => [x.status, x.answer]))).toEqual([[[200, "NoticeAck"]], [[200, "NoticeAck"]]]);
      expect(Object.keys(spec.commands)).toEqual(["notice", "receiptRequest", "task", "urge", "recall"]);
      expect(bureauSystem(tag)).toBe(tag);
    }
    expect(police.callers[0].label).toBe("公安交警联合惩戒接口");
  });

  it("a new bureau is one description", () => {
    const spec = bureauSpec({ ...policeLine(), system: "ecology", bureau: "ecology", title: "生态环境局" });
    expect(spec).toMatchObject({ system: "ecology", bureau: "ecology", basePath: "/v1/ecology", callers: [{ role: "ecology", demoKey: "demo-ecology-key" }] });
  });
});

/** police's line, rebuilt from its spec for the one-description test */
function policeLine() {
  return {
    system: police.system,
    title: police.title,
    bureau: police.bureau!,
    callerLabel: "x",
    urlExample: "https://x.example.gov.cn",
    receipt: { schema: police.routes[0].schema, summary: "s", read: () => ({}) },
    feedback: { schema: police.routes[1].schema, summary: "s", read: () => ({ measures: [] }) },
    notice: { schema: police.commands.notice!.schema, summary: "s", build: (n: BureauNotice) => police.commands.notice!.build(n, null) },
    receiptRequest: { schema: police.commands.receiptRequest!.schema, summary: "s", build: (r: any) => police.commands.receiptRequest!.build(r, null) },
    simulator: () => createPoliceSimulator(),
  };
}

describe("builders' helpers", () => {
  it("partyOf: an organisation by credit code, a person by ID, a vehicle by plate", () => {
    expect(partyOf({ type: "company", id: "91320400MA1XXXXXXX", name: "某公司" })).toEqual({ kind: "organisation", code: "91320400MA1XXXXXXX", name: "某公司" });
    expect(partyOf({ type: "person", id: "320402199001011234" })).toEqual({ kind: "person", code: "320402199001011234" });
    expect(partyOf({ type: "自然人", id: "320402199001011234" }).kind).toBe("person");
    expect(partyOf({ type: "individualBusiness", id: "92320400MA1XXXXXXX" }).kind).toBe("organisation");
    expect(partyOf({ type: "vehicle", id: "苏D12345" }).kind).toBe("vehicle");
  });

  it("vehiclesOf: the notice's own list, else the subject when it is a vehicle, else none", () => {
    expect(vehiclesOf(notice())).toHaveLength(2);
    expect(vehiclesOf(notice({ vehicles: undefined, subject: { type: "vehicle", id: "苏D12345" } }))).toEqual([{ plate: "苏D12345" }]);
    expect(vehiclesOf(notice({ vehicles: [] }))).toEqual([]);
  });

  it("classify: first match, else the fallback; no measure dropped", () => {
    expect(
      classify(
        ["限制招投标", "暂停资质申请", "其他措施"],
        [
          [/招投标/, "B"],
          [/资质/, "Q"],
        ],
        "O",
      ),
    ).toEqual([
      { code: "B", text: "限制招投标" },
      { code: "Q", text: "暂停资质申请" },
      { code: "O", text: "其他措施" },
    ]);
  });

  it("reminderText, beijingTime, isRevocation, compact", () => {
    expect(beijingTime("2026-12-03T09:30:00Z")).toBe("2026-12-03 17:30");
    expect(beijingTime("not a time")).toBe("not a time");
    expect(reminderText({ noticeId: "NT-1", what: "receipt", dueAt: "2026-12-03T17:30:00+08:00" })).toBe("请于 2026-12-03 17:30 前签收抄告单 NT-1");
    expect(reminderText({ noticeId: "NT-1", what: "feedback", dueAt: "2026-12-15T17:30:00+08:00" }, "通行证抄告单")).toBe("请于 2026-12-15 17:30 前反馈通行证抄告单所列措施的落实情况 NT-1");
    expect(reminderText({ noticeId: "NT-1", what: "feedback", dueAt: "2026-12-15T17:30:00+08:00", text: " 速报 " })).toBe("速报");
    expect(isRevocation({ kind: "revocation" })).toBe(true);
    expect(isRevocation({})).toBe(false);
    expect(compact({ a: 1, b: undefined, c: null })).toEqual({ a: 1, c: null });
  });
});

describe("BureauSimulator (with the police's format)", () => {
  const wire = (n: BureauNotice) => police.commands.notice!.build(n, null);
  const reminder = (noticeId: string, what: "receipt" | "feedback") =>
    police.commands.receiptRequest!.build({ noticeId, what, dueAt: "2026-12-03T17:30:00+08:00", sentAt: "2026-12-04T09:00:00+08:00" }, null);
  let hub: Awaited<ReturnType<typeof hubStub>>;
  let sim: ReturnType<typeof createPoliceSimulator>;
  const post = (req: { path: string; body: unknown }, key?: string) =>
    fetch(`${sim.url}${req.path}`, { method: "POST", headers: { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) }, body: JSON.stringify(req.body) });

  beforeEach(async () => {
    hub = await hubStub(police);
    sim = createPoliceSimulator({ receiptDelayMs: 5, feedbackDelayMs: 20 });
    await sim.start(0);
    sim.setHub(hub.url, "demo-police-key");
  });
  afterEach(async () => {
    await sim.stop();
    await hub.stop();
  });

  it("signs after a delay, reports later, records what it received; a repeated notice starts nothing", async () => {
    expect((await post(wire(notice()))).status).toBe(200);
    expect((await post(wire(notice()))).status).toBe(200);
    await until(() => sim.notice("NT-T1")?.status === "reported");
    expect(hub.calls.map((c) => [c.path, c.status, c.action])).toEqual([
      ["/api/v1/police/notices/NT-T1/receipt", 200, "sanctions.noticeReceipt"],
      ["/api/v1/police/notices/NT-T1/feedback", 200, "sanctions.noticeFeedback"],
    ]);
    expect(sim.notices()).toHaveLength(1);
    expect(sim.messages().map((m) => m.path)).toEqual(["/txz/cgd", "/txz/cgd"]);
    expect(sim.notice("NT-T1")).toMatchObject({
      revocation: false,
      body: wire(notice()).body,
      hubCalls: [
        { kind: "receipt", status: 200 },
        { kind: "feedback", status: 200 },
      ],
    });
  });

  it("signs a revocation too", async () => {
    await post(wire(notice({ noticeId: "NT-T1-RV", kind: "revocation", revokes: "NT-T1", measures: ["解除通行证限制"] })));
    await until(() => sim.notice("NT-T1-RV")?.status === "reported");
    expect(sim.notice("NT-T1-RV")).toMatchObject({ revocation: true, revokes: "NT-T1" });
    expect(hub.calls[0]).toMatchObject({ action: "sanctions.noticeReceipt", params: { system: "police", noticeId: "NT-T1-RV" } });
  });

  it("silent for one notice: records it and its reminders, never answers; the others are answered", async () => {
    sim.setBehaviour("NT-S", { silent: true });
    await post(wire(notice({ noticeId: "NT-S" })));
    await post(wire(notice({ noticeId: "NT-A" })));
    expect((await post(reminder("NT-S", "receipt"))).status).toBe(200);
    await until(() => sim.notice("NT-A")?.status === "reported");
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.notice("NT-S")).toMatchObject({ status: "received", hubCalls: [], reminders: [{ of: "receipt" }] });
    expect(hub.calls.every((c) => c.params.noticeId === "NT-A")).toBe(true);
  });

  it("fail for one notice or all (POST /__sim/behaviour): 500, nothing held; cleared, the retry is taken", async () => {
    await fetch(`${sim.url}/__sim/behaviour`, { method: "POST", body: JSON.stringify({ noticeId: "NT-F", fail: true }) });
    expect((await post(wire(notice({ noticeId: "NT-F" })), "k1")).status).toBe(500);
    expect((await post(wire(notice({ noticeId: "NT-OK" })))).status).toBe(200);
    expect(sim.notice("NT-F")).toBeUndefined();
    await fetch(`${sim.url}/__sim/behaviour`, { method: "POST", body: JSON.stringify({ fail: true }) });
    expect((await post(wire(notice({ noticeId: "NT-G" })))).status).toBe(500);
    sim.setBehaviour("*", {});
    sim.setBehaviour("NT-F", {});
    expect((await post(wire(notice({ noticeId: "NT-F" })), "k1")).status).toBe(200);
    expect(
      sim
        .messages()
        .filter((m) => m.body.cgdbh === "NT-F")
        .map((m) => m.status),
    ).toEqual([500, 200]);
    const held = (await (await fetch(`${sim.url}/__sim/notices`)).json()) as { noticeId: string }[];
    expect(held.map((n) => n.noticeId)).toEqual(["NT-OK", "NT-F"]);
  });

  it("noFeedback signs only; partial reports a measure undone; a reminder for an unknown notice is 404", async () => {
    sim.setBehaviour("NT-N", { noFeedback: true });
    sim.setBehaviour("NT-P", { partial: true });
    await post(wire(notice({ noticeId: "NT-N" })));
    await post(wire(notice({ noticeId: "NT-P" })));
    await until(() => sim.notice("NT-P")?.status === "reported" && sim.notice("NT-N")?.status === "signed");
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.notice("NT-N")!.hubCalls.map((c) => c.kind)).toEqual(["receipt"]);
    // what the bench polls: two receipts and one feedback accepted, nothing failed
    expect(sim.tally()).toEqual({ receipts: 2, feedback: 1, failed: 0 });
    expect(hub.calls.find((c) => c.action === "sanctions.noticeFeedback")!.params).toMatchObject({ noticeId: "NT-P", done: false });
    expect((await post(reminder("NT-X", "feedback"))).status).toBe(404);
  });

  it("a notice the hub refused to sign for is signed when reminded", async () => {
    await hub.stop();
    const refusing = await hubStub(police, (action) => (action === "sanctions.noticeReceipt" && refusing.calls.length === 0 ? 409 : undefined));
    hub = refusing;
    sim.setHub(refusing.url);
    await post(wire(notice({ noticeId: "NT-R" })));
    await until(() => sim.notice("NT-R")?.status === "failed");
    const before = sim.tally();
    expect(before.failed).toBe(1);
    await post(reminder("NT-R", "receipt"));
    await until(() => sim.notice("NT-R")?.status === "reported");
    expect(refusing.calls.map((c) => c.status)).toEqual([409, 200, 200]);
    // the tally follows: no longer failed, its receipt and feedback counted once each
    expect(sim.tally()).toEqual({ receipts: before.receipts + 1, feedback: before.feedback + 1, failed: 0 });
  });

  it("rejects a body that does not match the bureau's contract (400)", async () => {
    expect((await post({ path: "/txz/cgd", body: { cgdbh: "NT-1" } })).status).toBe(400);
  });
});

// ---------------------------------------------------------------------------------------------
// The case line

const task = (over: Partial<HandlerTask> = {}): HandlerTask => ({
  taskId: "TK-1",
  caseId: "TG-1",
  role: "owner",
  rework: 0,
  title: "私家车占用消防通道",
  content: "小区消防通道被苏N·12345长期占用。",
  appealType: "举报",
  category: { path: ["交通运输", "道路交通秩序", "占用消防通道"], code: "020101" },
  location: { address: "宿迁市宿豫区顺河街道某小区", districtCode: "321311" },
  urgency: "较急",
  signDeadline: null,
  handleDeadline: "2026-12-08T17:30:00+08:00",
  reporter: { confidential: true },
  sentAt: "2026-12-01T10:00:00+08:00",
  ...over,
});

describe("the case line: readings become the unit adapter's params", () => {
  it("accept / result / extension / refuse: the unit from the reading, the task from the path, the arrival time by default, blanks left out", () => {
    expect(toCaseAcceptParams("TK-1", { unitId: "U1" }, "T0")).toEqual({ unitId: "U1", taskId: "TK-1", at: "T0" });
    expect(toCaseAcceptParams("TK-1", { unitId: "U1", handler: " 陈刚 ", at: "T1" }, "T0")).toEqual({ unitId: "U1", taskId: "TK-1", at: "T1", handler: "陈刚" });
    expect(toCaseResultParams("TK-1", { unitId: "U1", outcome: 2, text: " 已处理 ", handler: " " }, "T0")).toEqual({ unitId: "U1", taskId: "TK-1", outcome: 2, text: "已处理", at: "T0" });
    expect(toCaseExtensionParams("TK-1", { unitId: "U1", until: "T9", reason: " 需协调 " })).toEqual({ unitId: "U1", taskId: "TK-1", until: "T9", reason: "需协调" });
    expect(toCaseRefuseParams("TK-1", { unitId: "U1", reason: "非本单位职责", legalBasis: "" })).toEqual({ unitId: "U1", taskId: "TK-1", reason: "非本单位职责" });
  });

  it("a route is the reading and one cases.* call, answered {caseId, status}", async () => {
    const hub = fakeHub();
    const route = police.routes.find((r) => r.path === "/jqgd/:taskId/th")!;
    const out = await route.handle({ cbdwdm: "SQ-SY-JJDD", thyy: "非本大队职责", thyj: "三定方案" }, { taskId: "TK-9" }, hub);
    expect(hub.calls).toEqual([{ action: "cases.unitRefuse", params: { unitId: "SQ-SY-JJDD", taskId: "TK-9", reason: "非本大队职责", legalBasis: "三定方案" } }]);
    expect(out).toEqual({ status: 200, body: { caseId: "TG-FAKE-1", status: "IN_PROGRESS" }, caseId: "TG-FAKE-1" });
  });

  it("a command needs its target unit; a unit the city data does not know is named by its id", () => {
    const dir = unitDirectory([]);
    expect(() => targetUnit("police", "task", null, dir)).toThrow(/needs a target/);
    expect(targetUnit("police", "task", "X-1", dir)).toEqual({ id: "X-1", name: "X-1" });
    expect(cityUnits().unit("SQ-SY-JJDD")).toEqual({ id: "SQ-SY-JJDD", name: "宿迁市公安局交通警察支队宿豫大队", districtCode: "321311", bureau: "police" });
    expect(() => police.commands.task!.build(task(), null)).toThrow(/needs a target/);
  });
});

describe("the case builders' helpers", () => {
  it("platesIn: valid plates only, normalised, once each, in order; a 6th character that is the text going on is not taken", () => {
    expect(platesIn("苏N·12345占道，苏D12345和苏N12345", "京AD12345新能源")).toEqual(["苏N12345", "苏D12345", "京AD12345"]);
    expect(platesIn("苏D123456号")).toEqual(["苏D12345"]);
    expect(platesIn("苏I12345", "编号A12345", undefined)).toEqual([]);
  });

  it("mentions: group 1 of every match, once each; codeOf / fromCode read a code table both ways", () => {
    expect(mentions(/([0-9]+路)/, "坐12路和3路，又坐12路")).toEqual(["12路", "3路"]);
    const table = [
      ["一般", "1"],
      ["紧急", "3"],
    ] as const;
    expect(codeOf(table, "紧急")).toBe("3");
    expect(fromCode(table, "1")).toBe("一般");
    expect(() => fromCode(table, "2" as never)).toThrow(/unknown code/);
  });
});

describe("the wire as data (kit/bureau-wire.ts)", () => {
  it("fields by name (a.b inside an object), undefined left out; codes both ways, a fallback for an unknown code", () => {
    expect(writeFields({ id: "no", name: "unit.name", code: "unit.code" }, { id: "X", code: "U1", name: undefined })).toEqual({ no: "X", unit: { code: "U1" } });
    expect(fieldOf({ unit: { code: "U1" } }, "unit.code")).toBe("U1");
    expect(fieldOf({}, "unit.code")).toBeUndefined();
    expect(readFields<{ a?: string; b?: string }>({ a: "x.y", b: (o) => o.z }, { x: { y: "1" } })).toEqual({ a: "1" });
    const secret = [
      [true, 1],
      [false, 0],
    ] as const;
    expect(encode(secret, false)).toBe(0);
    expect(decode(secret, 1)).toBe(true);
    expect(decode(secret, 7 as never, false)).toBe(false);
    expect(() => decode(secret, 7 as never)).toThrow(/unknown code/);
  });
});

describe("BureauSimulator: the case line (police)", () => {
  const t = bureauSimulatorUnderTest(police, createPoliceSimulator({ receiptDelayMs: 5, feedbackDelayMs: 10 }));
  const callsFor = (taskId: string) => t.hub.calls.filter((c) => c.path.includes(`/jqgd/${taskId}/`));

  it("signs an owner 工单 and replies in the police's format; the hub hears cases.unitAccept then cases.unitResult", async () => {
    expect((await t.sendCase("task", task({ taskId: "TK-A" }), "SQ-SY-JJDD")).status).toBe(200);
    await t.until(() => t.sim.task("TK-A")?.status === "replied");
    const calls = callsFor("TK-A");
    expect(calls.map((c) => [c.path, c.status, c.action])).toEqual([
      ["/api/v1/police/jqgd/TK-A/qs", 200, "cases.unitAccept"],
      ["/api/v1/police/jqgd/TK-A/bj", 200, "cases.unitResult"],
    ]);
    expect(calls[1].params).toMatchObject({ unitId: "SQ-SY-JJDD", taskId: "TK-A", outcome: 0, handler: "陈刚（模拟）（警号 050217）" });
    expect(calls[1].params.text).toContain("处罚情况：对苏N12345依法处理（模拟）");
  });

  it("records a co-unit 工单, urges and a recall (which stops the work); per unit it refuses, stays silent or fails", async () => {
    await t.sendCase("task", task({ taskId: "TK-CO", role: "co" }), "SQ-SY-GAFJ");
    await t.sendCase("task", task({ taskId: "TK-U" }), "SQ-SC-JJDD");
    await t.sendCase("urge", { taskId: "TK-CO", caseId: "TG-1", level: "督办", text: "请于今日答复", urgedAt: "2026-12-02T09:00:00+08:00" }, "SQ-SY-GAFJ");
    await t.sendCase("recall", { taskId: "TK-CO", caseId: "TG-1", reason: "已改派", recalledAt: "2026-12-02T10:00:00+08:00" }, "SQ-SY-GAFJ");
    expect(t.sim.task("TK-CO")).toMatchObject({ role: "co", status: "recalled", recall: { reason: "已改派" }, urges: [{ level: "督办", text: "请于今日答复" }], hubCalls: [] });

    t.sim.setUnitBehaviour("SQ-SH-JJDD", { refuse: true });
    await t.sendCase("task", task({ taskId: "TK-R" }), "SQ-SH-JJDD");
    await t.until(() => t.sim.task("TK-R")?.status === "refused");
    expect(callsFor("TK-R").map((c) => c.action)).toEqual(["cases.unitRefuse"]);

    t.sim.setUnitBehaviour("SQ-SIY-JJDD", { silent: true });
    await t.sendCase("task", task({ taskId: "TK-S" }), "SQ-SIY-JJDD");
    t.sim.setUnitBehaviour("SQ-SIH-JJDD", { fail: true });
    expect((await t.sendCase("task", task({ taskId: "TK-F" }), "SQ-SIH-JJDD")).status).toBe(500);
    await new Promise((r) => setTimeout(r, 60));
    expect(t.sim.task("TK-S")).toMatchObject({ status: "received", hubCalls: [] });
    expect(t.sim.task("TK-F")).toBeUndefined();
    // an urge for a task it does not hold
    expect((await t.sendCase("urge", { taskId: "TK-NONE", caseId: "TG-1", level: "催办", text: "催", urgedAt: "2026-12-02T09:00:00+08:00" }, "SQ-SY-JJDD")).status).toBe(404);
  });
});
