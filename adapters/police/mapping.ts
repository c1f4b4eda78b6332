/**
 * Pure translations for 公安交警 (traffic police): no I/O, no clock. The police act on vehicles, so
 * a notice becomes per-vehicle items — 收回通行证 or 注销通行证 by plate (号牌号码) and pass number
 * (通行证编号), 解除限制 for a revocation — in the traffic-management system's pinyin field names.
 *
 * Cases routed to a police unit go to the police platform as 警情工单 (POST /jqgd): the unit by its
 * code (承办单位代码), its 辖区大队 (the traffic brigade of the case's district, from the city data)
 * and the plates the title or content mention (涉及号牌); the police answer with 签收 (qs), 办结
 * (bj), 延期 (yq) and 退回 (th) on /api/v1/police/jqgd/{gdbh}/…, read here into the same params the
 * generic unit interface produces.
 */
import type {
  HandlerRecall,
  HandlerTask,
  HandlerUrge,
  PoliceCaseAccept,
  PoliceCaseExtension,
  PoliceCaseRecall,
  PoliceCaseRefuse,
  PoliceCaseResult,
  PoliceCaseTask,
  PoliceCaseUrge,
  PoliceFeedback,
  PoliceNotice,
  PoliceReceipt,
  PoliceReminder,
} from "../../contracts/types";
import {
  type BureauNotice,
  type CaseAcceptReading,
  type CaseExtensionReading,
  type CaseHubPaths,
  type CaseRefuseReading,
  type CaseResultReading,
  codeOf,
  compact,
  type FeedbackReading,
  isRevocation,
  partyOf,
  platesIn,
  type ReceiptReading,
  type ReceiptRequest,
  reminderText,
  type UnitDirectory,
  type UnitInfo,
  fromCode,
  vehiclesOf,
} from "../../kit/bureau";
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

// ---------------------------------------------------------------------------------------------
// The case line: 警情工单 to a police unit (分局, 交警大队/支队) and its answers

/** Where the hub posts 工单 (and their 催办 / 撤回), and where the police answer (/api/v1/police/jqgd/{gdbh}/qs|bj|yq|th). */
export const CASE_PATH = "/jqgd";
export const CASE_HUB: CaseHubPaths = { path: CASE_PATH, actions: { accept: "qs", result: "bj", extension: "yq", refuse: "th" } };

export const CASE_SCHEMA = {
  task: "tongguan:police/case-task",
  urge: "tongguan:police/case-urge",
  recall: "tongguan:police/case-recall",
  accept: "tongguan:police/case-accept",
  result: "tongguan:police/case-result",
  extension: "tongguan:police/case-extension",
  refuse: "tongguan:police/case-refuse",
} as const;

/** The police's codes for the hub's values. */
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
  ["预警", "0"],
  ["催办", "1"],
  ["督办", "2"],
] as const;
/** 办结结果 1 解决 / 2 未解决 / 3 部分解决 / 4 不予办理 ↔ the hub's outcomes 0–3. */
export const OUTCOME_CODES = [
  [0, "1"],
  [1, "2"],
  [2, "3"],
  [3, "4"],
] as const;

const BRIGADE = /交通警察.*大队|交警大队/;

/** 辖区大队: the traffic brigade of the case's district (else the unit's), from the city data; the unit itself when it is one. */
export function brigadeOf(unit: UnitInfo, districtCode: string | undefined, units: UnitDirectory): UnitInfo | undefined {
  const dc = districtCode ?? unit.districtCode;
  if (BRIGADE.test(unit.name) && (!dc || unit.districtCode === dc)) return unit;
  return dc ? units.all.find((u) => u.bureau === "police" && u.districtCode === dc && BRIGADE.test(u.name)) : undefined;
}

const enc = encodeURIComponent;

/** 派发工单 → POST /jqgd: the unit by its code, its 辖区大队, the plates the case mentions. */
export function toPoliceTask(t: HandlerTask, unit: UnitInfo, units: UnitDirectory): OutboundRequest & { body: PoliceCaseTask } {
  const l = t.location;
  const brigade = brigadeOf(unit, l.districtCode, units);
  const plates = platesIn(t.title, t.content);
  const body = compact({
    gdbh: t.taskId,
    ajbh: t.caseId,
    gdlx: codeOf(ROLE_CODES, t.role),
    cbcs: t.rework,
    cbdwdm: unit.id,
    cbdwmc: unit.name !== unit.id ? unit.name : undefined,
    xqdd: brigade ? { dwdm: brigade.id, dwmc: brigade.name } : undefined,
    bt: t.title,
    nr: t.content,
    sqlx: t.appealType,
    fl: t.category.path.join("/"),
    fldm: t.category.code ?? undefined,
    sfdz: l.address,
    xzqh: l.districtCode,
    jdmc: l.street,
    sqmc: l.community,
    wgbm: l.gridCode,
    zbjd: l.lng,
    zbwd: l.lat,
    sjhp: plates.length ? plates : undefined,
    jjcd: codeOf(URGENCY_CODES, t.urgency),
    qsqx: t.signDeadline ?? undefined,
    blqx: t.handleDeadline ?? undefined,
    sfbm: t.reporter.confidential ? "1" : "0",
    lxr: t.reporter.name,
    lxdh: t.reporter.phone,
    fy: t.note,
    pdsj: t.sentAt,
  }) as PoliceCaseTask;
  return { method: "POST", path: CASE_PATH, body };
}

/** 预警/催办/督办 → POST /jqgd/{gdbh}/cb. */
export function toPoliceUrge(u: HandlerUrge): OutboundRequest & { body: PoliceCaseUrge } {
  return { method: "POST", path: `${CASE_PATH}/${enc(u.taskId)}/cb`, body: { gdbh: u.taskId, ajbh: u.caseId, cbjb: codeOf(URGE_CODES, u.level), cbnr: u.text, cbsj: u.urgedAt } };
}

/** 撤回 → POST /jqgd/{gdbh}/ch. */
export function toPoliceRecall(r: HandlerRecall): OutboundRequest & { body: PoliceCaseRecall } {
  return { method: "POST", path: `${CASE_PATH}/${enc(r.taskId)}/ch`, body: { gdbh: r.taskId, ajbh: r.caseId, chyy: r.reason, chsj: r.recalledAt } };
}

/** 经办人 as the police write it: 「陈刚（警号 050217）」. */
export function officer(name: string | undefined, number: string | undefined): string | undefined {
  return name ? (number ? `${name}（警号 ${number}）` : name) : number ? `警号 ${number}` : undefined;
}

export function readCaseAccept(b: PoliceCaseAccept): CaseAcceptReading {
  return compact({ unitId: b.cbdwdm, handler: officer(b.qsr, b.qsrjh), at: b.qssj }) as CaseAcceptReading;
}

/** 办结: the outcome from 办结结果, the text 办结情况 with 处罚情况 after it. */
export function readCaseResult(b: PoliceCaseResult): CaseResultReading {
  const text = b.cfqk?.trim() ? `${b.bjqk.trim()}（处罚情况：${b.cfqk.trim()}）` : b.bjqk;
  return compact({ unitId: b.cbdwdm, outcome: fromCode(OUTCOME_CODES, b.bjjg), text, handler: officer(b.cbr, b.cbrjh), at: b.bjsj }) as CaseResultReading;
}

export function readCaseExtension(b: PoliceCaseExtension): CaseExtensionReading {
  return { unitId: b.cbdwdm, until: b.yqzsj, reason: b.yqyy };
}

export function readCaseRefuse(b: PoliceCaseRefuse): CaseRefuseReading {
  return compact({ unitId: b.cbdwdm, reason: b.thyy, legalBasis: b.thyj }) as CaseRefuseReading;
}
