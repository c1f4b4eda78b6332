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
import type { HandlerTask, TransportCaseTask, TransportFeedback, TransportNotice } from "../../contracts/types";
import type { OutboundRequest } from "../../kit/adapter";
import { type BureauNotice, classify, compact, type FeedbackReading, mentions, partyOf, platesIn, type UnitInfo, vehiclesOf } from "../../kit/bureau";
import { type BureauWire, bureauSchemas, buildTask, URGENCIES, URGE_LEVELS, OUTCOMES, numbered, caseReaders, caseSchemas, type CaseWire, noticeHead } from "../../kit/bureau-wire";

export const SYSTEM = "transport";
export const SCHEMA = bureauSchemas(SYSTEM);
export const CASE_SCHEMA = caseSchemas(SYSTEM);

// ---------------------------------------------------------------------------------------------
// The case line's wire: complaint orders to a transport unit (交通运输局) and its answers

/**
 * Where the hub posts orders (POST /service/complaint-orders, 催办 …/reminders, 撤回 …/cancel),
 * transport's field names and codes, and where transport answers
 * (/api/v1/transport/complaint-orders/{order_no}/receive|finish|delay|reject).
 */
export const CASE_WIRE: CaseWire = {
  path: "/service/complaint-orders",
  hub: { path: "/complaint-orders", actions: { accept: "receive", result: "finish", extension: "delay", refuse: "reject" } },
  task: {
    taskId: "order_no",
    caseId: "case_no",
    role: "order_role",
    rework: "redo_count",
    unitId: "dept_code",
    unitName: "dept_name",
    title: "title",
    content: "content",
    appealType: "appeal_type",
    category: "category_name",
    categoryCode: "category_code",
    address: "address",
    districtCode: "region_code",
    street: "street",
    community: "community",
    gridCode: "grid_code",
    lng: "lng",
    lat: "lat",
    urgency: "urgency",
    signDeadline: "sign_limit",
    handleDeadline: "handle_limit",
    confidential: "secret",
    reporterName: "contact_name",
    reporterPhone: "contact_phone",
    note: "memo",
    sentAt: "sent_time",
  },
  urge: { action: "reminders", level: "remind_level", text: "content", at: "sent_time" },
  recall: { action: "cancel", reason: "cancel_reason", at: "cancel_time" },
  unitId: "dept_code",
  accept: { handler: "receiver", at: "receive_time" },
  /** 办结: the text handle_result with punish_info after it */
  result: { outcome: "result_code", text: "handle_result", note: { field: "punish_info", label: "处理情况" }, handler: "handler", at: "finish_time" },
  extension: { until: "delay_to", reason: "delay_reason" },
  refuse: { reason: "reject_reason", legalBasis: "legal_basis" },
  codes: {
    role: numbered(["owner", "co"]),
    urgency: numbered(URGENCIES),
    urge: numbered(URGE_LEVELS),
    outcome: numbered(OUTCOMES),
    confidential: [
      [true, 1],
      [false, 0],
    ],
  },
};

/** Transport's wire: 联合惩戒抄告 (POST /enforcement/credit-notices) and its 催办 (…/reminders), the receipt, the case line. */
export const WIRE: BureauWire = {
  system: SYSTEM,
  notice: { path: "/enforcement/credit-notices", noticeId: "notice_code", kind: { field: "notice_kind", notice: "NOTICE", revocation: "REVOKE" }, revokes: "revoked_notice_code" },
  reminder: {
    action: "reminders",
    noticeId: "notice_code",
    what: { field: "remind_item", receipt: "1", feedback: "2" },
    dueAt: "limit_time",
    text: "content",
    sentAt: "sent_time",
    noun: "联合惩戒抄告",
  },
  receipt: { signer: "receiver", department: "receiver_org", at: "receive_time" },
  cases: CASE_WIRE,
};

export const { accept: readCaseAccept, result: readCaseResult, extension: readCaseExtension, refuse: readCaseRefuse } = caseReaders(CASE_WIRE);

// ---------------------------------------------------------------------------------------------
// The notices

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
    ...noticeHead(WIRE.notice, n),
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
  return { method: "POST", path: WIRE.notice.path, body };
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
// The case line: what transport's order carries beyond the task

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

/** 派发工单 → POST /service/complaint-orders: the task in transport's fields, with the lines and vehicles the case mentions. */
export function toTransportTask(t: HandlerTask, unit: UnitInfo): OutboundRequest & { body: TransportCaseTask } {
  return buildTask(CASE_WIRE, t, unit, linesAndVehicles(t)) as OutboundRequest & { body: TransportCaseTask };
}
