import { validate } from "../../contracts";
import type { BureauNotice } from "../../contracts/types";
import { fakeHub } from "../../kit/conformance";
import { SCHEMA } from "./mapping";
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
