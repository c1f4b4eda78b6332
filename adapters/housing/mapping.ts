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
import type { HandlerTask, HousingCaseResult, HousingCaseTask, HousingFeedback, HousingNotice } from "../../contracts/types";
import type { OutboundRequest } from "../../kit/adapter";
import { type BureauNotice, classify, compact, type FeedbackReading, mentions, partyOf, type UnitInfo, vehiclesOf } from "../../kit/bureau";
import { type BureauWire, bureauSchemas, buildTask, caseReaders, caseSchemas, type CaseWire, noticeHead } from "../../kit/bureau-wire";

export const SYSTEM = "housing";
export const SCHEMA = bureauSchemas(SYSTEM);
export const CASE_SCHEMA = caseSchemas(SYSTEM);

/** 办理回复: the reply with the rectification after it (「（整改：某花园小区／某某物业管理有限公司：责令限期维修）」). */
export function resultText(b: HousingCaseResult): string {
  const r = b.rectification ?? {};
  const on = [r.projectName, r.enterpriseName]
    .map((s) => s?.trim())
    .filter(Boolean)
    .join("／");
  const rect = r.measure?.trim() ? `（整改：${on ? `${on}：` : ""}${r.measure.trim()}）` : on ? `（涉及：${on}）` : "";
  return `${b.replyContent.trim()}${rect}`;
}

// ---------------------------------------------------------------------------------------------
// The case line's wire: complaint work orders to a housing unit (区/市住建局) and its answers

/**
 * Where the hub posts work orders (POST /complaints/work-orders, 催办 …/urges, 撤回 …/withdrawal),
 * housing's field names and codes, and where housing answers
 * (/api/v1/housing/work-orders/{workOrderNo}/sign|reply|postpone|return).
 */
export const CASE_WIRE: CaseWire = {
  path: "/complaints/work-orders",
  hub: { path: "/work-orders", actions: { accept: "sign", result: "reply", extension: "postpone", refuse: "return" } },
  task: {
    taskId: "workOrderNo",
    caseId: "caseNo",
    role: "assignType",
    rework: "reworkTimes",
    unitId: "handlingUnit.code",
    unitName: "handlingUnit.name",
    title: "subject",
    content: "description",
    appealType: "appealType",
    category: "category.name",
    categoryCode: "category.code",
    address: "location.address",
    districtCode: "location.districtCode",
    street: "location.street",
    community: "location.community",
    gridCode: "location.gridCode",
    lng: "location.longitude",
    lat: "location.latitude",
    urgency: "priority",
    signDeadline: "signDue",
    handleDeadline: "handleDue",
    confidential: "complainant.confidential",
    reporterName: "complainant.name",
    reporterPhone: "complainant.phone",
    note: "remark",
    sentAt: "dispatchTime",
  },
  urge: { action: "urges", level: "urgeLevel", text: "message", at: "urgeTime" },
  recall: { action: "withdrawal", reason: "reason", at: "withdrawTime" },
  unitId: "handlingUnitCode",
  accept: { handler: "signedBy", at: "signedTime" },
  result: { outcome: "result", text: resultText, handler: "handledBy", at: "finishedTime" },
  extension: { until: "postponeTo", reason: "reason" },
  refuse: { reason: "reason", legalBasis: "basis" },
  codes: {
    role: [
      ["owner", "HOST"],
      ["co", "ASSIST"],
    ],
    urgency: [
      ["一般", "NORMAL"],
      ["较急", "URGENT"],
      ["紧急", "CRITICAL"],
    ],
    urge: [
      ["预警", "WARNING"],
      ["催办", "URGE"],
      ["督办", "SUPERVISE"],
    ],
    outcome: [
      [0, "RESOLVED"],
      [1, "UNRESOLVED"],
      [2, "PARTIALLY_RESOLVED"],
      [3, "NOT_ACCEPTED"],
    ],
  },
};

/** Housing's wire: 联合惩戒抄告 (POST /credit/joint-notices) and its 催办 (…/urges), the receipt, the case line. */
export const WIRE: BureauWire = {
  system: SYSTEM,
  notice: { path: "/credit/joint-notices", noticeId: "noticeNumber", kind: { field: "noticeType", notice: "JOINT_PUNISHMENT", revocation: "REVOCATION" }, revokes: "revokedNoticeNumber" },
  reminder: {
    action: "urges",
    noticeId: "noticeNumber",
    what: { field: "urgeType", receipt: "SIGN", feedback: "FEEDBACK" },
    dueAt: "dueTime",
    text: "message",
    sentAt: "sendTime",
    noun: "联合惩戒抄告",
  },
  receipt: { signer: "signedBy", department: "department", at: "signedTime" },
  cases: CASE_WIRE,
};

export const { accept: readCaseAccept, result: readCaseResult, extension: readCaseExtension, refuse: readCaseRefuse } = caseReaders(CASE_WIRE);

// ---------------------------------------------------------------------------------------------
// The notices

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
    ...noticeHead(WIRE.notice, n),
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
  return { method: "POST", path: WIRE.notice.path, body };
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
// The case line: what housing's work order carries beyond the task

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

/** 派发工单 → POST /complaints/work-orders: the task in housing's fields, with the project and company where the case names them. */
export function toHousingTask(t: HandlerTask, unit: UnitInfo): OutboundRequest & { body: HousingCaseTask } {
  return buildTask(CASE_WIRE, t, unit, projectAndEnterprise(t)) as OutboundRequest & { body: HousingCaseTask };
}
