/**
 * Public credit 公共信用: publication periods of penalty records (双公示), joint-punishment rules
 * (联合惩戒) over a subject's administrative penalties, the notices (抄告单) they send to the
 * bureaus, the personal credit score (个人信用分) and the seeded draw of graded supervision
 * (分级分类监管, 双随机一公开).
 *
 * Pure functions over data, except `loadJointRules`, which reads `cities/<city>/joint-rules.json`,
 * validates it against tongguan:data/joint-rules and cross-checks it. Deadlines in 工作日 run on
 * the city's WorkingCalendar (domain/calendar.ts) and are never guessed for a year it lacks: they
 * come back as a `gap` (DeadlineResult) for the caller to alarm on.
 *
 * Dates of decisions are local dates "YYYY-MM-DD" (Asia/Shanghai); `now` is an instant whose local
 * (UTC+8) day is "today". Periods in months follow 民法典 第二百零一、二百零二条: the start day is not
 * counted, a period ends on the corresponding day of the last month (the month's last day when it has
 * no such day), and that day is included — so `minUntil` / `maxUntil` are the last days of the period.
 */
import fs from "node:fs";
import path from "node:path";
import { assertValid, ROOT } from "../contracts/index";
import type {
  BasisDocument,
  Industry,
  JointMeasure,
  JointPunishmentRule,
  JointRule,
  JointRulesFile,
  JointTarget,
  ListDecision,
  PartyType,
  ScoreRule,
  Severity,
  SubjectType,
  SupervisionFile,
} from "../contracts/types";
import { CalendarGapError, type DeadlineResult, type WorkingCalendar } from "./calendar";
import { maskResidentId } from "./identity";

export type { BasisDocument, Industry, JointMeasure, JointPunishmentRule, JointRule, JointRulesFile, JointTarget, ListDecision, PartyType, ScoreRule, Severity, SubjectType, SupervisionFile };

const DAY = 86_400_000;
const OFFSET = 8 * 3_600_000;

// ---------------------------------------------------------------------------------------------
// Local dates
// ---------------------------------------------------------------------------------------------

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** local day number (days since 1970-01-01) of "YYYY-MM-DD"; RangeError when it is not a real date */
function dayOf(key: string, what = "date"): number {
  const m = DATE_RE.exec(key);
  const d = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY : Number.NaN;
  if (!m || keyOf(d) !== key) throw new RangeError(`不是有效日期 / not a date (YYYY-MM-DD): ${what} ${key}`);
  return d;
}
const keyOf = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);
/** the local (UTC+8) day of an instant */
function today(now: Date): number {
  const t = now.getTime();
  if (!Number.isFinite(t)) throw new RangeError("无效时间 / invalid Date: now");
  return Math.floor((t + OFFSET) / DAY);
}
/** the local midnight (00:00 UTC+8) of a local day */
const midnight = (d: number) => new Date(d * DAY - OFFSET);

/** "YYYY-MM-DD" plus whole months: the corresponding day, or the month's last day when there is none (民法典 第二百零二条) */
export function addMonths(key: string, months: number): string {
  dayOf(key);
  const [y, m, d] = key.split("-").map(Number);
  const idx = y * 12 + (m - 1) + months;
  const ty = Math.floor(idx / 12);
  const tm = idx - ty * 12;
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return keyOf(Date.UTC(ty, tm, Math.min(d, last)) / DAY);
}

// ---------------------------------------------------------------------------------------------
// 1. Publication periods and the 双公示 deadline
// ---------------------------------------------------------------------------------------------

export interface PublicationRule {
  id: "信用修复管理办法-2025" | "NDRC-58" | "527号";
  title: string;
  docNo?: string;
  /** the first decision date the rule is applied to */
  from: string;
  /** months [min, max] of publication by severity; 轻微 is not published under any of them */
  periods: Record<"一般" | "严重", [number, number]>;
  /** at most this many months when a sector insists on publishing a 轻微 record (0: never published) */
  minorMaxMonths: number;
}

/**
 * The rule versions, newest first; a decision follows the newest whose `from` is not after its date.
 * 527号 is used for decisions before Order 58 came into force (its own start is not modelled). None of the
 * three is read here as publishing 轻微 records, except the 2025 rule when a sector insists (≤ 3 months).
 */
export const PUBLICATION_RULES: readonly PublicationRule[] = [
  {
    id: "信用修复管理办法-2025",
    title: "信用修复管理办法（2025年11月19日通过，2026年4月1日起施行）",
    from: "2026-04-01",
    periods: { 一般: [3, 12], 严重: [12, 36] },
    minorMaxMonths: 3,
  },
  {
    id: "NDRC-58",
    title: "失信行为纠正后的信用信息修复管理办法（试行）",
    docNo: "国家发展和改革委员会令2023年第58号",
    from: "2023-05-01",
    periods: { 一般: [3, 12], 严重: [12, 36] },
    minorMaxMonths: 0,
  },
  {
    id: "527号",
    title: "关于进一步完善“信用中国”网站及地方信用门户网站行政处罚信息信用修复机制的通知",
    docNo: "发改办财金〔2019〕527号",
    from: "0000-01-01",
    periods: { 一般: [3, 12], 严重: [6, 36] },
    minorMaxMonths: 0,
  },
];

export function publicationRuleFor(decisionDate: string): PublicationRule {
  dayOf(decisionDate, "decisionDate");
  const r = PUBLICATION_RULES.find((x) => x.from <= decisionDate);
  if (!r) throw new Error(`no publication rule for ${decisionDate}`);
  return r;
}

export interface PublicationOptions {
  /** a sector that publishes 轻微 records anyway: this many months (1–3; the 2025 rule only) */
  minorMonths?: number;
  /** when given, the result carries the 双公示 deadline on this calendar */
  calendar?: WorkingCalendar;
}

export interface PublicationPeriod {
  severity: Severity;
  decisionDate: string;
  /** the rule version the figures come from (by decision date) */
  rule: { id: PublicationRule["id"]; title: string; docNo?: string };
  published: boolean;
  /** the period runs from the decision date (null when not published) */
  publishFrom: string | null;
  /** last day of the minimum period: short-period repair (信用修复) is possible after it */
  minUntil: string | null;
  /** last day of the maximum period: publication ends automatically after it */
  maxUntil: string | null;
  months: { min: number; max: number } | null;
  /** the 双公示 deadline (7 工作日), when a calendar was given and the record is published */
  due?: DeadlineResult | null;
}

/** Publication period of a penalty record by severity under the rule in force on its decision date. */
export function publicationOf(severity: Severity, decisionDate: string, opts: PublicationOptions = {}): PublicationPeriod {
  const rule = publicationRuleFor(decisionDate);
  const ruleRef = { id: rule.id, title: rule.title, ...(rule.docNo ? { docNo: rule.docNo } : {}) };
  let months: [number, number] | null;
  if (severity === "轻微") {
    if (opts.minorMonths === undefined) months = null;
    else {
      if (!Number.isInteger(opts.minorMonths) || opts.minorMonths < 1 || opts.minorMonths > rule.minorMaxMonths) {
        throw new RangeError(
          rule.minorMaxMonths
            ? `轻微失信信息至多公示 ${rule.minorMaxMonths} 个月 / a 轻微 record is published at most ${rule.minorMaxMonths} months (${rule.id}): ${opts.minorMonths}`
            : `${rule.id} 不公示轻微失信信息 / ${rule.id} does not publish 轻微 records (decision ${decisionDate})`,
        );
      }
      // repairable once obligations are met: no minimum beyond the decision day
      months = [0, opts.minorMonths];
    }
  } else if (severity === "一般" || severity === "严重") months = rule.periods[severity];
  else throw new RangeError(`未知的严重程度 / unknown severity: ${String(severity)}`);
  const out: PublicationPeriod = {
    severity,
    decisionDate,
    rule: ruleRef,
    published: months !== null,
    publishFrom: months ? decisionDate : null,
    minUntil: months ? addMonths(decisionDate, months[0]) : null,
    maxUntil: months ? addMonths(decisionDate, months[1]) : null,
    months: months ? { min: months[0], max: months[1] } : null,
  };
  if (opts.calendar) out.due = months ? dualPublicationDue(decisionDate, opts.calendar) : null;
  return out;
}

/** 双公示: a penalty is published within 7 working days of its decision */
export const DUAL_PUBLICATION_WORKING_DAYS = 7;

/**
 * The 双公示 deadline: closing time of the 7th working day after the decision date. The decision day
 * itself is not counted (民法典 第二百零一条), so a decision on a non-working day counts from the next
 * working day as day 1. A year the calendar lacks gives a `gap`, never a guess.
 */
export function dualPublicationDue(decisionDate: string, cal: WorkingCalendar): DeadlineResult {
  const start = midnight(dayOf(decisionDate, "decisionDate"));
  try {
    const n = cal.isWorkingDay(decisionDate) ? DUAL_PUBLICATION_WORKING_DAYS : DUAL_PUBLICATION_WORKING_DAYS - 1;
    return cal.deadline(start, { amount: n, unit: "工作日" });
  } catch (e) {
    if (e instanceof CalendarGapError) return { gap: { year: e.year, message: e.messageZh, messageEn: e.messageEn } };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Rules: loading and cross-checking
// ---------------------------------------------------------------------------------------------

/** The joint-rule target that is the public-credit platform itself (its list decisions go there as publications, not as notices). */
export const PLATFORM_TARGET: JointTarget = "creditPlatform";

export const TARGET_LABELS: Record<JointTarget, string> = {
  housing: "住建",
  police: "公安交警",
  transport: "交通运输",
  cityManagement: "城管",
  creditPlatform: "公共信用信息平台",
};

const isJoint = (r: JointRule): r is JointRule & JointPunishmentRule => r.kind === "joint";
const isScore = (r: JointRule): r is JointRule & ScoreRule => r.kind === "score";

/** The targets of a joint rule: those of its measures, in their order. */
export function targetsOf(rule: JointPunishmentRule): JointTarget[] {
  return [...new Set(rule.measures.map((m) => m.target))];
}

/** Cross-checks of a schema-valid rules file; every problem found (empty when consistent). */
export function jointRulesProblems(data: JointRulesFile): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  data.rules.forEach((r, i) => {
    const at = `rules[${i}] (${r.id})`;
    if (ids.has(r.id)) problems.push(`${at}: 规则编号重复 / duplicate rule id`);
    ids.add(r.id);
    const letter = r.id.split("-")[1]?.[0];
    if ((r.kind === "joint") !== (letter === "J")) problems.push(`${at}: 编号中的 J/S 与 kind "${r.kind}" 不符 / the J/S in the id does not match kind "${r.kind}"`);
    if (isJoint(r)) {
      const codes = new Set<string>();
      for (const m of r.measures) {
        if (codes.has(m.code)) problems.push(`${at}: 措施代码 ${m.code} 重复 / duplicate measure code`);
        codes.add(m.code);
      }
      const targets = targetsOf(r);
      if (r.listDecision !== "none" && !targets.includes(r.listDecision.decidedBy)) {
        problems.push(`${at}: 名单决定单位 ${r.listDecision.decidedBy} 没有对应的措施 / listDecision.decidedBy is not a target of any measure`);
      }
      if (r.deadlines.feedbackWorkingDays < r.deadlines.receiptWorkingDays) problems.push(`${at}: 反馈时限早于签收时限 / feedback is due before receipt`);
      if (r.trigger.subjectTypes.includes("车辆") && r.trigger.industries) problems.push(`${at}: 车辆没有行业，industries 不能与 车辆 同用 / a vehicle has no industry`);
    }
    if (isScore(r)) {
      if (r.trigger.subjectTypes.some((t) => t !== "自然人")) problems.push(`${at}: 个人信用分规则只适用于 自然人 / a score rule is for 自然人 only`);
      for (const k of Object.keys(r.pointsByKind ?? {})) {
        if (!r.trigger.violationKinds.includes(k as never)) problems.push(`${at}: pointsByKind 的 ${k} 不在 trigger.violationKinds 中 / not one of the trigger's kinds`);
      }
    }
  });
  const hasScore = data.rules.some(isScore);
  if (hasScore && !data.personalScore) problems.push(`personalScore: 有个人信用分规则时必填（初始分不作推测） / required when there are score rules (the start is never guessed)`);
  if (data.personalScore && data.personalScore.floor >= data.personalScore.start) problems.push(`personalScore: floor 必须低于 start / floor must be below start`);
  return problems;
}

/**
 * Reads `<cityDir>/joint-rules.json` (cityDir absolute, or relative to the project root, e.g.
 * "cities/changzhou"), validates it against tongguan:data/joint-rules and cross-checks it.
 * Throws naming the file when it is missing, malformed, invalid or inconsistent.
 */
export function loadJointRules(cityDir: string): JointRulesFile {
  const abs = path.resolve(ROOT, cityDir, "joint-rules.json");
  const rel = path.relative(ROOT, abs);
  const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : abs;
  if (!fs.existsSync(abs)) throw new Error(`联合惩戒规则文件缺失 / joint-rules file missing: ${shown}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(abs, "utf8"));
  } catch (e) {
    throw new Error(`联合惩戒规则文件不是合法 JSON / joint-rules file is not valid JSON: ${shown}: ${(e as Error).message}`);
  }
  let data: JointRulesFile;
  try {
    data = assertValid<JointRulesFile>("tongguan:data/joint-rules", raw, shown);
  } catch (e) {
    const rules = (raw as { rules?: unknown } | null)?.rules;
    let msg = (e as Error).message;
    if (Array.isArray(rules)) {
      msg = msg.replace(/\/rules\/(\d+)(?=\/|:)/g, (m, i: string) => {
        const id = (rules[Number(i)] as { id?: unknown } | undefined)?.id;
        return typeof id === "string" ? `${m} (规则 ${id})` : m;
      });
    }
    throw new Error(`联合惩戒规则文件校验失败 / joint-rules file is invalid: ${msg}`);
  }
  const problems = jointRulesProblems(data);
  if (problems.length) throw new Error(`联合惩戒规则数据有误 / joint-rules data is inconsistent (${shown}):\n  ${problems.join("\n  ")}`);
  return data;
}

// ---------------------------------------------------------------------------------------------
// 3. Evaluation
// ---------------------------------------------------------------------------------------------

/** 行政处罚程序 (行政处罚法 第五章: 简易程序, 普通程序 — the documents' 一般程序 is the 普通程序) */
export type Procedure = "普通程序" | "简易程序";

/** A credit subject: a company or other organisation, an individual business, a person, or a vehicle. */
export interface CreditSubject {
  type: SubjectType;
  /** 行政相对人名称 (for a vehicle: its operator's name or the plate) */
  name: string;
  /** 统一社会信用代码 (organisations and individual businesses) */
  creditCode?: string;
  /** 证件类型 and 证件号码 of a person */
  idType?: string;
  idNumber?: string;
  /** 法定代表人 / 经营者 */
  legalRepresentative?: { name: string; idType?: string; idNumber?: string };
  /** the vehicle's plate (type 车辆) */
  plate?: string;
  /** the vehicles a company operates (police act on all of them) */
  plates?: string[];
  industries?: Industry[];
  /** the lists the subject is on now (名单名称) */
  lists?: string[];
}

/** One administrative penalty decision of the subject's history (the items evaluation needs). */
export interface SanctionRecord {
  /** 行政处罚决定书文号 */
  decisionNo: string;
  /** 处罚决定日期 (local date) */
  decisionDate: string;
  /** 违法行为类型 */
  violationKind: string;
  severity: Severity;
  /** 行政相对人类别 */
  partyType: PartyType;
  /** vehicles involved */
  plates?: string[];
  /** 行政处罚程序, when known */
  procedure?: Procedure;
}

/** A rule that has fired before for a subject (a Firing fits). */
export interface FiredRecord {
  ruleId: string;
  decisionNos: readonly string[];
}

export interface Firing {
  /** ruleId + the decision numbers: stable for the same rule and decision set */
  key: string;
  ruleId: string;
  rule: JointPunishmentRule;
  /** the decisions that made the rule fire, oldest first */
  decisions: SanctionRecord[];
  decisionNos: string[];
  measures: JointMeasure[];
  targets: JointTarget[];
  listDecision: ListDecision | "none";
  firedAt: Date;
  /** 中文说明 */
  why: string;
}

const SEVERITY_RANK: Record<Severity, number> = { 轻微: 0, 一般: 1, 严重: 2 };
const normPlate = (p: string) => p.replace(/\s+/g, "").toUpperCase();

/** whether a decision is about this subject: a vehicle by plate, anyone else by party type */
function concerns(s: SanctionRecord, subject: CreditSubject): boolean {
  if (subject.type === "车辆") {
    const plate = subject.plate ? normPlate(subject.plate) : "";
    return plate !== "" && (s.plates ?? []).some((p) => normPlate(p) === plate);
  }
  return s.partyType === subject.type;
}

/** the decisions of `history` matching the rule's conditions on the decision itself, in the window ending today (deduplicated by number, oldest first) */
function inWindow(rule: JointRule, history: readonly SanctionRecord[], t: number, fits: (s: SanctionRecord) => boolean): SanctionRecord[] {
  const tr = rule.trigger;
  const seen = new Set<string>();
  const out: SanctionRecord[] = [];
  for (const s of history) {
    if (seen.has(s.decisionNo)) continue;
    const d = dayOf(s.decisionDate, `decisionDate of ${s.decisionNo}`);
    if (d > t || t - d >= tr.windowDays) continue;
    if (!fits(s) || !kindMatches(rule, s)) continue;
    seen.add(s.decisionNo);
    out.push(s);
  }
  return out.sort(byDate);
}

function kindMatches(rule: JointRule, s: SanctionRecord): boolean {
  const tr = rule.trigger;
  if (!(tr.violationKinds as string[]).includes(s.violationKind)) return false;
  // a rule that names procedures counts a decision by its stated procedure; a decision that does
  // not state one falls back to the rule's minSeverity (without one it does not count)
  if (tr.procedures) {
    if (s.procedure) return (tr.procedures as string[]).includes(s.procedure);
    return tr.minSeverity !== undefined && SEVERITY_RANK[s.severity] >= SEVERITY_RANK[tr.minSeverity];
  }
  if (tr.minSeverity && SEVERITY_RANK[s.severity] < SEVERITY_RANK[tr.minSeverity]) return false;
  return true;
}

const byDate = (a: SanctionRecord, b: SanctionRecord) =>
  a.decisionDate < b.decisionDate ? -1 : a.decisionDate > b.decisionDate ? 1 : a.decisionNo < b.decisionNo ? -1 : a.decisionNo > b.decisionNo ? 1 : 0;

function subjectFits(rule: JointRule, subject: CreditSubject): boolean {
  const tr = rule.trigger;
  if (!tr.subjectTypes.includes(subject.type)) return false;
  if (tr.industries && !tr.industries.some((i) => subject.industries?.includes(i))) return false;
  if (tr.onLists && !tr.onLists.some((l) => subject.lists?.includes(l))) return false;
  return true;
}

export const firingKey = (ruleId: string, decisionNos: readonly string[]) => `${ruleId}|${[...decisionNos].sort().join(",")}`;

/**
 * The joint rules that fire now for a subject. A rule fires when at least `minCount` of the subject's
 * decisions match it within its window and have not already been counted by an earlier firing of the
 * same rule (`fired`): so the same decision set never fires twice, and a sixth penalty after five
 * that fired does not fire again on its own — five new ones would. Score rules are not evaluated
 * here (see personalScore).
 */
export function evaluate(subject: CreditSubject, history: readonly SanctionRecord[], rules: JointRulesFile, now: Date, fired: readonly FiredRecord[] = []): Firing[] {
  const t = today(now);
  const out: Firing[] = [];
  for (const rule of rules.rules) {
    if (!isJoint(rule) || !subjectFits(rule, subject)) continue;
    const matching = inWindow(rule, history, t, (s) => concerns(s, subject));
    const previous = fired.filter((f) => f.ruleId === rule.id);
    const counted = new Set(previous.flatMap((f) => f.decisionNos));
    const fresh = matching.filter((s) => !counted.has(s.decisionNo));
    if (fresh.length < rule.trigger.minCount) continue;
    const decisionNos = fresh.map((s) => s.decisionNo);
    const key = firingKey(rule.id, decisionNos);
    if (previous.some((f) => firingKey(f.ruleId, f.decisionNos) === key)) continue;
    const tr = rule.trigger;
    out.push({
      key,
      ruleId: rule.id,
      rule,
      decisions: fresh,
      decisionNos,
      measures: rule.measures,
      targets: targetsOf(rule),
      listDecision: rule.listDecision,
      firedAt: new Date(now.getTime()),
      why:
        `${rule.name}：${tr.windowDays} 日内因${tr.violationKinds.join("、")}受处罚 ${fresh.length} 次（规则要求至少 ${tr.minCount} 次` +
        `${tr.procedures ? `，${tr.procedures.join("或")}${tr.minSeverity ? `（未载明程序的按${tr.minSeverity}及以上计）` : ""}` : tr.minSeverity ? `，${tr.minSeverity}及以上` : ""}）：${decisionNos.join("、")}`,
    });
  }
  return out;
}

export interface ScoreDeduction {
  ruleId: string;
  decisionNo: string;
  decisionDate: string;
  violationKind: string;
  points: number;
  /** the first day the deduction no longer counts (the decision leaves the window) */
  expiresOn: string;
}

export interface PersonalScore {
  /** local date the score is for */
  asOf: string;
  start: number;
  floor: number;
  score: number;
  /** total points deducted (after each rule's maxPoints; the floor may cut the score further) */
  deducted: number;
  deductions: ScoreDeduction[];
  /** matching decisions in the window that do not deduct yet (fewer than the rule's minCount) */
  pending: { ruleId: string; decisionNo: string; decisionDate: string; violationKind: string }[];
  /** matching decisions past the window: their deductions no longer count */
  expired: { ruleId: string; decisionNo: string; decisionDate: string; violationKind: string; expiredOn: string }[];
  basis: BasisDocument[];
}

/**
 * A person's credit score now: the file's start minus, for each score rule whose count is reached in
 * its window, the points of each matching decision in the window (pointsByKind, else points; at most
 * maxPoints per rule), never below the floor. History of other party types is ignored.
 */
export function personalScore(history: readonly SanctionRecord[], rules: JointRulesFile, now: Date): PersonalScore {
  const settings = rules.personalScore;
  if (!settings) throw new Error("joint-rules 没有 personalScore（初始分不作推测） / the rules file has no personalScore (the start is never guessed)");
  const t = today(now);
  const deductions: ScoreDeduction[] = [];
  const pending: PersonalScore["pending"] = [];
  const expired: PersonalScore["expired"] = [];
  let deducted = 0;
  for (const rule of rules.rules) {
    if (!isScore(rule)) continue;
    const fits = (s: SanctionRecord) => (rule.trigger.subjectTypes as string[]).includes(s.partyType);
    const live = inWindow(rule, history, t, fits);
    const seen = new Set(live.map((s) => s.decisionNo));
    for (const s of [...history].sort(byDate)) {
      if (seen.has(s.decisionNo) || !fits(s) || !kindMatches(rule, s)) continue;
      const d = dayOf(s.decisionDate, `decisionDate of ${s.decisionNo}`);
      if (d > t) continue;
      seen.add(s.decisionNo);
      expired.push({ ruleId: rule.id, decisionNo: s.decisionNo, decisionDate: s.decisionDate, violationKind: s.violationKind, expiredOn: keyOf(d + rule.trigger.windowDays) });
    }
    if (live.length < rule.trigger.minCount) {
      for (const s of live) pending.push({ ruleId: rule.id, decisionNo: s.decisionNo, decisionDate: s.decisionDate, violationKind: s.violationKind });
      continue;
    }
    let byRule = 0;
    const cap = rule.maxPoints ?? Number.POSITIVE_INFINITY;
    for (const s of live) {
      const want = rule.pointsByKind?.[s.violationKind] ?? rule.points;
      const points = Math.min(want, cap - byRule);
      if (points <= 0) break;
      byRule += points;
      deductions.push({
        ruleId: rule.id,
        decisionNo: s.decisionNo,
        decisionDate: s.decisionDate,
        violationKind: s.violationKind,
        points,
        expiresOn: keyOf(dayOf(s.decisionDate) + rule.trigger.windowDays),
      });
    }
    deducted += byRule;
  }
  return { asOf: keyOf(t), start: settings.start, floor: settings.floor, score: Math.max(settings.floor, settings.start - deducted), deducted, deductions, pending, expired, basis: settings.basis };
}

// ---------------------------------------------------------------------------------------------
// 4. Notices (抄告单)
// ---------------------------------------------------------------------------------------------

/**
 * The subject as a notice shows it: credit codes and plates whole (public), a person's document
 * numbers masked (identity.maskResidentId: first 6 and last 4 kept); names whole, since the bureau
 * must identify whom it acts on.
 */
export interface NoticeSubject {
  type: SubjectType;
  name: string;
  creditCode?: string;
  idType?: string;
  /** masked */
  idNumber?: string;
  legalRepresentative?: { name: string; idType?: string; idNumber?: string };
  plate?: string;
  industries?: Industry[];
}

export function noticeSubject(s: CreditSubject): NoticeSubject {
  const lr = s.legalRepresentative;
  return {
    type: s.type,
    name: s.name,
    ...(s.creditCode ? { creditCode: s.creditCode.toUpperCase() } : {}),
    ...(s.idType ? { idType: s.idType } : {}),
    ...(s.idNumber ? { idNumber: maskResidentId(s.idNumber) } : {}),
    ...(lr ? { legalRepresentative: { name: lr.name, ...(lr.idType ? { idType: lr.idType } : {}), ...(lr.idNumber ? { idNumber: maskResidentId(lr.idNumber) } : {}) } } : {}),
    ...(s.plate ? { plate: normPlate(s.plate) } : {}),
    ...(s.industries ? { industries: [...s.industries] } : {}),
  };
}

export interface JointNotice {
  /** stable for the same rule, decision set and target (≤ 64 characters) */
  noticeId: string;
  firingKey: string;
  target: JointTarget;
  /** 住建 / 公安交警 / 交通运输 / 城管 / 公共信用信息平台 */
  targetName: string;
  subject: NoticeSubject;
  decisions: { decisionNo: string; decisionDate: string; violationKind: string; severity: Severity; plates?: string[] }[];
  /** the vehicles concerned: the subject's own and those in the decisions (police work by plate) */
  plates: string[];
  rule: { id: string; name: string; basis: BasisDocument[] };
  /** the measures asked of this target */
  measures: { code: string; text: string; listedIn?: string }[];
  listDecision: ListDecision | "none";
  issuedAt: Date;
  /** 签收时限 */
  receiptDue: DeadlineResult;
  /** 反馈措施落实情况时限 */
  feedbackDue: DeadlineResult;
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of a string */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, "utf8")) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const TARGET_CODES: Record<JointTarget, string> = { housing: "HS", police: "PL", transport: "TR", cityManagement: "CM", creditPlatform: "CR" };

/** One notice per target bureau of a firing; deadlines in 工作日 from `now` on the calendar (a gap, never a guess). */
export function noticesFor(firing: Firing, subject: CreditSubject, now: Date, calendar: WorkingCalendar): JointNotice[] {
  const masked = noticeSubject(subject);
  const plates = [...new Set([...(subject.plate ? [subject.plate] : []), ...(subject.plates ?? []), ...firing.decisions.flatMap((d) => d.plates ?? [])].map(normPlate))].sort();
  const decisions = firing.decisions.map((d) => ({
    decisionNo: d.decisionNo,
    decisionDate: d.decisionDate,
    violationKind: d.violationKind,
    severity: d.severity,
    ...(d.plates?.length ? { plates: d.plates.map(normPlate) } : {}),
  }));
  const hash = fnv1a(firing.key).toString(16).padStart(8, "0");
  const { receiptWorkingDays, feedbackWorkingDays } = firing.rule.deadlines;
  const receiptDue = calendar.deadline(now, { amount: receiptWorkingDays, unit: "工作日" });
  const feedbackDue = calendar.deadline(now, { amount: feedbackWorkingDays, unit: "工作日" });
  return firing.targets.map((target) => ({
    noticeId: `JN-${firing.ruleId}-${hash}-${TARGET_CODES[target]}`,
    firingKey: firing.key,
    target,
    targetName: TARGET_LABELS[target],
    subject: masked,
    decisions,
    plates,
    rule: { id: firing.rule.id, name: firing.rule.name, basis: firing.rule.basis },
    measures: firing.measures.filter((m) => m.target === target).map((m) => ({ code: m.code, text: m.text, ...(m.listedIn ? { listedIn: m.listedIn } : {}) })),
    listDecision: firing.listDecision,
    issuedAt: new Date(now.getTime()),
    receiptDue,
    feedbackDue,
  }));
}

// ---------------------------------------------------------------------------------------------
// 5. Graded supervision: the seeded 双随机 draw
// ---------------------------------------------------------------------------------------------

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator, public domain): a small, well-known PRNG with a
 * 32-bit state, uniform in [0, 1). Not cryptographic — reproducibility, not secrecy, is the point.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sample rates (share of a level's subjects drawn per period) for the three tiers of the 常州
 * 三年行动方案 (信用状况好、风险小 → lower; 一般 → regular; 存在失信行为、风险较高 → higher). The seed
 * gives no figures: these are sample values, to be set by the bureau.
 */
export const SAMPLE_INSPECTION_RATES: Readonly<Record<string, number>> = { 低风险: 0.05, 一般风险: 0.15, 高风险: 0.4 };

export interface SupervisedSubject {
  id: string;
  /** the subject's supervision level (from the platform's comprehensive and the industry evaluation) */
  level: string;
}

export interface InspectionDraw {
  period: string;
  seed: string;
  method: string;
  levels: Record<string, { population: number; rate: number; drawn: number }>;
  /** drawn subjects, by id */
  selected: SupervisedSubject[];
}

/**
 * The 双随机 draw of a period: for each level, its share `rate` of the level's subjects, chosen by a
 * partial Fisher–Yates shuffle of the subjects sorted by id, driven by mulberry32 seeded with the
 * FNV-1a hash of "seed|period|level". The count is rate × population rounded at random (down or up
 * with the fractional part as probability, by the same stream), so over periods every subject of a
 * level is drawn with probability exactly `rate`. Same seed, period and subjects → the same sample,
 * whatever the input order; a change in one level leaves the other levels' draws alone.
 */
export function drawInspections(subjects: readonly SupervisedSubject[], period: string, seed: string | number, rates: Readonly<Record<string, number>>): InspectionDraw {
  if (!period) throw new RangeError("period is required (e.g. 2026-Q2)");
  for (const [level, r] of Object.entries(rates)) if (!(r >= 0 && r <= 1)) throw new RangeError(`抽查比例必须在 0–1 之间 / rate of ${level} must be within 0–1: ${r}`);
  const byLevel = new Map<string, string[]>();
  const ids = new Set<string>();
  for (const s of subjects) {
    if (ids.has(s.id)) throw new RangeError(`对象重复 / subject listed twice: ${s.id}`);
    ids.add(s.id);
    if (!Object.hasOwn(rates, s.level)) throw new RangeError(`没有 ${s.level} 等级的抽查比例 / no rate for level ${s.level} (subject ${s.id})`);
    const l = byLevel.get(s.level) ?? [];
    l.push(s.id);
    byLevel.set(s.level, l);
  }
  const seedText = String(seed);
  const levels: InspectionDraw["levels"] = {};
  const selected: SupervisedSubject[] = [];
  for (const level of [...byLevel.keys()].sort()) {
    const pool = byLevel.get(level)!.sort();
    const rate = rates[level];
    const rng = mulberry32(fnv1a(`${seedText}|${period}|${level}`));
    const exact = rate * pool.length;
    const k = Math.min(pool.length, Math.floor(exact) + (rng() < exact - Math.floor(exact) ? 1 : 0));
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rng() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    for (const id of pool.slice(0, k)) selected.push({ id, level });
    levels[level] = { population: pool.length, rate, drawn: k };
  }
  selected.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { period, seed: seedText, method: "mulberry32 seeded with FNV-1a(seed|period|level); partial Fisher–Yates over ids sorted; count = rate × population, randomly rounded", levels, selected };
}

// ---------------------------------------------------------------------------------------------
// 6. Graded supervision: each subject's level and the rates (cities/<city>/supervision.json)
// ---------------------------------------------------------------------------------------------

/** A credit grade of an evaluation (the platform's comprehensive one or an industry's): A 优 … D 差. */
export type CreditGrade = "A" | "B" | "C" | "D";

/** What graded supervision knows of a subject. */
export interface SupervisionFacts {
  key: string;
  name: string;
  type: string;
  /** 公共信用综合评价 from the platform, when it sent one */
  comprehensive?: { grade: CreditGrade; source: string; at?: string | null } | null;
  /** 行业信用评价, when one was sent */
  industry?: { grade: CreditGrade; source: string; at?: string | null } | null;
  /** lists in force (名单名称) */
  lists?: readonly string[];
  /** commitment numbers of its breached pledges (信用承诺) */
  breachedCommitments?: readonly string[];
}

export interface SupervisionLevel {
  level: string;
  /** 中文说明: each fact that set or raised the level */
  why: string[];
}

/** The cross-checks of a schema-valid supervision file; every problem found (empty when consistent). */
export function supervisionProblems(data: SupervisionFile): string[] {
  const problems: string[] = [];
  const names = data.levels.map((l) => l.level);
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  if (dup.length) problems.push(`levels: 等级重复 / duplicate level ${dup.join(", ")}`);
  const graded = new Map<string, string>();
  for (const l of data.levels)
    for (const g of l.grades) {
      if (graded.has(g)) problems.push(`levels: 评价等级 ${g} 同时属于 ${graded.get(g)} 和 ${l.level} / grade in two levels`);
      graded.set(g, l.level);
    }
  for (const g of ["A", "B", "C", "D"]) if (!graded.has(g)) problems.push(`levels: 评价等级 ${g} 不属于任何等级 / grade ${g} has no level`);
  for (const [k, v] of [
    ["unrated", data.unrated],
    ["listed", data.listed],
    ["breachedCommitment", data.breachedCommitment],
  ] as const)
    if (v !== undefined && !names.includes(v)) problems.push(`${k}: ${v} 不是 levels 中的等级 / not one of the levels`);
  for (const [industry, rates] of Object.entries(data.industries ?? {}))
    for (const level of Object.keys(rates ?? {})) if (!names.includes(level)) problems.push(`industries.${industry}: ${level} 不是 levels 中的等级 / not one of the levels`);
  return problems;
}

/** Reads and checks `<cityDir>/supervision.json` (tongguan:data/supervision); throws naming the file. */
export function loadSupervision(cityDir: string): SupervisionFile {
  const abs = path.resolve(ROOT, cityDir, "supervision.json");
  const shown = path.relative(ROOT, abs);
  if (!fs.existsSync(abs)) throw new Error(`分级分类监管数据文件缺失 / supervision file missing: ${shown}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(abs, "utf8"));
  } catch (e) {
    throw new Error(`分级分类监管数据文件不是合法 JSON / supervision file is not valid JSON: ${shown}: ${(e as Error).message}`);
  }
  const data = assertValid<SupervisionFile>("tongguan:data/supervision", raw, shown);
  const problems = supervisionProblems(data);
  if (problems.length) throw new Error(`分级分类监管数据有误 / supervision data is inconsistent (${shown}):\n  ${problems.join("\n  ")}`);
  return data;
}

/** The rates of an industry: the file's levels, with the industry's own rates where it sets them. */
export function inspectionRates(data: SupervisionFile, industry?: string): Record<string, number> {
  const over: Record<string, number | undefined> = (industry && data.industries?.[industry as Industry]) || {};
  return Object.fromEntries(data.levels.map((l) => [l.level, over[l.level] ?? l.rate]));
}

/**
 * A subject's supervision level: the highest-risk of what it has — the level of its comprehensive
 * grade and of its industry grade (the worse decides, as the 常州 plan combines 公共信用综合评价 and
 * 行业信用评价), `listed` when it is on a list in force, `breachedCommitment` when it broke a pledge —
 * and `unrated` when it has none of these. The reasons name every fact.
 */
export function supervisionLevelOf(f: SupervisionFacts, data: SupervisionFile): SupervisionLevel {
  const order = data.levels.map((l) => l.level);
  const ofGrade = (g: CreditGrade) => data.levels.find((l) => (l.grades as string[]).includes(g))!.level;
  const found: { level: string; why: string }[] = [];
  if (f.comprehensive)
    found.push({ level: ofGrade(f.comprehensive.grade), why: `${f.comprehensive.source} ${f.comprehensive.grade}${f.comprehensive.at ? `（${f.comprehensive.at.slice(0, 10)}）` : ""}` });
  if (f.industry) found.push({ level: ofGrade(f.industry.grade), why: `${f.industry.source} ${f.industry.grade}${f.industry.at ? `（${f.industry.at.slice(0, 10)}）` : ""}` });
  if (data.listed && f.lists?.length) found.push({ level: data.listed, why: `列入${f.lists.join("、")}` });
  if (data.breachedCommitment && f.breachedCommitments?.length) found.push({ level: data.breachedCommitment, why: `违反信用承诺 ${f.breachedCommitments.join("、")}` });
  if (!found.length) {
    const level = data.unrated ?? order[Math.floor(order.length / 2)];
    return { level, why: [`无信用评价结果，按${level}`] };
  }
  const level = found.reduce((a, b) => (order.indexOf(b.level) > order.indexOf(a.level) ? b : a)).level;
  return { level, why: found.map((x) => `${x.why} → ${x.level}`) };
}

// ---------------------------------------------------------------------------------------------
// 7. Credit commitments (信用承诺) and their breach
// ---------------------------------------------------------------------------------------------

/** A pledge as the breach check reads it. */
export interface CommitmentRecord {
  id: string;
  commitmentNo: string;
  kind: string;
  /** 违法行为类型 the pledge covers */
  violationKinds: readonly string[];
  signedDate: string;
  validUntil?: string | null;
}

/**
 * The pledges a decision breaks: those of its subject (the caller passes only them) that cover the
 * decision's violation kind, signed on or before the decision date and still valid on it.
 */
export function breachedBy<C extends CommitmentRecord>(commitments: readonly C[], s: Pick<SanctionRecord, "decisionDate" | "violationKind">): C[] {
  const d = dayOf(s.decisionDate, "decisionDate");
  return commitments.filter((c) => {
    if (!c.violationKinds.includes(s.violationKind)) return false;
    if (dayOf(c.signedDate, `signedDate of ${c.commitmentNo}`) > d) return false;
    return !c.validUntil || dayOf(c.validUntil, `validUntil of ${c.commitmentNo}`) >= d;
  });
}
