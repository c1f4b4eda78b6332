import { validate } from "../../contracts";
import type { BureauNotice, HandlerTask } from "../../contracts/types";
import { fakeHub } from "../../kit/conformance";
import { CASE_SCHEMA, linesAndVehicles, readCaseAccept, readCaseExtension, readCaseRefuse, readCaseResult, SCHEMA } from "./mapping";
import { transport } from "./spec";

const notice = (over: Partial<BureauNotice> = {}): BureauNotice => ({
  noticeId: "NT-09",
  subject: { type: "company", id: "91320400MA1XXXXXXX", name: "某渣土运输有限公司" },
  decisions: ["常城管罚字〔2026〕12号"],
  rule: "建筑垃圾运输企业一年内5次乱倒、撒漏",
  measures: ["对该企业的道路运输经营许可开展核查，依法处理", "核查车辆营运证", "驾驶员从业资格核查", "约谈企业负责人"],
  vehicles: [{ plate: "苏D12345", passNo: "CZ-ZT-0018", operator: "某渣土运输有限公司" }, { plate: "苏D67890" }],
  receiptDeadline: "2026-12-03T17:30:00+08:00",
  feedbackDeadline: "2026-12-22T17:30:00+08:00",
  sentAt: "2026-12-01T10:00:00+08:00",
  ...over,
});
const build = (n: BureauNotice) => transport.commands.notice!.build(n, null);

describe("transport outbound", () => {
  it("a notice: the operator by credit code, each measure a review item, the vehicles by plate (no police pass numbers)", () => {
    const req = build(notice());
    expect(req).toEqual({
      method: "POST",
      path: "/enforcement/credit-notices",
      body: {
        notice_code: "NT-09",
        notice_kind: "NOTICE",
        operator: { name: "某渣土运输有限公司", credit_code: "91320400MA1XXXXXXX" },
        vehicles: [{ plate_no: "苏D12345", owner_name: "某渣土运输有限公司" }, { plate_no: "苏D67890" }],
        review_items: [
          { object: "经营许可", requirement: "对该企业的道路运输经营许可开展核查，依法处理" },
          { object: "道路运输证", requirement: "核查车辆营运证" },
          { object: "从业资格", requirement: "驾驶员从业资格核查" },
          { object: "其他", requirement: "约谈企业负责人" },
        ],
        penalty_doc_nos: ["常城管罚字〔2026〕12号"],
        rule_name: "建筑垃圾运输企业一年内5次乱倒、撒漏",
        sign_deadline: "2026-12-03T17:30:00+08:00",
        feedback_deadline: "2026-12-22T17:30:00+08:00",
        sent_time: "2026-12-01T10:00:00+08:00",
      },
    });
    expect(validate(SCHEMA.notice, req.body).ok).toBe(true);
    expect(build(notice({ subject: { type: "person", id: "320402199001011234" } })).body).toMatchObject({ operator: { id_card_no: "320402199001011234" } });
  });

  it("a revocation: REVOKE naming the original", () => {
    const req = build(notice({ noticeId: "NT-09-RV", kind: "revocation", revokes: "NT-09", vehicles: undefined }));
    expect(req.body).toMatchObject({ notice_code: "NT-09-RV", notice_kind: "REVOKE", revoked_notice_code: "NT-09" });
    expect(req.body).not.toHaveProperty("vehicles");
    expect(validate(SCHEMA.notice, req.body).ok).toBe(true);
  });

  it("a receipt request: remind_item 1/2 at the notice's reminders", () => {
    expect(transport.commands.receiptRequest!.build({ noticeId: "NT-09", what: "feedback", dueAt: "2026-12-22T17:30:00+08:00", sentAt: "2026-12-23T09:00:00+08:00" }, null)).toEqual({
      method: "POST",
      path: "/enforcement/credit-notices/NT-09/reminders",
      body: {
        notice_code: "NT-09",
        remind_item: "2",
        limit_time: "2026-12-22T17:30:00+08:00",
        content: "请于 2026-12-22 17:30 前反馈联合惩戒抄告所列措施的落实情况 NT-09",
        sent_time: "2026-12-23T09:00:00+08:00",
      },
    });
  });
});

describe("transport inbound", () => {
  const [receipt, feedback] = transport.routes;

  it("签收 → credit.noticeReceipt", async () => {
    const hub = fakeHub();
    await receipt.handle({ receiver: "赵磊", receiver_org: "交通运输综合行政执法支队" }, { noticeId: "NT-09" }, hub);
    expect(hub.calls[0]).toEqual({ action: "sanctions.noticeReceipt", params: { system: "transport", noticeId: "NT-09", receivedBy: "交通运输综合行政执法支队 赵磊", at: expect.any(String) } });
  });

  it("措施落实情况 → credit.noticeFeedback: result codes 1/3 done, 2 not; certificates in the note, the licence in the text", async () => {
    const hub = fakeHub();
    await feedback.handle(
      {
        licence_no: "苏交运管许可常字320400001234号",
        results: [
          { item: "核查经营许可", result_code: "1", vehicle_certs: [{ plate_no: "苏D12345", cert_no: "320400567890", action: "暂扣" }], memo: "责令整改" },
          { item: "驾驶员从业资格核查", result_code: "3" },
          { item: "约谈企业负责人", result_code: "2" },
        ],
        conclusion: "基本完成。",
        completed: 0,
        feedback_time: "2026-12-09T10:00:00+08:00",
      },
      { noticeId: "NT-09" },
      hub,
    );
    expect(hub.calls[0].params).toEqual({
      system: "transport",
      noticeId: "NT-09",
      measures: [
        { measure: "核查经营许可", done: true, note: "已处理；责令整改；车辆 苏D12345（道路运输证 320400567890）暂扣" },
        { measure: "驾驶员从业资格核查", done: true, note: "无需处理" },
        { measure: "约谈企业负责人", done: false, note: "处理中" },
      ],
      done: false,
      text: "基本完成。（道路运输经营许可证号 苏交运管许可常字320400001234号）",
      at: "2026-12-09T10:00:00+08:00",
    });
  });
});

describe("the case line: 投诉工单", () => {
  const t: HandlerTask = {
    taskId: "TK-T1",
    caseId: "TG-T1",
    role: "owner",
    rework: 0,
    title: "12路公交车到站不停",
    content: "来电人称在延陵中路站等12路和B1路，苏D12345号车到站未停。",
    appealType: "投诉",
    category: { path: ["交通运输", "公共交通", "公交服务"], code: null },
    location: { address: "常州市钟楼区延陵中路88号公交站", districtCode: "320404" },
    urgency: "一般",
    signDeadline: null,
    handleDeadline: null,
    reporter: { confidential: true },
    sentAt: "2026-12-01T10:00:00+08:00",
  };

  it("names the unit, the lines (not a road's name), the plates and the kind of transport", () => {
    const req = transport.commands.task!.build(t, "CZ-JTYSJ");
    expect(req).toMatchObject({ method: "POST", path: "/service/complaint-orders" });
    expect(req.body).toEqual({
      order_no: "TK-T1",
      case_no: "TG-T1",
      order_role: "1",
      redo_count: 0,
      dept_code: "CZ-JTYSJ",
      dept_name: "常州市交通运输局",
      title: t.title,
      content: t.content,
      appeal_type: "投诉",
      category_name: "交通运输/公共交通/公交服务",
      transport_kind: "公交",
      lines: ["12路", "B1路"],
      plate_nos: ["苏D12345"],
      address: t.location.address,
      region_code: "320404",
      urgency: "1",
      secret: 1,
      sent_time: t.sentAt,
    });
    expect(validate(CASE_SCHEMA.task, req.body).ok).toBe(true);
    expect(linesAndVehicles({ title: "网约车乱收费", content: "司机绕路" })).toEqual({ transport_kind: "网约车" });
    expect(linesAndVehicles({ title: "咨询", content: "长江北路88号门口" })).toEqual({});
  });

  it("urge and recall by order_no; reads receive, finish (处理情况 added), delay and reject", () => {
    expect(transport.commands.urge!.build({ taskId: "TK-1", caseId: "TG-1", level: "催办", text: "催", urgedAt: "T" }, "CZ-JTYSJ")).toEqual({
      method: "POST",
      path: "/service/complaint-orders/TK-1/reminders",
      body: { order_no: "TK-1", case_no: "TG-1", remind_level: "2", content: "催", sent_time: "T" },
    });
    expect(transport.commands.recall!.build({ taskId: "TK-1", caseId: "TG-1", reason: "改派", recalledAt: "T" }, "CZ-JTYSJ").path).toBe("/service/complaint-orders/TK-1/cancel");
    expect(readCaseAccept({ dept_code: "U", receiver: "吴涛", receive_time: "T" })).toEqual({ unitId: "U", handler: "吴涛", at: "T" });
    expect(readCaseResult({ dept_code: "U", result_code: "3", handle_result: "已约谈", punish_info: "扣分" })).toEqual({ unitId: "U", outcome: 2, text: "已约谈（处理情况：扣分）" });
    expect(readCaseExtension({ dept_code: "U", delay_to: "T", delay_reason: "调取视频" })).toEqual({ unitId: "U", until: "T", reason: "调取视频" });
    expect(readCaseRefuse({ dept_code: "U", reject_reason: "属交警" })).toEqual({ unitId: "U", reason: "属交警" });
  });
});
