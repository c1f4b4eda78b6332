/**
 * The simulated 住建 (kit/bureau.ts BureauSimulator): takes 联合惩戒抄告 and 催办 in housing's
 * format, signs as the construction-market office and reports per restriction, naming a sample
 * ongoing project for project supervision; with its case line it plays the housing units: work
 * orders signed, replied (with the rectification on the project/company the order named), or
 * refused, in housing's format. Controls: setBehaviour(noticeId | "*", {silent, fail,
 * noFeedback, partial}) or POST /__sim/behaviour; notices() / GET /__sim/notices.
 */
import type {
  HousingCaseAccept,
  HousingCaseExtension,
  HousingCaseRecall,
  HousingCaseRefuse,
  HousingCaseResult,
  HousingCaseTask,
  HousingCaseUrge,
  HousingFeedback,
  HousingNotice,
  HousingReceipt,
  HousingReminder,
} from "../../contracts/types";
import { type BureauBehaviour, BureauSimulator, codeOf, type SimCaseOptions, fromCode } from "../../kit/bureau";
import { CASE_HUB, CASE_PATH, CASE_SCHEMA, NOTICE_PATH, RESULT_CODES, SCHEMA, SYSTEM, URGE_CODES } from "./mapping";

export interface HousingSimulatorOptions {
  hubUrl?: string;
  apiKey?: string;
  receiptDelayMs?: number;
  feedbackDelayMs?: number;
  behaviour?: Record<string, BureauBehaviour>;
  log?: (line: string) => void;
}

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

/** Housing's case line in the simulator: work orders, 催办 and 撤回 read; sign, reply, postpone and return written. */
export const housingSimCases: SimCaseOptions = {
  hub: CASE_HUB,
  routes: [
    {
      path: CASE_PATH,
      schema: CASE_SCHEMA.task,
      read: (b: HousingCaseTask) => ({
        what: "task",
        taskId: b.workOrderNo,
        caseId: b.caseNo,
        unitId: b.handlingUnit.code,
        role: b.assignType === "HOST" ? "owner" : "co",
        rework: b.reworkTimes,
        title: b.subject,
        category: b.category.name.split("/"),
        confidential: b.complainant.confidential,
        ...(b.handleDue ? { handleDeadline: b.handleDue } : {}),
      }),
    },
    {
      path: `${CASE_PATH}/:workOrderNo/urges`,
      schema: CASE_SCHEMA.urge,
      read: (b: HousingCaseUrge) => ({ what: "urge", taskId: b.workOrderNo, level: fromCode(URGE_CODES, b.urgeLevel), text: b.message }),
    },
    { path: `${CASE_PATH}/:workOrderNo/withdrawal`, schema: CASE_SCHEMA.recall, read: (b: HousingCaseRecall) => ({ what: "recall", taskId: b.workOrderNo, reason: b.reason }) },
  ],
  acceptBody: (t, at): HousingCaseAccept => ({ handlingUnitCode: t.unitId, signedBy: "周洁（模拟）", signedTime: at }),
  resultBody: (t, outcome, text, at): HousingCaseResult => {
    const b = t.body as HousingCaseTask;
    const on = { ...(b.project ? { projectName: b.project.name } : {}), ...(b.enterprise ? { enterpriseName: b.enterprise.name } : {}) };
    const rectification = Object.keys(on).length && outcome !== 3 ? { rectification: { ...on, measure: b.enterprise ? "责令限期整改，记入企业信用档案（模拟）" : "已现场督促整改（模拟）" } } : {};
    return { handlingUnitCode: t.unitId, result: codeOf(RESULT_CODES, outcome), replyContent: text, ...rectification, handledBy: "周洁（模拟）", finishedTime: at };
  },
  extensionBody: (t, until, reason): HousingCaseExtension => ({ handlingUnitCode: t.unitId, postponeTo: until, reason }),
  refuseBody: (t, reason, basis): HousingCaseRefuse => ({ handlingUnitCode: t.unitId, reason, basis }),
};

export function createHousingSimulator(opts: HousingSimulatorOptions = {}): BureauSimulator<HousingNotice> {
  return new BureauSimulator<HousingNotice>({
    system: SYSTEM,
    label: "住建",
    routes: [
      {
        path: NOTICE_PATH,
        schema: SCHEMA.notice,
        read: (b: HousingNotice) => ({ what: "notice", noticeId: b.noticeNumber, revocation: b.noticeType === "REVOCATION", ...(b.revokedNoticeNumber ? { revokes: b.revokedNoticeNumber } : {}) }),
      },
      {
        path: `${NOTICE_PATH}/:noticeNumber/urges`,
        schema: SCHEMA.reminder,
        read: (b: HousingReminder) => ({ what: "reminder", noticeId: b.noticeNumber, of: b.urgeType === "SIGN" ? "receipt" : "feedback" }),
      },
    ],
    receiptBody: simReceipt,
    feedbackBody: simFeedback,
    cases: housingSimCases,
    ...opts,
  });
}
