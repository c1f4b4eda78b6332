/**
 * Public-credit platform (公共信用信息共享平台) ⇄ hub mapping. Pure functions only (no I/O, no
 * clock unless given one): the hub's `publication` command — a 双公示 penalty record, a list
 * decision (名单认定) or a revocation, its record named by the national data standard's Chinese
 * item names — → the platform's own field codes (modelled on the Credit China 双公示 templates:
 * XDR_MC, CF_WSH …); and the platform's repair decisions (信用修复) and comprehensive credit levels
 * → params of the hub's `sanctions.repair` and `sanctions.level` actions.
 */
import type { CreditLevel, CreditListEntry, CreditPenalty, CreditRepair, CreditRevocation, Publication } from "../../contracts/types";
import type { OutboundRequest } from "../../kit/adapter";

export const SYSTEM = "credit" as const;

/** The contract ids of this adapter's messages. */
export const SCHEMA = {
  publication: "tongguan:credit/publication",
  penalty: "tongguan:credit/penalty",
  listEntry: "tongguan:credit/list-entry",
  revocation: "tongguan:credit/revocation",
  repair: "tongguan:credit/repair",
  level: "tongguan:credit/level",
} as const;

/** The platform's paths: 行政处罚 (双公示) and 名单 records, each revocable by its SJID. */
export const PATHS = {
  penalty: "/xzcf",
  list: "/lists",
  revoke: (kind: "penalty" | "list", recordId: string) => `${kind === "list" ? "/lists" : "/xzcf"}/${encodeURIComponent(recordId)}/revoke`,
} as const;

// ---------------------------------------------------------------------------------------------
// The record's items: the standard's Chinese names (first the name the hub uses, then the other
// spellings seen in practice) → the platform's field code and the value's kind.

type ItemKind = "text" | "number" | "date" | "code" | "list";
interface Item {
  code: string;
  names: string[];
  kind?: ItemKind;
}

/** 行政处罚 (双公示) items, in the order of the standard. */
export const PENALTY_ITEMS: readonly Item[] = [
  { code: "XDR_MC", names: ["行政相对人名称"] },
  { code: "XDR_LB", names: ["行政相对人类别"] },
  { code: "XDR_SHXYM", names: ["统一社会信用代码", "行政相对人代码_1（统一社会信用代码）"], kind: "code" },
  { code: "XDR_GSZC", names: ["工商注册号", "行政相对人代码_2（工商注册号）"], kind: "code" },
  { code: "XDR_ZZJG", names: ["组织机构代码", "行政相对人代码_3（组织机构代码）"], kind: "code" },
  { code: "XDR_SWDJ", names: ["税务登记号", "行政相对人代码_4（税务登记号）"], kind: "code" },
  { code: "XDR_SYDW", names: ["事业单位证书号", "行政相对人代码_5（事业单位证书号）"], kind: "code" },
  { code: "XDR_SHZZ", names: ["社会组织登记证号", "行政相对人代码_6（社会组织登记证号）"], kind: "code" },
  { code: "XDR_DZ", names: ["地址", "行政相对人地址"] },
  { code: "FRDB", names: ["法定代表人", "法定代表人（主要负责人）", "主要负责人"] },
  { code: "FR_ZJLX", names: ["法定代表人证件类型"] },
  { code: "FR_ZJHM", names: ["法定代表人证件号码"], kind: "code" },
  { code: "ZJLX", names: ["证件类型", "证件类型（自然人）"] },
  { code: "ZJHM", names: ["证件号码", "证件号码（自然人）"], kind: "code" },
  { code: "CF_WSH", names: ["行政处罚决定书文号"] },
  { code: "CF_WFXW", names: ["违法行为类型"] },
  { code: "CF_SY", names: ["违法事实"] },
  { code: "CF_YJ", names: ["处罚依据"] },
  { code: "CF_CFLB", names: ["处罚类别"] },
  { code: "CF_NR", names: ["处罚内容"] },
  { code: "CF_NR_FK", names: ["罚款金额（万元）", "罚款金额"], kind: "number" },
  { code: "CF_NR_WFFF", names: ["没收违法所得、没收非法财物的金额（万元）", "没收违法所得、没收非法财物的金额", "没收违法所得金额"], kind: "number" },
  { code: "CF_NR_ZKDX", names: ["暂扣或吊销证照名称及编号"] },
  { code: "CF_JDRQ", names: ["处罚决定日期"], kind: "date" },
  { code: "CF_YXQ", names: ["处罚有效期"], kind: "date" },
  { code: "GSJZQ", names: ["公示截止期"], kind: "date" },
  { code: "CF_CFJG", names: ["处罚机关"] },
  { code: "CF_CFJGDM", names: ["处罚机关统一社会信用代码"], kind: "code" },
  { code: "CF_SJLY", names: ["数据来源单位"] },
  { code: "CF_SJLYDM", names: ["数据来源单位统一社会信用代码"], kind: "code" },
  { code: "SXCD", names: ["失信程度", "严重程度"] },
  { code: "BZ", names: ["备注"] },
];

/** 名单认定 items (严重失信主体名单 and the like). */
export const LIST_ITEMS: readonly Item[] = [
  { code: "MDLX", names: ["名单类型", "名单名称"] },
  { code: "XDR_MC", names: ["主体名称", "行政相对人名称"] },
  { code: "XDR_LB", names: ["主体类别", "行政相对人类别"] },
  { code: "XDR_SHXYM", names: ["统一社会信用代码"], kind: "code" },
  { code: "FRDB", names: ["法定代表人", "法定代表人（主要负责人）", "主要负责人"] },
  { code: "ZJLX", names: ["证件类型", "证件类型（自然人）"] },
  { code: "ZJHM", names: ["证件号码", "证件号码（自然人）"], kind: "code" },
  { code: "LRYY", names: ["列入事由", "认定事由"] },
  { code: "RDYJ", names: ["认定依据", "列入依据"] },
  { code: "RDWSH", names: ["认定文书号", "认定决定书文号"] },
  { code: "RDJG", names: ["认定单位", "认定部门", "认定机关"] },
  { code: "RDJGDM", names: ["认定单位统一社会信用代码", "认定部门统一社会信用代码"], kind: "code" },
  { code: "LRRQ", names: ["列入日期", "认定日期"], kind: "date" },
  { code: "YXQZ", names: ["有效期至", "移出日期", "公示截止期"], kind: "date" },
  { code: "GLCF_WSH", names: ["关联处罚决定书文号", "涉及决定书文号", "行政处罚决定书文号"], kind: "list" },
  { code: "SJLY", names: ["数据来源单位"] },
  { code: "BZ", names: ["备注"] },
];

/** Where a revocation reads its reason and the document number it withdraws. */
const REVOKE_REASON = ["撤销原因", "撤销事由", "修复依据"];
const DOCUMENT_NO = ["行政处罚决定书文号", "认定文书号", "认定决定书文号"];

/** An organ item may come as {name, code} / {名称, 代码}: its name is the item, its code the …DM item. */
const ORGANS: Record<string, string> = { CF_CFJG: "CF_CFJGDM", CF_SJLY: "CF_SJLYDM", RDJG: "RDJGDM" };

const given = (v: unknown) => v !== undefined && v !== null && !(typeof v === "string" && v.trim() === "");

function first(record: Record<string, unknown>, names: readonly string[]): unknown {
  for (const n of names) if (given(record[n])) return record[n];
  return undefined;
}

/** A date item: "2026-11-28", or the date part of a date-time in China time (+08:00). */
export function dateOf(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return undefined;
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

/** A date (taken as 0:00 China time) or date-time as an ISO date-time. */
export function instantOf(v: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? `${v.trim()}T00:00:00+08:00` : v.trim();
}

function itemValue(kind: ItemKind, v: unknown): unknown {
  switch (kind) {
    case "number": {
      const n = typeof v === "number" ? v : Number(String(v).replace(/[,，\s]/g, ""));
      return Number.isFinite(n) ? n : undefined;
    }
    case "date":
      return dateOf(v);
    case "code":
      return String(v).trim().toUpperCase();
    case "list": {
      const xs = Array.isArray(v) ? v : String(v).split(/[、,，;；]/);
      const out = xs.map((x) => String(x).trim()).filter(Boolean);
      return out.length ? out : undefined;
    }
    default:
      return typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : undefined;
  }
}

/** The items of a record under the platform's codes; what the table does not name is left out. */
function itemsOf(record: Record<string, unknown>, items: readonly Item[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const it of items) {
    let v = first(record, it.names);
    if (v === undefined) continue;
    if (it.code in ORGANS && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const code = o.code ?? o.代码 ?? o.统一社会信用代码;
      if (given(code) && out[ORGANS[it.code]] === undefined) out[ORGANS[it.code]] = String(code).trim().toUpperCase();
      v = o.name ?? o.名称;
      if (!given(v)) continue;
    }
    const x = itemValue(it.kind ?? "text", v);
    if (x !== undefined && x !== "") out[it.code] = x;
  }
  return out;
}

/** The record's keys the item tables do not name (left out of what is sent: a new item needs a line here). */
export function unmappedItems(record: Record<string, unknown>, kind: "penalty" | "list" = "penalty"): string[] {
  const known = new Set([...(kind === "list" ? LIST_ITEMS : PENALTY_ITEMS).flatMap((i) => i.names), ...REVOKE_REASON]);
  return Object.keys(record).filter((k) => !known.has(k) && given(record[k]));
}

// ---------------------------------------------------------------------------------------------
// hub → platform

/**
 * A 双公示 penalty record in the platform's codes. This is the one message in which personal data
 * is sent whole — the party's and the legal representative's ID numbers (ZJHM, FR_ZJHM) and the
 * address — because 双公示 requires the record as decided; every other message, log line and view
 * of the hub masks them. Never log what this returns.
 */
export function toPenalty(p: Publication): CreditPenalty {
  const items = itemsOf(p.record as Record<string, unknown>, PENALTY_ITEMS);
  const out = { SJID: p.recordId, ...items, ...(p.dueAt ? { BSSX: p.dueAt } : {}), TBSJ: p.sentAt };
  return out as CreditPenalty;
}

/** A list decision (名单认定) in the platform's codes; like a penalty, it carries personal data whole (ZJHM). */
export function toListEntry(p: Publication): CreditListEntry {
  const items = itemsOf(p.record as Record<string, unknown>, LIST_ITEMS);
  return { SJID: p.recordId, ...items, TBSJ: p.sentAt } as CreditListEntry;
}

/** A revocation: the record's SJID, the document it withdraws and why (no personal data). */
export function toRevocation(p: Publication): CreditRevocation {
  const r = p.record as Record<string, unknown>;
  const wsh = first(r, DOCUMENT_NO);
  const why = first(r, REVOKE_REASON);
  return {
    SJID: p.recordId,
    ...(typeof wsh === "string" ? { WSH: wsh.trim() } : {}),
    ...(typeof why === "string" ? { CXYY: why.trim() } : {}),
    CXSJ: p.sentAt,
  };
}

/** The `publication` command → the platform's request: publish a penalty or a list entry, or revoke one. */
export function toPublicationRequest(p: Publication): OutboundRequest {
  const kind = p.kind ?? "penalty";
  if (p.action === "revoke") return { method: "POST", path: PATHS.revoke(kind, p.recordId), body: toRevocation(p) };
  if (kind === "list") return { method: "POST", path: PATHS.list, body: toListEntry(p) };
  return { method: "POST", path: PATHS.penalty, body: toPenalty(p) };
}

// ---------------------------------------------------------------------------------------------
// platform → hub

/** What `sanctions.repair` receives. */
export interface RepairParams {
  decisionNo: string;
  recordId?: string;
  repairedAt: string;
  basis: string;
  stopsPublication: boolean;
}

/** A repair decision → `sanctions.repair`: publication stops unless the platform says TZGS "0". */
export function toRepairParams(b: CreditRepair): RepairParams {
  return {
    decisionNo: b.CF_WSH.trim(),
    ...(b.SJID ? { recordId: b.SJID.trim() } : {}),
    repairedAt: instantOf(b.XFSJ),
    basis: b.XFYJ.trim(),
    stopsPublication: b.TZGS !== "0",
  };
}

/** The platform's two ways of writing a level, as one: A 优, B 良, C 中, D 差. */
export const LEVELS: Record<CreditLevel["PJDJ"], "A" | "B" | "C" | "D"> = { A: "A", B: "B", C: "C", D: "D", 优: "A", 良: "B", 中: "C", 差: "D" };

/** The evaluation a level comes from when the platform names none. */
export const DEFAULT_LEVEL_SOURCE = "公共信用综合评价";

/** What `sanctions.level` receives. */
export interface LevelParams {
  subject: { type: CreditLevel["ZTLB"]; code: string; name?: string };
  level: "A" | "B" | "C" | "D";
  evaluatedAt: string;
  source: string;
}

/** A comprehensive credit level → `sanctions.level` (the code upper-cased, the level as A–D, the subject's name when the platform gives it). */
export function toLevelParams(b: CreditLevel): LevelParams {
  return {
    subject: { type: b.ZTLB, code: b.ZTDM.trim().toUpperCase(), ...(b.ZTMC?.trim() ? { name: b.ZTMC.trim() } : {}) },
    level: LEVELS[b.PJDJ],
    evaluatedAt: instantOf(b.PJRQ),
    source: b.PJLY?.trim() || DEFAULT_LEVEL_SOURCE,
  };
}
