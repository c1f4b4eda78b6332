import { validate } from "../../contracts";
import type { BureauNotice, HandlerTask, PoliceCaseTask } from "../../contracts/types";
import { fakeHub } from "../../kit/conformance";
import { police } from "./spec";
import { CASE_SCHEMA, passAction, readCaseAccept, readCaseExtension, readCaseRefuse, readCaseResult, SCHEMA } from "./mapping";

const notice = (over: Partial<BureauNotice> = {}): BureauNotice => ({
  noticeId: "NT-07",
  subject: { type: "company", id: "91320400MA1XXXXXXX", name: "某渣土运输有限公司" },
  decisions: ["常城管罚字〔2026〕12号", "常城管罚字〔2026〕19号"],
  rule: "建筑垃圾运输企业一年内5次乱倒、撒漏",
  measures: ["取消该企业全部建筑垃圾（渣土）运输车辆的通行证，黑名单期间不予核发新的通行证"],
  vehicles: [{ plate: "苏D12345", passNo: "CZ-ZT-2026-0018", operator: "某渣土运输有限公司" }, { plate: "苏D67890" }],
  listEntry: { list: "建筑垃圾运输企业黑名单", until: "2027-12-01" },
  receiptDeadline: "2026-12-03T17:30:00+08:00",
  feedbackDeadline: "2026-12-22T17:30:00+08:00",
  sentAt: "2026-12-01T10:00:00+08:00",
  ...over,
});
const build = (n: BureauNotice) => police.commands.notice!.build(n, null);

describe("police outbound", () => {
  it("a notice with vehicles: per-vehicle items by plate and pass number, 注销 when a measure cancels", () => {
    const req = build(notice());
    expect(req).toEqual({
      method: "POST",
      path: "/txz/cgd",
      body: {
        cgdbh: "NT-07",
        cglx: "1",
        dsrlx: "1",
        dsrmc: "某渣土运输有限公司",
        dsrzjhm: "91320400MA1XXXXXXX",
        clfw: "1",
        clmx: [
          { hphm: "苏D12345", txzbh: "CZ-ZT-2026-0018", ssqy: "某渣土运输有限公司", czlx: "注销通行证" },
          { hphm: "苏D67890", czlx: "注销通行证" },
        ],
        cfjdsh: ["常城管罚字〔2026〕12号", "常城管罚字〔2026〕19号"],
        cgyy: "建筑垃圾运输企业一年内5次乱倒、撒漏",
        cgcs: ["取消该企业全部建筑垃圾（渣土）运输车辆的通行证，黑名单期间不予核发新的通行证"],
        hmd: { list: "建筑垃圾运输企业黑名单", until: "2027-12-01" },
        qsqx: "2026-12-03T17:30:00+08:00",
        fkqx: "2026-12-22T17:30:00+08:00",
        cgsj: "2026-12-01T10:00:00+08:00",
      },
    });
    expect(validate(SCHEMA.notice, req.body).ok).toBe(true);
  });

  it("收回 when no measure cancels; no vehicles known: every vehicle of the party (clfw 2); a vehicle subject is its own item", () => {
    expect(passAction({ measures: ["收回车辆通行证"] })).toBe("收回通行证");
    const none = build(notice({ vehicles: undefined })).body as any;
    expect(none).toMatchObject({ clfw: "2", clmx: [] });
    const car = build(notice({ vehicles: undefined, subject: { type: "vehicle", id: "苏D12345" }, measures: ["收回车辆通行证"] })).body as any;
    expect(car).toMatchObject({ dsrlx: "3", dsrzjhm: "苏D12345", clfw: "1", clmx: [{ hphm: "苏D12345", czlx: "收回通行证" }] });
    expect(build(notice({ subject: { type: "person", id: "320402199001011234" } })).body).toMatchObject({ dsrlx: "2" });
  });

  it("a revocation: 撤销抄告 naming the original, every item 解除限制", () => {
    const req = build(notice({ noticeId: "NT-07-RV", kind: "revocation", revokes: "NT-07", measures: ["解除联合惩戒措施"] }));
    expect(req.body).toMatchObject({ cgdbh: "NT-07-RV", cglx: "2", ycgdbh: "NT-07", clmx: [{ czlx: "解除限制" }, { czlx: "解除限制" }] });
    expect(validate(SCHEMA.notice, req.body).ok).toBe(true);
  });

  it("a receipt request: 催签收/催反馈 at the notice's path, the text in the police's words unless given", () => {
    const r = police.commands.receiptRequest!.build({ noticeId: "NT-07", what: "feedback", dueAt: "2026-12-22T17:30:00+08:00", sentAt: "2026-12-23T09:00:00+08:00" }, null);
    expect(r).toEqual({
      method: "POST",
      path: "/txz/cgd/NT-07/cb",
      body: { cgdbh: "NT-07", cblx: "2", qx: "2026-12-22T17:30:00+08:00", cbnr: "请于 2026-12-22 17:30 前反馈通行证抄告单所列措施的落实情况 NT-07", cbsj: "2026-12-23T09:00:00+08:00" },
    });
    expect(
      police.commands.receiptRequest!.build({ noticeId: "NT-07", what: "receipt", dueAt: "2026-12-03T17:30:00+08:00", text: "逾期未签收", sentAt: "2026-12-04T09:00:00+08:00" }, null).body,
    ).toMatchObject({ cblx: "1", cbnr: "逾期未签收" });
  });
});

describe("police inbound", () => {
  const [receipt, feedback] = police.routes;

  it("签收 → credit.noticeReceipt with the unit, the officer and his number", async () => {
    const hub = fakeHub();
    await receipt.handle({ qsr: "王建国", qsrjh: "040123", qsdw: "市交警支队", qssj: "2026-12-01T14:20:00+08:00" }, { noticeId: "NT-07" }, hub);
    expect(hub.calls).toEqual([
      { action: "sanctions.noticeReceipt", params: { system: "police", noticeId: "NT-07", receivedBy: "市交警支队 王建国（警号 040123）", at: "2026-12-01T14:20:00+08:00" } },
    ]);
  });

  it("措施落实情况 → credit.noticeFeedback: a measure per vehicle and per other measure; sfwc decides done", async () => {
    const hub = fakeHub();
    await feedback.handle(
      {
        clmx: [
          { hphm: "苏D12345", txzbh: "CZ-ZT-2026-0018", czjg: "已注销" },
          { hphm: "苏D67890", czjg: "未收回", bz: "车辆外出" },
        ],
        qtcs: [{ cs: "黑名单期间不予核发新的通行证", lsqk: "已落实" }],
        fkqk: "一辆车待收回",
        fksj: "2026-12-08T16:00:00+08:00",
      },
      { noticeId: "NT-07" },
      hub,
    );
    expect(hub.calls[0]).toEqual({
      action: "sanctions.noticeFeedback",
      params: {
        system: "police",
        noticeId: "NT-07",
        measures: [
          { measure: "通行证处置 苏D12345（CZ-ZT-2026-0018）", done: true, note: "已注销" },
          { measure: "通行证处置 苏D67890", done: false, note: "未收回：车辆外出" },
          { measure: "黑名单期间不予核发新的通行证", done: true },
        ],
        done: false,
        text: "一辆车待收回",
        at: "2026-12-08T16:00:00+08:00",
      },
    });
    const h2 = fakeHub();
    await feedback.handle({ clmx: [{ hphm: "苏D67890", czjg: "无通行证" }], sfwc: "0" }, { noticeId: "NT-07" }, h2);
    expect(h2.calls[0].params).toMatchObject({ measures: [{ done: true }], done: false, text: "措施落实情况：1项已落实" });
  });
});

describe("the case line: 警情工单", () => {
  const t: HandlerTask = {
    taskId: "TK-P1",
    caseId: "TG-P1",
    role: "owner",
    rework: 1,
    title: "私家车占用消防通道",
    content: "消防通道被苏N·12345和苏N67890长期占用。",
    appealType: "举报",
    category: { path: ["交通运输", "道路交通秩序", "占用消防通道"], code: null },
    location: { address: "宿迁市宿豫区顺河街道某小区", districtCode: "321311", street: "顺河街道" },
    urgency: "紧急",
    signDeadline: null,
    handleDeadline: "2026-12-08T17:30:00+08:00",
    reporter: { confidential: true },
    note: "重办原因：回访不满意",
    sentAt: "2026-12-01T10:00:00+08:00",
  };

  it("names the unit, its 辖区大队 and the plates, in the police's codes; nulls and unknowns left out", () => {
    const req = police.commands.task!.build(t, "SQ-SY-GAFJ");
    expect(req).toMatchObject({ method: "POST", path: "/jqgd" });
    expect(req.body).toEqual({
      gdbh: "TK-P1",
      ajbh: "TG-P1",
      gdlx: "1",
      cbcs: 1,
      cbdwdm: "SQ-SY-GAFJ",
      cbdwmc: "宿迁市公安局宿豫分局",
      xqdd: { dwdm: "SQ-SY-JJDD", dwmc: "宿迁市公安局交通警察支队宿豫大队" },
      bt: t.title,
      nr: t.content,
      sqlx: "举报",
      fl: "交通运输/道路交通秩序/占用消防通道",
      sfdz: t.location.address,
      xzqh: "321311",
      jdmc: "顺河街道",
      sjhp: ["苏N12345", "苏N67890"],
      jjcd: "3",
      blqx: t.handleDeadline,
      sfbm: "1",
      fy: t.note,
      pdsj: t.sentAt,
    });
    expect(validate(CASE_SCHEMA.task, req.body).ok).toBe(true);
    // a brigade is its own 辖区大队; no plate, no district: neither
    expect((police.commands.task!.build(t, "SQ-SY-JJDD").body as PoliceCaseTask).xqdd).toEqual({ dwdm: "SQ-SY-JJDD", dwmc: "宿迁市公安局交通警察支队宿豫大队" });
    const bare = police.commands.task!.build({ ...t, content: "无车牌", location: { address: "宿迁市" } }, "SQ-GAJ").body as PoliceCaseTask;
    expect(bare.xqdd).toBeUndefined();
    expect(bare.sjhp).toBeUndefined();
  });

  it("urge and recall by 工单编号", () => {
    expect(police.commands.urge!.build({ taskId: "TK/1", caseId: "TG-1", level: "督办", text: "督办", urgedAt: "T" }, "SQ-SY-JJDD")).toEqual({
      method: "POST",
      path: "/jqgd/TK%2F1/cb",
      body: { gdbh: "TK/1", ajbh: "TG-1", cbjb: "2", cbnr: "督办", cbsj: "T" },
    });
    expect(police.commands.recall!.build({ taskId: "TK-1", caseId: "TG-1", reason: "改派", recalledAt: "T" }, "SQ-SY-JJDD")).toEqual({
      method: "POST",
      path: "/jqgd/TK-1/ch",
      body: { gdbh: "TK-1", ajbh: "TG-1", chyy: "改派", chsj: "T" },
    });
  });

  it("reads 签收, 办结 (处罚情况 added, 办结结果 → outcome), 延期 and 退回", () => {
    expect(readCaseAccept({ cbdwdm: "U", qsr: "陈刚", qsrjh: "050217" })).toEqual({ unitId: "U", handler: "陈刚（警号 050217）" });
    expect(readCaseAccept({ cbdwdm: "U", qsrjh: "050217", qssj: "T" })).toEqual({ unitId: "U", handler: "警号 050217", at: "T" });
    expect(readCaseResult({ cbdwdm: "U", bjjg: "4", bjqk: "不属实" })).toEqual({ unitId: "U", outcome: 3, text: "不属实" });
    expect(readCaseResult({ cbdwdm: "U", bjjg: "1", bjqk: "已拖移 ", cfqk: "罚款200元", cbr: "陈刚" })).toEqual({ unitId: "U", outcome: 0, text: "已拖移（处罚情况：罚款200元）", handler: "陈刚" });
    expect(readCaseExtension({ cbdwdm: "U", yqzsj: "T", yqyy: "需调取监控" })).toEqual({ unitId: "U", until: "T", reason: "需调取监控" });
    expect(readCaseRefuse({ cbdwdm: "U", thyy: "非本单位" })).toEqual({ unitId: "U", reason: "非本单位" });
  });
});
