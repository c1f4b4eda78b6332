import { validate } from "../../contracts";
import type { BureauNotice, HandlerTask } from "../../contracts/types";
import { fakeHub } from "../../kit/conformance";
import { CASE_SCHEMA, projectAndEnterprise, readCaseAccept, readCaseExtension, readCaseRefuse, readCaseResult, SCHEMA } from "./mapping";
import { housing } from "./spec";

const notice = (over: Partial<BureauNotice> = {}): BureauNotice => ({
  noticeId: "NT-08",
  subject: { type: "company", id: "91320400MA1XXXXXXX", name: "某渣土运输有限公司" },
  decisions: ["常城管罚字〔2026〕12号"],
  rule: "建筑垃圾运输企业一年内5次乱倒、撒漏",
  measures: ["黑名单期间限制该企业承接建设工程渣土运输业务，在工地出入口管理中重点监管", "暂停受理其资质申请", "列入诚信档案"],
  vehicles: [{ plate: "苏D12345", passNo: "CZ-ZT-0018" }],
  receiptDeadline: "2026-12-03T17:30:00+08:00",
  feedbackDeadline: "2026-12-22T17:30:00+08:00",
  sentAt: "2026-12-01T10:00:00+08:00",
  ...over,
});
const build = (n: BureauNotice) => housing.commands.notice!.build(n, null);

describe("housing outbound", () => {
  it("a notice: the company by credit code, each measure a restriction of housing's type on all ongoing projects, the vehicles by plate", () => {
    const req = build(notice());
    expect(req).toEqual({
      method: "POST",
      path: "/credit/joint-notices",
      body: {
        noticeNumber: "NT-08",
        noticeType: "JOINT_PUNISHMENT",
        enterprise: { name: "某渣土运输有限公司", unifiedSocialCreditCode: "91320400MA1XXXXXXX" },
        restrictions: [
          { type: "BIDDING", description: "黑名单期间限制该企业承接建设工程渣土运输业务，在工地出入口管理中重点监管" },
          { type: "QUALIFICATION", description: "暂停受理其资质申请" },
          { type: "OTHER", description: "列入诚信档案" },
        ],
        projectScope: "ALL_ONGOING_PROJECTS",
        penaltyDecisions: ["常城管罚字〔2026〕12号"],
        triggerRule: "建筑垃圾运输企业一年内5次乱倒、撒漏",
        vehicles: [{ plateNumber: "苏D12345" }],
        receiptDue: "2026-12-03T17:30:00+08:00",
        feedbackDue: "2026-12-22T17:30:00+08:00",
        issuedAt: "2026-12-01T10:00:00+08:00",
      },
    });
    expect(validate(SCHEMA.notice, req.body).ok).toBe(true);
    expect(build(notice({ measures: ["在建项目重点监管"], vehicles: undefined })).body).not.toHaveProperty("vehicles");
    expect((build(notice({ measures: ["在建项目重点监管"] })).body as any).restrictions[0].type).toBe("PROJECT_SUPERVISION");
    expect(build(notice({ subject: { type: "person", id: "320402199001011234", name: "张三" } })).body).toMatchObject({ enterprise: { name: "张三", idNumber: "320402199001011234" } });
  });

  it("a revocation names the notice whose restrictions are lifted", () => {
    const req = build(notice({ noticeId: "NT-08-RV", kind: "revocation", revokes: "NT-08" }));
    expect(req.body).toMatchObject({ noticeNumber: "NT-08-RV", noticeType: "REVOCATION", revokedNoticeNumber: "NT-08" });
    expect(validate(SCHEMA.notice, req.body).ok).toBe(true);
  });

  it("a receipt request: SIGN/FEEDBACK at the notice's urges", () => {
    expect(housing.commands.receiptRequest!.build({ noticeId: "NT-08", what: "receipt", dueAt: "2026-12-03T17:30:00+08:00", sentAt: "2026-12-04T09:00:00+08:00" }, null)).toEqual({
      method: "POST",
      path: "/credit/joint-notices/NT-08/urges",
      body: { noticeNumber: "NT-08", urgeType: "SIGN", dueTime: "2026-12-03T17:30:00+08:00", message: "请于 2026-12-03 17:30 前签收联合惩戒抄告 NT-08", sendTime: "2026-12-04T09:00:00+08:00" },
    });
  });
});

describe("housing inbound", () => {
  const [receipt, feedback] = housing.routes;

  it("签收 → credit.noticeReceipt", async () => {
    const hub = fakeHub();
    await receipt.handle({ signedBy: "李敏", department: "建筑市场监管处", signedTime: "2026-12-01T15:00:00+08:00" }, { noticeId: "NT-08" }, hub);
    expect(hub.calls[0]).toEqual({ action: "sanctions.noticeReceipt", params: { system: "housing", noticeId: "NT-08", receivedBy: "建筑市场监管处 李敏", at: "2026-12-01T15:00:00+08:00" } });
  });

  it("措施落实情况 → credit.noticeFeedback: a measure per restriction, the projects in its note; finished decides done", async () => {
    const hub = fakeHub();
    await feedback.handle(
      {
        results: [
          { restriction: "限制承接建设工程渣土运输业务", status: "已落实", remark: "招投标平台已设限" },
          {
            restriction: "在工地出入口管理中重点监管",
            status: "部分落实",
            projects: [{ projectCode: "3204022026", projectName: "某安置房项目", action: "禁止车辆进出" }, { projectName: "某商业综合体" }],
          },
          { restriction: "暂停资质申请", status: "不适用" },
        ],
        reportedTime: "2026-12-10T11:00:00+08:00",
      },
      { noticeId: "NT-08" },
      hub,
    );
    expect(hub.calls[0].params).toEqual({
      system: "housing",
      noticeId: "NT-08",
      measures: [
        { measure: "限制承接建设工程渣土运输业务", done: true, note: "已落实；招投标平台已设限" },
        { measure: "在工地出入口管理中重点监管", done: false, note: "部分落实；涉及在建项目 某安置房项目（3204022026）：禁止车辆进出、某商业综合体" },
        { measure: "暂停资质申请", done: true, note: "不适用" },
      ],
      done: false,
      text: "措施落实情况：2项已落实，1项未落实（在工地出入口管理中重点监管）",
      at: "2026-12-10T11:00:00+08:00",
    });
  });
});

describe("the case line: 投诉工单", () => {
  const t: HandlerTask = {
    taskId: "TK-H1",
    caseId: "TG-H1",
    role: "co",
    rework: 0,
    title: "电梯停运一周物业不维修",
    content: "来电人称小区电梯停运一周，要求督促常州某某物业管理有限公司维修。",
    appealType: "投诉",
    category: { path: ["城乡建设", "物业管理", "电梯故障"], code: "010803" },
    location: { address: "常州市武进区西湖街道(示例)某花园小区8幢", districtCode: "320412", lng: 119.94, lat: 31.72 },
    urgency: "较急",
    signDeadline: "2026-12-01T12:00:00+08:00",
    handleDeadline: null,
    reporter: { confidential: false, name: "赵**", phone: "136****2290" },
    sentAt: "2026-12-01T10:00:00+08:00",
  };

  it("names the unit, the project (from the address) and the company with its role, in housing's codes", () => {
    const req = housing.commands.task!.build(t, "CZ-WJ-ZJJ");
    expect(req).toMatchObject({ method: "POST", path: "/complaints/work-orders" });
    expect(req.body).toEqual({
      workOrderNo: "TK-H1",
      caseNo: "TG-H1",
      assignType: "ASSIST",
      reworkTimes: 0,
      handlingUnit: { code: "CZ-WJ-ZJJ", name: "武进区住房和城乡建设局" },
      subject: t.title,
      description: t.content,
      appealType: "投诉",
      category: { name: "城乡建设/物业管理/电梯故障", code: "010803" },
      project: { name: "某花园小区" },
      enterprise: { name: "常州某某物业管理有限公司", role: "PROPERTY_SERVICE" },
      location: { address: t.location.address, districtCode: "320412", longitude: 119.94, latitude: 31.72 },
      priority: "URGENT",
      signDue: t.signDeadline,
      complainant: { confidential: false, name: "赵**", phone: "136****2290" },
      dispatchTime: t.sentAt,
    });
    expect(validate(CASE_SCHEMA.task, req.body).ok).toBe(true);
  });

  it("project and company only where the case names them", () => {
    expect(projectAndEnterprise({ title: "咨询政策", content: "来电人咨询物业费标准。", location: { address: "常州市天宁区" } })).toEqual({});
    expect(projectAndEnterprise({ title: "工地围挡倒塌", content: "某某建设有限公司的工地围挡倒了", location: { address: "常州市武进区湖塘镇某花园项目" } })).toEqual({
      project: { name: "某花园项目" },
      enterprise: { name: "某某建设有限公司", role: "CONSTRUCTION" },
    });
  });

  it("urge and recall by 工单编号; reads sign, reply (整改 added), postpone and return", () => {
    expect(housing.commands.urge!.build({ taskId: "TK-1", caseId: "TG-1", level: "预警", text: "将超期", urgedAt: "T" }, "CZ-WJ-ZJJ").body).toEqual({
      workOrderNo: "TK-1",
      caseNo: "TG-1",
      urgeLevel: "WARNING",
      message: "将超期",
      urgeTime: "T",
    });
    expect(housing.commands.recall!.build({ taskId: "TK-1", caseId: "TG-1", reason: "改派", recalledAt: "T" }, "CZ-WJ-ZJJ").path).toBe("/complaints/work-orders/TK-1/withdrawal");
    expect(readCaseAccept({ handlingUnitCode: "U", signedBy: "周洁" })).toEqual({ unitId: "U", handler: "周洁" });
    expect(readCaseResult({ handlingUnitCode: "U", result: "PARTIALLY_RESOLVED", replyContent: "已约谈 ", rectification: { projectName: "某花园小区", measure: "限期维修" } })).toEqual({
      unitId: "U",
      outcome: 2,
      text: "已约谈（整改：某花园小区：限期维修）",
    });
    expect(readCaseResult({ handlingUnitCode: "U", result: "RESOLVED", replyContent: "已修复", rectification: { enterpriseName: "某物业有限公司" } }).text).toBe("已修复（涉及：某物业有限公司）");
    expect(readCaseExtension({ handlingUnitCode: "U", postponeTo: "T", reason: "待配件" })).toEqual({ unitId: "U", until: "T", reason: "待配件" });
    expect(readCaseRefuse({ handlingUnitCode: "U", reason: "属城管", basis: "条例" })).toEqual({ unitId: "U", reason: "属城管", legalBasis: "条例" });
  });
});
