/**
 * Pure translations for 交通运输 (transport): no I/O, no clock. Transport acts on a road-transport
 * operator — by credit code and its 道路运输经营许可证号 — and its vehicles' 道路运输证: each
 * measure becomes a review item of transport's kind (经营许可 / 道路运输证 / 从业资格 / 其他); the
 * feedback names the licence and the certificates it acted on.
 */
import type { TransportFeedback, TransportNotice, TransportReceipt, TransportReminder } from "../../contracts/types";
import type { OutboundRequest } from "../../kit/adapter";
import { type BureauNotice, classify, compact, type FeedbackReading, isRevocation, partyOf, type ReceiptReading, type ReceiptRequest, reminderText, vehiclesOf } from "../../kit/bureau";

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
