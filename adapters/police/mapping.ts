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
import type { HandlerTask, PoliceCaseResult, PoliceCaseTask, PoliceFeedback, PoliceNotice, PoliceReceipt } from "../../contracts/types";
import type { OutboundRequest } from "../../kit/adapter";
import { type BureauNotice, compact, type FeedbackReading, isRevocation, partyOf, platesIn, type UnitDirectory, type UnitInfo, vehiclesOf } from "../../kit/bureau";
import { type BureauWire, bureauSchemas, buildTask, URGENCIES, URGE_LEVELS, OUTCOMES, numbered, caseReaders, caseSchemas, type CaseWire, noticeHead } from "../../kit/bureau-wire";

export const SYSTEM = "police";
export const SCHEMA = bureauSchemas(SYSTEM);
export const CASE_SCHEMA = caseSchemas(SYSTEM);

/** 经办人 as the police write it: 「陈刚（警号 050217）」. */
export function officer(name: string | undefined, number: string | undefined): string | undefined {
  return name ? (number ? `${name}（警号 ${number}）` : name) : number ? `警号 ${number}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// The case line's wire: 警情工单 to a police unit (分局, 交警大队/支队) and its answers

/**
 * Where the hub posts 工单 (POST /jqgd, 催办 …/cb, 撤回 …/ch), the police's field names and codes,
 * and where they answer (/api/v1/police/jqgd/{gdbh}/qs|bj|yq|th).
 */
export const CASE_WIRE: CaseWire = {
  path: "/jqgd",
  hub: { path: "/jqgd", actions: { accept: "qs", result: "bj", extension: "yq", refuse: "th" } },
  task: {
    taskId: "gdbh",
    caseId: "ajbh",
    role: "gdlx",
    rework: "cbcs",
    unitId: "cbdwdm",
    unitName: "cbdwmc",
    title: "bt",
    content: "nr",
    appealType: "sqlx",
    category: "fl",
    categoryCode: "fldm",
    address: "sfdz",
    districtCode: "xzqh",
    street: "jdmc",
    community: "sqmc",
    gridCode: "wgbm",
    lng: "zbjd",
    lat: "zbwd",
    urgency: "jjcd",
    signDeadline: "qsqx",
    handleDeadline: "blqx",
    confidential: "sfbm",
    reporterName: "lxr",
    reporterPhone: "lxdh",
    note: "fy",
    sentAt: "pdsj",
  },
  urge: { action: "cb", level: "cbjb", text: "cbnr", at: "cbsj" },
  recall: { action: "ch", reason: "chyy", at: "chsj" },
  unitId: "cbdwdm",
  accept: { handler: (b) => officer(b.qsr, b.qsrjh), at: "qssj" },
  /** 办结: the text 办结情况 with 处罚情况 after it */
  result: { outcome: "bjjg", text: "bjqk", note: { field: "cfqk", label: "处罚情况" }, handler: (b: PoliceCaseResult) => officer(b.cbr, b.cbrjh), at: "bjsj" },
  extension: { until: "yqzsj", reason: "yqyy" },
  refuse: { reason: "thyy", legalBasis: "thyj" },
  codes: {
    role: numbered(["owner", "co"]),
    urgency: numbered(URGENCIES),
    urge: numbered(URGE_LEVELS, 0),
    /** 办结结果 1 解决 / 2 未解决 / 3 部分解决 / 4 不予办理 ↔ the hub's outcomes 0–3 */
    outcome: numbered(OUTCOMES),
    confidential: [
      [true, "1"],
      [false, "0"],
    ],
  },
};

/** The police's wire: 通行证抄告单 (POST /txz/cgd) and its 催办 (…/cb), the receipt's officer, the case line. */
export const WIRE: BureauWire = {
  system: SYSTEM,
  notice: { path: "/txz/cgd", noticeId: "cgdbh", kind: { field: "cglx", notice: "1", revocation: "2" }, revokes: "ycgdbh" },
  reminder: { action: "cb", noticeId: "cgdbh", what: { field: "cblx", receipt: "1", feedback: "2" }, dueAt: "qx", text: "cbnr", sentAt: "cbsj", noun: "通行证抄告单" },
  /** 签收: the signing officer (with his number) and unit */
  receipt: { signer: (b: PoliceReceipt) => officer(b.qsr, b.qsrjh), department: "qsdw", at: "qssj" },
  cases: CASE_WIRE,
};

export const { accept: readCaseAccept, result: readCaseResult, extension: readCaseExtension, refuse: readCaseRefuse } = caseReaders(CASE_WIRE);

// ---------------------------------------------------------------------------------------------
// The notices

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
    ...noticeHead(WIRE.notice, n),
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
  return { method: "POST", path: WIRE.notice.path, body };
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
// The case line: what the police's 工单 carries beyond the task

const BRIGADE = /交通警察.*大队|交警大队/;

/** 辖区大队: the traffic brigade of the case's district (else the unit's), from the city data; the unit itself when it is one. */
export function brigadeOf(unit: UnitInfo, districtCode: string | undefined, units: UnitDirectory): UnitInfo | undefined {
  const dc = districtCode ?? unit.districtCode;
  if (BRIGADE.test(unit.name) && (!dc || unit.districtCode === dc)) return unit;
  return dc ? units.all.find((u) => u.bureau === "police" && u.districtCode === dc && BRIGADE.test(u.name)) : undefined;
}

/** 派发工单 → POST /jqgd: the task in the police's fields, with its 辖区大队 and the plates the case mentions. */
export function toPoliceTask(t: HandlerTask, unit: UnitInfo, units: UnitDirectory): OutboundRequest & { body: PoliceCaseTask } {
  const brigade = brigadeOf(unit, t.location.districtCode, units);
  const plates = platesIn(t.title, t.content);
  return buildTask(CASE_WIRE, t, unit, {
    xqdd: brigade ? { dwdm: brigade.id, dwmc: brigade.name } : undefined,
    sjhp: plates.length ? plates : undefined,
  }) as OutboundRequest & { body: PoliceCaseTask };
}
