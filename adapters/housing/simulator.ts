/**
 * The simulated 住建 (kit/bureau.ts BureauSimulator): takes 联合惩戒抄告 and 催办 in housing's
 * format, signs as the construction-market office and reports per restriction, naming a sample
 * ongoing project for project supervision; with its case line it plays the housing units: work
 * orders signed, replied (with the rectification on the project/company the order named), or
 * refused, in housing's format. Controls: setBehaviour(noticeId | "*", {silent, fail,
 * noFeedback, partial}) or POST /__sim/behaviour; notices() / GET /__sim/notices.
 */
import type { HousingCaseAccept, HousingCaseResult, HousingCaseTask, HousingFeedback, HousingNotice, HousingReceipt } from "../../contracts/types";
import type { BureauSimulator } from "../../kit/bureau";
import { type BureauSimSettings, bureauSimulator, encode, type SimCaseAnswers } from "../../kit/bureau-wire";
import { CASE_WIRE, WIRE } from "./mapping";

export function simReceipt(_n: HousingNotice, at: string): HousingReceipt {
  return { signedBy: "李敏（模拟）", department: "市住房和城乡建设局建筑市场监管处", signedTime: at };
}

const ACTION: Record<HousingNotice["restrictions"][number]["type"], string> = {
  BIDDING: "已在招投标监管平台设置限制",
  QUALIFICATION: "已在资质审批系统中标注，暂停受理其资质申请",
  PROJECT_SUPERVISION: "已通知在建项目施工单位加强出入口管理",
  OTHER: "已按要求落实",
};

export function simFeedback(n: HousingNotice, at: string, partial: boolean): HousingFeedback {
  const revoked = n.noticeType === "REVOCATION";
  const results: NonNullable<HousingFeedback["results"]> = n.restrictions.map((r, i) => {
    if (partial && i === 0) return { restriction: r.description, status: "部分落实", remark: "部分在建项目尚在核查" };
    const projects = !revoked && r.type === "PROJECT_SUPERVISION" ? [{ projectCode: "320402202611010101", projectName: "某安置房项目（模拟）", action: "禁止该企业车辆进出工地" }] : undefined;
    return { restriction: r.description, status: "已落实", remark: revoked ? "已解除限制" : ACTION[r.type], ...(projects ? { projects } : {}) };
  });
  return {
    results,
    summary: partial ? "部分措施尚在落实中。" : revoked ? "已解除对该主体的全部限制。" : "已落实全部限制措施。",
    finished: !partial,
    reporter: "李敏（模拟）",
    reportedTime: at,
  };
}

/** The housing units' sign and reply in the simulator (routes, postpone and return come from the wire). */
export const housingSimCases: SimCaseAnswers = {
  acceptBody: (t, at): HousingCaseAccept => ({ handlingUnitCode: t.unitId, signedBy: "周洁（模拟）", signedTime: at }),
  resultBody: (t, outcome, text, at): HousingCaseResult => {
    const b = t.body as HousingCaseTask;
    const on = { ...(b.project ? { projectName: b.project.name } : {}), ...(b.enterprise ? { enterpriseName: b.enterprise.name } : {}) };
    const rectification = Object.keys(on).length && outcome !== 3 ? { rectification: { ...on, measure: b.enterprise ? "责令限期整改，记入企业信用档案（模拟）" : "已现场督促整改（模拟）" } } : {};
    const result = encode(CASE_WIRE.codes.outcome, outcome) as HousingCaseResult["result"];
    return { handlingUnitCode: t.unitId, result, replyContent: text, ...rectification, handledBy: "周洁（模拟）", finishedTime: at };
  },
};

export function createHousingSimulator(opts: BureauSimSettings = {}): BureauSimulator<HousingNotice> {
  return bureauSimulator<HousingNotice>(WIRE, { label: "住建", receiptBody: simReceipt, feedbackBody: simFeedback, cases: housingSimCases }, opts);
}
