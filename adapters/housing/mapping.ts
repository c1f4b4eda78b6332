/**
 * Pure translations for 住建 (housing and urban-rural construction): no I/O, no clock. Housing acts
 * on a company (by 统一社会信用代码) and its ongoing projects (在建项目): each measure becomes a
 * restriction of housing's type — 限制招投标, 资质, 在建项目重点监管 — applied to every ongoing
 * project of the enterprise; the feedback names the projects it was applied to.
 */
import type { HousingFeedback, HousingNotice, HousingReceipt, HousingReminder } from "../../contracts/types";
import type { OutboundRequest } from "../../kit/adapter";
import { type BureauNotice, classify, compact, type FeedbackReading, isRevocation, partyOf, type ReceiptReading, type ReceiptRequest, reminderText, vehiclesOf } from "../../kit/bureau";

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
