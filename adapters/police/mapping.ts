/**
 * Pure translations for 公安交警 (traffic police): no I/O, no clock. The police act on vehicles, so
 * a notice becomes per-vehicle items — 收回通行证 or 注销通行证 by plate (号牌号码) and pass number
 * (通行证编号), 解除限制 for a revocation — in the traffic-management system's pinyin field names.
 */
import type { PoliceFeedback, PoliceNotice, PoliceReceipt, PoliceReminder } from "../../contracts/types";
import { type BureauNotice, type FeedbackReading, isRevocation, partyOf, type ReceiptReading, type ReceiptRequest, reminderText, vehiclesOf, compact } from "../../kit/bureau";
import type { OutboundRequest } from "../../kit/adapter";

export const SYSTEM = "police";

export const SCHEMA = {
  notice: "tongguan:police/notice",
  reminder: "tongguan:police/reminder",
  receipt: "tongguan:police/receipt",
  feedback: "tongguan:police/feedback",
} as const;

/** Where the hub posts: 通行证抄告单 and its 催办. */
export const NOTICE_PATH = "/txz/cgd";
export const reminderPath = (cgdbh: string): string => `${NOTICE_PATH}/${encodeURIComponent(cgdbh)}/cb`;

const PARTY = { organisation: "1", person: "2", vehicle: "3" } as const;

/** What is done with each vehicle's pass: lifted for a revocation, 注销 when a measure says cancel (注销/取消/吊销), else 收回. */
export function passAction(n: Pick<BureauNotice, "kind" | "measures">): PoliceNotice["clmx"][number]["czlx"] {
  if (isRevocation(n)) return "解除限制";
  return n.measures.some((m) => /注销|取消|吊销/.test(m)) ? "注销通行证" : "收回通行证";
}

/** 抄告单 / 撤销抄告 → POST /txz/cgd. */
export function toPoliceNotice(n: BureauNotice): OutboundRequest & { body: PoliceNotice } {
  const party = partyOf(n.subject);
  const czlx = passAction(n);
  const clmx = vehiclesOf(n).map((v) => compact({ hphm: v.plate, txzbh: v.passNo, ssqy: v.operator, czlx }) as PoliceNotice["clmx"][number]);
  const body = compact({
    cgdbh: n.noticeId,
    cglx: isRevocation(n) ? "2" : "1",
    ycgdbh: n.revokes,
    dsrlx: PARTY[party.kind],
    dsrmc: party.name,
    dsrzjhm: party.code,
    clfw: clmx.length ? "1" : "2",
    clmx,
    cfjdsh: n.decisions,
    cgyy: n.rule,
    cgcs: n.measures,
    hmd: n.listEntry,
    qsqx: n.receiptDeadline,
    fkqx: n.feedbackDeadline,
    cgsj: n.sentAt,
  }) as PoliceNotice;
  return { method: "POST", path: NOTICE_PATH, body };
}

/** 催签收/催反馈 → POST /txz/cgd/{cgdbh}/cb. */
export function toPoliceReminder(r: ReceiptRequest): OutboundRequest & { body: PoliceReminder } {
  return {
    method: "POST",
    path: reminderPath(r.noticeId),
    body: { cgdbh: r.noticeId, cblx: r.what === "receipt" ? "1" : "2", qx: r.dueAt, cbnr: reminderText(r, "通行证抄告单"), cbsj: r.sentAt },
  };
}

/** 签收: the signing officer (with his number) and unit. */
export function readReceipt(b: PoliceReceipt): ReceiptReading {
  const signer = b.qsr ? (b.qsrjh ? `${b.qsr}（警号 ${b.qsrjh}）` : b.qsr) : b.qsrjh ? `警号 ${b.qsrjh}` : undefined;
  return compact({ signer, department: b.qsdw, at: b.qssj });
}

/** A pass result that counts as carried out (无通行证: nothing to withdraw). */
const DONE = new Set(["已收回", "已注销", "已解除", "无通行证"]);

/** 措施落实情况: one measure per vehicle (通行证处置 苏D12345（pass）) and per other measure. */
export function readFeedback(b: PoliceFeedback): FeedbackReading {
  const vehicles = (b.clmx ?? []).map((v) => ({
    measure: `通行证处置 ${v.hphm}${v.txzbh ? `（${v.txzbh}）` : ""}`,
    done: DONE.has(v.czjg),
    note: v.bz ? `${v.czjg}：${v.bz}` : v.czjg,
  }));
  const others = (b.qtcs ?? []).map((c) => compact({ measure: c.cs, done: c.lsqk === "已落实", note: c.bz }) as FeedbackReading["measures"][number]);
  return compact({ measures: [...vehicles, ...others], done: b.sfwc === undefined ? undefined : b.sfwc === "1", text: b.fkqk, at: b.fksj }) as FeedbackReading;
}
