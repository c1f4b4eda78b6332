/**
 * Pure translations for 交通运输 (transport): no I/O, no clock. Transport acts on a road-transport
 * operator — by credit code and its 道路运输经营许可证号 — and its vehicles' 道路运输证: each
 * measure becomes a review item of transport's kind (经营许可 / 道路运输证 / 从业资格 / 其他); the
 * feedback names the licence and the certificates it acted on.
 *
 * Cases routed to a transport unit go to transport's service-supervision system as complaint
 * orders (POST /service/complaint-orders): the unit by its code and, where the case mentions them,
 * the lines (线路: 12路 …), the vehicles by plate and the kind of transport, so transport can find the
 * operator; transport answers with receive, finish (with what was done to the operator or
 * vehicles), delay and reject on /api/v1/transport/complaint-orders/{order_no}/…, read here into
 * the same params the generic unit interface produces.
 */
import type {
  HandlerRecall,
  HandlerTask,
  HandlerUrge,
  TransportCaseAccept,
  TransportCaseExtension,
  TransportCaseRecall,
  TransportCaseRefuse,
  TransportCaseResult,
  TransportCaseTask,
  TransportCaseUrge,
  TransportFeedback,
  TransportNotice,
  TransportReceipt,
  TransportReminder,
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
  platesIn,
  type ReceiptReading,
  type ReceiptRequest,
  reminderText,
  type UnitInfo,
  fromCode,
  vehiclesOf,
} from "../../kit/bureau";

export const SYSTEM = "transport";

export const SCHEMA = {
  notice: "tongguan:transport/notice",
  reminder: "tongguan:transport/reminder",
  receipt: "tongguan:transport/receipt",
  feedback: "tongguan:transport/feedback",
} as const;

export const NOTICE_PATH = "/enforcement/credit-notices";
export const reminderPath = (code: string): string => `${NOTICE_PATH}/${encodeURIComponent(code)}/reminders`;

type ReviewObject = TransportNotice["review_items"][number]["object"];

/** Transport's review object of a measure, by its words (first match; else 其他). */
export const REVIEW_OBJECTS: [RegExp, ReviewObject][] = [
  [/经营许可|许可证|经营资质/, "经营许可"],
  [/道路运输证|营运证|车辆/, "道路运输证"],
  [/从业资格|驾驶员|驾驶人/, "从业资格"],
];

/** 抄告单 / 撤销抄告 → POST /enforcement/credit-notices. */
export function toTransportNotice(n: BureauNotice): OutboundRequest & { body: TransportNotice } {
  const party = partyOf(n.subject);
  const vehicles = vehiclesOf(n).map((v) => compact({ plate_no: v.plate, owner_name: v.operator }) as NonNullable<TransportNotice["vehicles"]>[number]);
  const body = compact({
    notice_code: n.noticeId,
    notice_kind: isRevocation(n) ? "REVOKE" : "NOTICE",
    revoked_notice_code: n.revokes,
    operator: compact({ name: party.name, credit_code: party.kind === "organisation" ? party.code : undefined, id_card_no: party.kind === "person" ? party.code : undefined }),
    vehicles: vehicles.length ? vehicles : undefined,
    review_items: classify(n.measures, REVIEW_OBJECTS, "其他").map((c) => ({ object: c.code, requirement: c.text })),
    penalty_doc_nos: n.decisions,
    rule_name: n.rule,
    blacklist: n.listEntry,
    sign_deadline: n.receiptDeadline,
    feedback_deadline: n.feedbackDeadline,
    sent_time: n.sentAt,
  }) as TransportNotice;
  return { method: "POST", path: NOTICE_PATH, body };
}

/** 催签收/催反馈 → POST /enforcement/credit-notices/{notice_code}/reminders. */
export function toTransportReminder(r: ReceiptRequest): OutboundRequest & { body: TransportReminder } {
  return {
    method: "POST",
    path: reminderPath(r.noticeId),
    body: { notice_code: r.noticeId, remind_item: r.what === "receipt" ? "1" : "2", limit_time: r.dueAt, content: reminderText(r, "联合惩戒抄告"), sent_time: r.sentAt },
  };
}

export function readReceipt(b: TransportReceipt): ReceiptReading {
  return compact({ signer: b.receiver, department: b.receiver_org, at: b.receive_time });
}

const RESULT = { "1": "已处理", "2": "处理中", "3": "无需处理" } as const;

/** 措施落实情况: one measure per review item, its note the result, the memo and the certificates; the licence in the text. */
export function readFeedback(b: TransportFeedback): FeedbackReading {
  const measures = (b.results ?? []).map((r) => {
    const certs = (r.vehicle_certs ?? []).map((c) => `${c.plate_no}${c.cert_no ? `（道路运输证 ${c.cert_no}）` : ""}${c.action ? c.action : ""}`);
    const note = [RESULT[r.result_code], r.memo, certs.length ? `车辆 ${certs.join("、")}` : undefined].filter(Boolean).join("；");
    return { measure: r.item, done: r.result_code !== "2", note };
  });
  const licence = b.licence_no ? `道路运输经营许可证号 ${b.licence_no}` : undefined;
  const text = b.conclusion ? [b.conclusion, licence && `（${licence}）`].filter(Boolean).join("") : undefined;
  return compact({ measures, done: b.completed === undefined ? undefined : b.completed === 1, text, at: b.feedback_time }) as FeedbackReading;
}

// ---------------------------------------------------------------------------------------------
// The case line: complaint orders to a transport unit (交通运输局) and its answers

/** Where the hub posts orders (and their 催办 / 撤回), and where transport answers (/api/v1/transport/complaint-orders/{order_no}/receive|finish|delay|reject). */
export const CASE_PATH = "/service/complaint-orders";
export const CASE_HUB: CaseHubPaths = { path: "/complaint-orders", actions: { accept: "receive", result: "finish", extension: "delay", refuse: "reject" } };

export const CASE_SCHEMA = {
  task: "tongguan:transport/case-task",
  urge: "tongguan:transport/case-urge",
  recall: "tongguan:transport/case-recall",
  accept: "tongguan:transport/case-accept",
  result: "tongguan:transport/case-result",
  extension: "tongguan:transport/case-extension",
  refuse: "tongguan:transport/case-refuse",
} as const;

export const ROLE_CODES = [
  ["owner", "1"],
  ["co", "2"],
] as const;
export const URGENCY_CODES = [
  ["一般", "1"],
  ["较急", "2"],
  ["紧急", "3"],
] as const;
export const URGE_CODES = [
  ["预警", "1"],
  ["催办", "2"],
  ["督办", "3"],
] as const;
export const RESULT_CODES = [
  [0, "1"],
  [1, "2"],
  [2, "3"],
  [3, "4"],
] as const;

/** A bus or coach line a case mentions: 12路, B1路, K2路 (a number right before 路, not part of a road's name or a house number). */
export const LINE = /(?<![0-9A-Za-z])([A-Z]{0,2}[0-9]{1,3}[A-Z]?路)(?![0-9])/g;

type TransportKind = NonNullable<TransportCaseTask["transport_kind"]>;
/** The kind of transport, by the case's words (first match). */
export const TRANSPORT_KINDS: [RegExp, TransportKind][] = [
  [/网约车|网络预约/, "网约车"],
  [/出租|的士|巡游车/, "出租"],
  [/公交|[0-9]路车|公共汽车|站台|停靠/, "公交"],
  [/长途|客运|班车|大巴|客车/, "客运"],
  [/货车|货运|渣土车|危化品|运输车/, "货运"],
];

/** What transport files a case by: the lines, the plates and the kind of transport it mentions. */
export function linesAndVehicles(t: Pick<HandlerTask, "title" | "content">): Pick<TransportCaseTask, "lines" | "plate_nos" | "transport_kind"> {
  const lines = mentions(LINE, t.title, t.content);
  const plates = platesIn(t.title, t.content);
  const text = `${t.title} ${t.content}`;
  return compact({
    transport_kind: TRANSPORT_KINDS.find(([re]) => re.test(text))?.[1] ?? (lines.length ? "公交" : undefined),
    lines: lines.length ? lines : undefined,
    plate_nos: plates.length ? plates : undefined,
  });
}

const enc = encodeURIComponent;

/** 派发工单 → POST /service/complaint-orders: the unit by its code, the lines and vehicles the case mentions. */
export function toTransportTask(t: HandlerTask, unit: UnitInfo): OutboundRequest & { body: TransportCaseTask } {
  const l = t.location;
  const body = compact({
    order_no: t.taskId,
    case_no: t.caseId,
    order_role: codeOf(ROLE_CODES, t.role),
    redo_count: t.rework,
    dept_code: unit.id,
    dept_name: unit.name !== unit.id ? unit.name : undefined,
    title: t.title,
    content: t.content,
    appeal_type: t.appealType,
    category_name: t.category.path.join("/"),
    category_code: t.category.code ?? undefined,
    ...linesAndVehicles(t),
    address: l.address,
    region_code: l.districtCode,
    street: l.street,
    community: l.community,
    grid_code: l.gridCode,
    lng: l.lng,
    lat: l.lat,
    urgency: codeOf(URGENCY_CODES, t.urgency),
    sign_limit: t.signDeadline ?? undefined,
    handle_limit: t.handleDeadline ?? undefined,
    secret: t.reporter.confidential ? 1 : 0,
    contact_name: t.reporter.name,
    contact_phone: t.reporter.phone,
    memo: t.note,
    sent_time: t.sentAt,
  }) as TransportCaseTask;
  return { method: "POST", path: CASE_PATH, body };
}

/** 预警/催办/督办 → POST /service/complaint-orders/{order_no}/reminders. */
export function toTransportUrge(u: HandlerUrge): OutboundRequest & { body: TransportCaseUrge } {
  return {
    method: "POST",
    path: `${CASE_PATH}/${enc(u.taskId)}/reminders`,
    body: { order_no: u.taskId, case_no: u.caseId, remind_level: codeOf(URGE_CODES, u.level), content: u.text, sent_time: u.urgedAt },
  };
}

/** 撤回 → POST /service/complaint-orders/{order_no}/cancel. */
export function toTransportRecall(r: HandlerRecall): OutboundRequest & { body: TransportCaseRecall } {
  return { method: "POST", path: `${CASE_PATH}/${enc(r.taskId)}/cancel`, body: { order_no: r.taskId, case_no: r.caseId, cancel_reason: r.reason, cancel_time: r.recalledAt } };
}

export function readCaseAccept(b: TransportCaseAccept): CaseAcceptReading {
  return compact({ unitId: b.dept_code, handler: b.receiver, at: b.receive_time }) as CaseAcceptReading;
}

/** 办结: the outcome from result_code, the text handle_result with punish_info after it. */
export function readCaseResult(b: TransportCaseResult): CaseResultReading {
  const text = b.punish_info?.trim() ? `${b.handle_result.trim()}（处理情况：${b.punish_info.trim()}）` : b.handle_result;
  return compact({ unitId: b.dept_code, outcome: fromCode(RESULT_CODES, b.result_code), text, handler: b.handler, at: b.finish_time }) as CaseResultReading;
}

export function readCaseExtension(b: TransportCaseExtension): CaseExtensionReading {
  return { unitId: b.dept_code, until: b.delay_to, reason: b.delay_reason };
}

export function readCaseRefuse(b: TransportCaseRefuse): CaseRefuseReading {
  return compact({ unitId: b.dept_code, reason: b.reject_reason, legalBasis: b.legal_basis }) as CaseRefuseReading;
}
