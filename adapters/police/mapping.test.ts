import { validate } from "../../contracts";
import type { BureauNotice } from "../../contracts/types";
import { fakeHub } from "../../kit/conformance";
import { police } from "./spec";
import { passAction, SCHEMA } from "./mapping";

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
