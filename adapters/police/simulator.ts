/**
 * The simulated 公安交警 (kit/bureau.ts BureauSimulator): takes 通行证抄告单 and 催办 in the
 * police's format, signs as the traffic police's duty officer and reports per vehicle what was
 * done with its pass; with its case line it plays the police units: 警情工单 signed by the duty
 * officer, replied (with the plates the 工单 named as 处罚情况), or refused, in the police's format. Controls: setBehaviour(noticeId | "*", {silent, fail, noFeedback, partial})
 * or POST /__sim/behaviour; notices() / GET /__sim/notices; messages() / GET /__sim/received.
 */
import type { PoliceCaseAccept, PoliceCaseResult, PoliceCaseTask, PoliceFeedback, PoliceNotice, PoliceReceipt } from "../../contracts/types";
import type { BureauSimulator } from "../../kit/bureau";
import { type BureauSimSettings, bureauSimulator, encode, type SimCaseAnswers } from "../../kit/bureau-wire";
import { CASE_WIRE, WIRE } from "./mapping";

/** The receipt the simulated police send. */
export function simReceipt(_n: PoliceNotice, at: string): PoliceReceipt {
  return { qsr: "王建国（模拟）", qsrjh: "040123", qsdw: "市公安局交通警察支队", qssj: at };
}

/** The feedback: every vehicle's pass done as asked (the first one left undone when `partial`), every measure 已落实. */
export function simFeedback(n: PoliceNotice, at: string, partial: boolean): PoliceFeedback {
  const result = { 收回通行证: "已收回", 注销通行证: "已注销", 解除限制: "已解除" } as const;
  const clmx: NonNullable<PoliceFeedback["clmx"]> = n.clmx.map((v, i) =>
    partial && i === 0
      ? { hphm: v.hphm, ...(v.txzbh ? { txzbh: v.txzbh } : {}), czjg: "未收回", bz: "车辆外出作业，待返回后收回" }
      : { hphm: v.hphm, ...(v.txzbh ? { txzbh: v.txzbh } : {}), czjg: result[v.czlx] },
  );
  const undoneMeasure = partial && !clmx.length;
  const qtcs: NonNullable<PoliceFeedback["qtcs"]> = n.cgcs.map((cs, i) =>
    undoneMeasure && i === 0 ? { cs, lsqk: "未落实", bz: "正在核查当事人名下车辆" } : { cs, lsqk: "已落实", ...(n.clfw === "2" ? { bz: "已按当事人查询名下全部车辆并处置（模拟）" } : {}) },
  );
  const revoked = n.cglx === "2";
  return {
    ...(clmx.length ? { clmx } : {}),
    qtcs,
    fkqk: partial ? "部分车辆尚未处置完毕，将持续跟进。" : revoked ? "已解除对当事人车辆通行证的限制。" : "已按抄告要求处置当事人车辆通行证。",
    sfwc: partial ? "0" : "1",
    fkr: "王建国（模拟）",
    fksj: at,
  };
}

/** The police units' 签收 and 办结 in the simulator (routes, 延期 and 退回 come from the wire). */
export const policeSimCases: SimCaseAnswers = {
  acceptBody: (t, at): PoliceCaseAccept => ({ cbdwdm: t.unitId, qsr: "陈刚（模拟）", qsrjh: "050217", qssj: at }),
  resultBody: (t, outcome, text, at): PoliceCaseResult => {
    const plates = (t.body as PoliceCaseTask).sjhp ?? [];
    return {
      cbdwdm: t.unitId,
      bjjg: encode(CASE_WIRE.codes.outcome, outcome) as PoliceCaseResult["bjjg"],
      bjqk: text,
      ...(plates.length && outcome !== 3 ? { cfqk: `对${plates.join("、")}依法处理（模拟）` } : {}),
      cbr: "陈刚（模拟）",
      cbrjh: "050217",
      bjsj: at,
    };
  },
};

export function createPoliceSimulator(opts: BureauSimSettings = {}): BureauSimulator<PoliceNotice> {
  return bureauSimulator<PoliceNotice>(WIRE, { label: "公安交警", receiptBody: simReceipt, feedbackBody: simFeedback, cases: policeSimCases }, opts);
}
