/**
 * Pure translations for 住建 (housing and urban-rural construction): no I/O, no clock. Housing acts
 * on a company (by 统一社会信用代码) and its ongoing projects (在建项目): each measure becomes a
 * restriction of housing's type — 限制招投标, 资质, 在建项目重点监管 — applied to every ongoing
 * project of the enterprise; the feedback names the projects it was applied to.
 *
 * Cases routed to a housing unit go to housing's complaint system as work orders (POST
 * /complaints/work-orders): the unit by its code, and where the case names them the project or
 * estate (项目/小区) and the company (物业服务企业, 开发企业, 施工单位) so housing files it against its
 * registers; housing answers with sign, reply (with the rectification on the project/company),
 * postpone and return on /api/v1/housing/work-orders/{workOrderNo}/…, read here into the same
 * params the generic unit interface produces.
 */
import type {
  HandlerRecall,
  HandlerTask,
  HandlerUrge,
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
import type { OutboundRequest } from "../../kit/adapter";
import {
  type BureauNotice,
  type CaseAcceptReading,
  type CaseExtensionReading,
  type CaseHubPaths,
  type CaseRefuseReading,
  type CaseResultReading,
  classify,
  codeOf,
  compact,
  type FeedbackReading,
  isRevocation,
  mentions,
  partyOf,
  type ReceiptReading,
  type ReceiptRequest,
  reminderText,
  type UnitInfo,
  fromCode,
  vehiclesOf,
} from "../../kit/bureau";

export const SYSTEM = "housing";

export const SCHEMA = {
  notice: "tongguan:housing/notice",
  reminder: "tongguan:housing/reminder",
  receipt: "tongguan:housing/receipt",
  feedback: "tongguan:housing/feedback",
} as const;

export const NOTICE_PATH = "/credit/joint-notices";
export const reminderPath = (noticeNumber: string): string => `${NOTICE_PATH}/${encodeURIComponent(noticeNumber)}/urges`;

type Restriction = HousingNotice["restrictions"][number]["type"];

/** Housing's type of a measure, by its words (first match; else OTHER). */
export const RESTRICTIONS: [RegExp, Restriction][] = [
  [/招标|投标|招投标|承接/, "BIDDING"],
  [/资质|资格|许可|准入/, "QUALIFICATION"],
  [/工地|在建|项目|监管|出入口/, "PROJECT_SUPERVISION"],
];

/** 抄告单 / 撤销抄告 → POST /credit/joint-notices. */
export function toHousingNotice(n: BureauNotice): OutboundRequest & { body: HousingNotice } {
  const party = partyOf(n.subject);
  const id = { organisation: "unifiedSocialCreditCode", person: "idNumber", vehicle: "plateNumber" }[party.kind];
  const vehicles = vehiclesOf(n).map((v) => ({ plateNumber: v.plate }));
  const body = compact({
    noticeNumber: n.noticeId,
    noticeType: isRevocation(n) ? "REVOCATION" : "JOINT_PUNISHMENT",
    revokedNoticeNumber: n.revokes,
    enterprise: compact({ name: party.name, [id]: party.code }),
    restrictions: classify(n.measures, RESTRICTIONS, "OTHER").map((c) => ({ type: c.code, description: c.text })),
    projectScope: "ALL_ONGOING_PROJECTS",
    penaltyDecisions: n.decisions,
    triggerRule: n.rule,
    creditList: n.listEntry,
    vehicles: vehicles.length ? vehicles : undefined,
    receiptDue: n.receiptDeadline,
    feedbackDue: n.feedbackDeadline,
    issuedAt: n.sentAt,
  }) as HousingNotice;
  return { method: "POST", path: NOTICE_PATH, body };
}

/** 催签收/催反馈 → POST /credit/joint-notices/{noticeNumber}/urges. */
export function toHousingReminder(r: ReceiptRequest): OutboundRequest & { body: HousingReminder } {
  return {
    method: "POST",
    path: reminderPath(r.noticeId),
    body: { noticeNumber: r.noticeId, urgeType: r.what === "receipt" ? "SIGN" : "FEEDBACK", dueTime: r.dueAt, message: reminderText(r, "联合惩戒抄告"), sendTime: r.sentAt },
  };
}

export function readReceipt(b: HousingReceipt): ReceiptReading {
  return compact({ signer: b.signedBy, department: b.department, at: b.signedTime });
}

/** 已落实, and 不适用 (nothing to restrict), count as carried out. */
const DONE = new Set(["已落实", "不适用"]);

/** 措施落实情况: one measure per restriction, its note the status, the remark and the projects. */
export function readFeedback(b: HousingFeedback): FeedbackReading {
  const measures = (b.results ?? []).map((r) => {
    const projects = (r.projects ?? []).map((p) => `${p.projectName}${p.projectCode ? `（${p.projectCode}）` : ""}${p.action ? `：${p.action}` : ""}`);
    const note = [r.status, r.remark, projects.length ? `涉及在建项目 ${projects.join("、")}` : undefined].filter(Boolean).join("；");
    return { measure: r.restriction, done: DONE.has(r.status), note };
  });
  return compact({ measures, done: b.finished, text: b.summary, at: b.reportedTime }) as FeedbackReading;
}

// ---------------------------------------------------------------------------------------------
// The case line: complaint work orders to a housing unit (区/市住建局) and its answers

/** Where the hub posts work orders (and their 催办 / 撤回), and where housing answers (/api/v1/housing/work-orders/{workOrderNo}/sign|reply|postpone|return). */
export const CASE_PATH = "/complaints/work-orders";
export const CASE_HUB: CaseHubPaths = { path: "/work-orders", actions: { accept: "sign", result: "reply", extension: "postpone", refuse: "return" } };

export const CASE_SCHEMA = {
  task: "tongguan:housing/case-task",
  urge: "tongguan:housing/case-urge",
  recall: "tongguan:housing/case-recall",
  accept: "tongguan:housing/case-accept",
  result: "tongguan:housing/case-result",
  extension: "tongguan:housing/case-extension",
  refuse: "tongguan:housing/case-refuse",
} as const;

export const ROLE_CODES = [
  ["owner", "HOST"],
  ["co", "ASSIST"],
] as const;
export const PRIORITY_CODES = [
  ["一般", "NORMAL"],
  ["较急", "URGENT"],
  ["紧急", "CRITICAL"],
] as const;
export const URGE_CODES = [
  ["预警", "WARNING"],
  ["催办", "URGE"],
  ["督办", "SUPERVISE"],
] as const;
export const RESULT_CODES = [
  [0, "RESOLVED"],
  [1, "UNRESOLVED"],
  [2, "PARTIALLY_RESOLVED"],
  [3, "NOT_ACCEPTED"],
] as const;

/** A project or residential estate (项目/小区) named in an address or text: a name without separators ending in one of these words. */
export const PROJECT = /([^\s，。、；：,.;:（）()“”"'市区县镇路街道号与和及的在]{1,12}(?:小区|花园|花苑|家园|公寓|新村|新城|雅苑|名苑|嘉园|大厦|项目))/g;
/** A company (企业) named in a text: a name ending in a company form housing registers. */
export const ENTERPRISE =
  /([^\s，。、；：,.;:（）()“”"'的与和及]{2,24}?(?:物业服务有限公司|物业管理有限公司|物业有限公司|房地产开发有限公司|置业有限公司|建设工程有限公司|建设集团有限公司|建设有限公司|建筑有限公司))/g;
/** Words before a company's name that are not part of it (来电人反映…, 要求…督促…). */
const BEFORE_NAME = /^.*(?:反映|投诉|举报|要求|督促|联系|通知|称|由|向|对|被|让)/;

type EnterpriseRole = NonNullable<HousingCaseTask["enterprise"]>["role"];
export const ENTERPRISE_ROLES: [RegExp, EnterpriseRole][] = [
  [/物业/, "PROPERTY_SERVICE"],
  [/房地产|置业/, "DEVELOPER"],
  [/建设|建筑/, "CONSTRUCTION"],
];

/** The project (from the address first, then the title and content) and the company a case names, where it names them. */
export function projectAndEnterprise(t: Pick<HandlerTask, "title" | "content" | "location">): Pick<HousingCaseTask, "project" | "enterprise"> {
  const project = mentions(PROJECT, t.location.address, t.title, t.content)[0];
  const company = mentions(ENTERPRISE, t.title, t.content)
    .map((n) => n.replace(BEFORE_NAME, ""))
    .find((n) => n.length > 4);
  return compact({
    project: project ? { name: project } : undefined,
    enterprise: company ? { name: company, role: classify([company], ENTERPRISE_ROLES, "OTHER")[0].code } : undefined,
  });
}

const enc = encodeURIComponent;

/** 派发工单 → POST /complaints/work-orders: the unit by its code, the project and company where the case names them. */
export function toHousingTask(t: HandlerTask, unit: UnitInfo): OutboundRequest & { body: HousingCaseTask } {
  const l = t.location;
  const body = compact({
    workOrderNo: t.taskId,
    caseNo: t.caseId,
    assignType: codeOf(ROLE_CODES, t.role),
    reworkTimes: t.rework,
    handlingUnit: compact({ code: unit.id, name: unit.name !== unit.id ? unit.name : undefined }),
    subject: t.title,
    description: t.content,
    appealType: t.appealType,
    category: compact({ name: t.category.path.join("/"), code: t.category.code ?? undefined }),
    ...projectAndEnterprise(t),
    location: compact({ address: l.address, districtCode: l.districtCode, street: l.street, community: l.community, gridCode: l.gridCode, longitude: l.lng, latitude: l.lat }),
    priority: codeOf(PRIORITY_CODES, t.urgency),
    signDue: t.signDeadline ?? undefined,
    handleDue: t.handleDeadline ?? undefined,
    complainant: compact({ confidential: t.reporter.confidential, name: t.reporter.name, phone: t.reporter.phone }),
    remark: t.note,
    dispatchTime: t.sentAt,
  }) as HousingCaseTask;
  return { method: "POST", path: CASE_PATH, body };
}

/** 预警/催办/督办 → POST /complaints/work-orders/{workOrderNo}/urges. */
export function toHousingUrge(u: HandlerUrge): OutboundRequest & { body: HousingCaseUrge } {
  return {
    method: "POST",
    path: `${CASE_PATH}/${enc(u.taskId)}/urges`,
    body: { workOrderNo: u.taskId, caseNo: u.caseId, urgeLevel: codeOf(URGE_CODES, u.level), message: u.text, urgeTime: u.urgedAt },
  };
}

/** 撤回 → POST /complaints/work-orders/{workOrderNo}/withdrawal. */
export function toHousingRecall(r: HandlerRecall): OutboundRequest & { body: HousingCaseRecall } {
  return { method: "POST", path: `${CASE_PATH}/${enc(r.taskId)}/withdrawal`, body: { workOrderNo: r.taskId, caseNo: r.caseId, reason: r.reason, withdrawTime: r.recalledAt } };
}

export function readCaseAccept(b: HousingCaseAccept): CaseAcceptReading {
  return compact({ unitId: b.handlingUnitCode, handler: b.signedBy, at: b.signedTime }) as CaseAcceptReading;
}

/** 办理回复: the outcome from result, the text the reply with the rectification after it (「（整改：某花园小区／某某物业管理有限公司：责令限期维修）」). */
export function readCaseResult(b: HousingCaseResult): CaseResultReading {
  const r = b.rectification ?? {};
  const on = [r.projectName, r.enterpriseName]
    .map((s) => s?.trim())
    .filter(Boolean)
    .join("／");
  const rect = r.measure?.trim() ? `（整改：${on ? `${on}：` : ""}${r.measure.trim()}）` : on ? `（涉及：${on}）` : "";
  return compact({ unitId: b.handlingUnitCode, outcome: fromCode(RESULT_CODES, b.result), text: `${b.replyContent.trim()}${rect}`, handler: b.handledBy, at: b.finishedTime }) as CaseResultReading;
}

export function readCaseExtension(b: HousingCaseExtension): CaseExtensionReading {
  return { unitId: b.handlingUnitCode, until: b.postponeTo, reason: b.reason };
}

export function readCaseRefuse(b: HousingCaseRefuse): CaseRefuseReading {
  return compact({ unitId: b.handlingUnitCode, reason: b.reason, legalBasis: b.basis }) as CaseRefuseReading;
}
