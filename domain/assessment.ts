/**
 * 月度考核 — the monthly assessment of street offices (街道) and departments (职能部门), pure: the
 * cases service reads the month's facts from its tables (services/cases/assessment.ts,
 * `cases.assessmentFacts`), `assess(facts, units)` turns them into figures, scores and ratings.
 * Nothing is stored: any past month is recomputed from the store (the timeline is append-only,
 * so the same `asOf` gives the same answer whenever it is asked).
 *
 * ## Which cases a month holds
 * A month (Asia/Shanghai, e.g. 2026-11 = [2026-11-01T00:00+08:00, 2026-12-01T00:00+08:00)) holds
 * the cases **received** (受理时间 `received_at`) in it: the hub opens (立案) and dispatches a
 * case when it receives it (a triage case within TRIAGE_TIMEOUT), so 受理 month = 立案 month and a
 * case belongs to exactly one month. Only timeline entries at or before `asOf` (default: now)
 * count. Each case's timeline is replayed in order:
 *   - 派遣 (dispatch) = ROUTED (rules; also the re-route after a refusal), ASSIGNED (人工派单),
 *     REASSIGNED (改派), ADJUDICATED (派单审定): the unit named becomes the owner and has one
 *     派遣 more; REOPENED (回访不满意重办) and REWORK (核查未通过返工) give the current owner
 *     one 派遣 and one 返工 more (a new round of the same task); ADJUDICATION_REQUESTED leaves
 *     the case without owner until it is adjudicated;
 *   - EXTENSION_REQUESTED (延期申请): one 延期 for the unit that asked; its `until` is the
 *     handling deadline from then on (the hub forwards requests; 12345 approves them);
 *   - REPLIED (办理回复 / 处置反馈): the owner's latest completion time;
 *   - ARCHIVED (办结归档: after a satisfied 回访, or 核查结案): the case is 结案;
 *   - RETURNED (退单 to the origin): the case is nobody's — not counted for any unit at all.
 * A case is the unit's that owns it at `asOf` (the final owner); a case with no owner then
 * (待分拨, 待派单审定) is counted as `unassigned` in the totals only. 派遣数/返工数/延期数 count
 * what each unit was sent and asked, so a unit that had a case before 改派 keeps its 派遣.
 *
 * ## Indicators, per unit (and for the whole city in `totals`)
 *   - 立案数 `opened`     = the month's cases the unit owns at asOf;
 *   - 应结案数 `due`      = those closed by asOf, or whose handling deadline in force (the last
 *     延期 `until` at or before asOf, else the deadline 12345 sent) is at or before asOf;
 *     a case without a deadline is due only once it is closed;
 *   - 结案数 `closed`     = those ARCHIVED by asOf (every closed case is due);
 *   - 结案率 `closedRate` = 结案数 / 应结案数;
 *   - 按期结案数 `onTime` = closed cases whose last REPLIED (the unit's completion of its last
 *     round; the 回访 or 核查 after it is not the unit's time) is at or before the deadline in force;
 *   - 按期结案率 `onTimeRate` = 按期结案数 / 应结案数;
 *   - 派遣数 `dispatched`, 返工数 `reworked`, 返工率 `reworkRate` = 返工数 / 派遣数;
 *   - 延期数 `extended`, 延期率 `extensionRate` = 延期数 / 派遣数.
 * A rate with a zero denominator is null (shown as "—").
 *
 * ## Score (the city's 城市长效数字化工作意见, seeds/001: 七、考评办法)
 * 100 points a month = 市考评 70 + 区考评 30, each half 现场考评 (on-site inspection) and half
 * 整改 (rectification of the problems the city's and the district's platforms dispatched).
 *   - A case counts for 市考评 when the city's platforms dispatched it (12345, 12319: the
 *     municipal lines) and for 区考评 when the district's did (the grid system: the district's
 *     监督员 found it) — `DEFAULT_LEVELS`, overridable per origin system.
 *   - 整改系数 r = (结案率 + 按期结案率) / 2 × (1 − 返工率), over that part's cases: a case closed
 *     on time earns all, a late one half, an open one nothing, and rework scales it down. A part
 *     with nothing due has nothing to rectify: r = 1 (the rules deduct, 扣分, from full marks).
 *   - 整改得分 = r × 35 (市) / r × 15 (区).
 *   - 现场考评 is sample/random/special on-site checks by the 综合考评科: not in the store. It is
 *     an input (`onSite`, a fraction 0..1 per unit and part); without one the part is taken at
 *     its 整改 fraction (折算, `onSiteBasis: "rectification"`), i.e. the score is then the
 *     rectification performance on 100.
 *   - rating (评定标准): ≥ 95 优秀, 80 ≤ score < 95 合格, < 80 不合格 — the seed rates the yearly
 *     average; the month's rating is given with the same bounds.
 * Not modelled: the 市考评 deductions of district departments counted against the street they
 * work in (包括区属地职能部门扣分), which needs the city's on-site deduction sheets.
 *
 * Yearly: the mean of the monthly scores of the months (ended by asOf) in which the unit had
 * cases or dispatches, rated with the same bounds.
 */

export type Level = "city" | "district";
export type UnitKind = "street" | "functional" | "unknown";
export type Rating = "优秀" | "合格" | "不合格";

/** One timeline entry of a case as the store has it (only the types the assessment reads). */
export interface FactEvent {
  type: string;
  at: string;
  /** the unit the entry names: the new owner of a dispatch, the unit that asked / replied */
  unitId: string | null;
  /** EXTENSION_REQUESTED: the new handling deadline */
  until?: string | null;
}

export interface CaseFact {
  caseId: string;
  originSystem: string;
  receivedAt: string;
  /** the handling deadline as the origin sent it (before any extension), or null */
  deadline: string | null;
  /** oldest first, none after asOf */
  events: FactEvent[];
}

export interface AssessmentFacts {
  month: string;
  from: string;
  to: string;
  asOf: string;
  cases: CaseFact[];
}

export interface UnitInfo {
  unitId: string;
  unitName: string;
  kind: string;
  cityCode?: string | null;
  districtCode?: string | null;
}

export interface PartFigures {
  opened: number;
  due: number;
  closed: number;
  onTime: number;
  dispatched: number;
  reworked: number;
  extended: number;
}

export interface Figures extends PartFigures {
  closedRate: number | null;
  onTimeRate: number | null;
  reworkRate: number | null;
  extensionRate: number | null;
}

export interface PartScore extends Figures {
  /** 整改系数 0..1 */
  factor: number;
  rectification: number;
  onSite: number;
}

export interface UnitAssessment extends Figures {
  unitId: string;
  unitName: string;
  kind: UnitKind;
  kindLabel: string;
  cityCode: string | null;
  districtCode: string | null;
  city: PartScore;
  district: PartScore;
  onSiteBasis: "input" | "rectification";
  score: number;
  rating: Rating;
}

export interface AssessmentReport {
  month: string;
  from: string;
  to: string;
  asOf: string;
  units: UnitAssessment[];
  totals: Figures & { unassigned: number; units: number; ratings: Record<Rating, number> };
}

export interface AssessOptions {
  /** origin system → 市 / 区 part; DEFAULT_LEVELS for the rest, else city */
  levels?: Record<string, Level>;
  /** 现场考评 results, a fraction 0..1 of the part's on-site points, per unit */
  onSite?: Record<string, Partial<Record<Level, number>>>;
}

/** No built-in levels: the adapter specs say which part each source counts for (adapters/index.ts assessmentLevels). */
export const DEFAULT_LEVELS: Record<string, Level> = {};
/** points of each part (70 / 30), half on-site and half rectification */
export const PART_POINTS: Record<Level, number> = { city: 70, district: 30 };
export const KIND_LABEL: Record<UnitKind, string> = { street: "街道", functional: "职能部门", unknown: "未登记单位" };

const DISPATCH = new Set(["ROUTED", "ASSIGNED", "REASSIGNED", "ADJUDICATED"]);
const REWORK = new Set(["REOPENED", "REWORK"]);
/** the timeline entry types the facts must carry */
export const FACT_EVENT_TYPES = [...DISPATCH, ...REWORK, "EXTENSION_REQUESTED", "REPLIED", "ARCHIVED", "RETURNED", "ADJUDICATION_REQUESTED"];

// ---------------------------------------------------------------------------------------------
// Months in Asia/Shanghai (UTC+8, no daylight saving)

const CST_MS = 8 * 3600_000;
export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** [from, to) of a month in Asia/Shanghai, as ISO instants. */
export function monthRange(month: string): { from: string; to: string } {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`not a month (YYYY-MM): ${month}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { from: new Date(Date.UTC(y, mo - 1, 1) - CST_MS).toISOString(), to: new Date(Date.UTC(y, mo, 1) - CST_MS).toISOString() };
}

/** The month (YYYY-MM, Asia/Shanghai) an instant falls in. */
export function monthOf(at: Date): string {
  return new Date(at.getTime() + CST_MS).toISOString().slice(0, 7);
}

/** The last month that has ended at `now` (the scheduled job's month). */
export function previousMonth(now: Date): string {
  const [y, m] = monthOf(now).split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** The months of a year that have ended by `asOf`. */
export function monthsOfYear(year: number, asOf: Date): string[] {
  const out: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const month = `${year}-${String(m).padStart(2, "0")}`;
    if (Date.parse(monthRange(month).to) <= asOf.getTime()) out.push(month);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const rate = (n: number, d: number): number | null => (d > 0 ? round(n / d, 4) : null);

export function ratingOf(score: number): Rating {
  return score >= 95 ? "优秀" : score >= 80 ? "合格" : "不合格";
}

const zero = (): PartFigures => ({ opened: 0, due: 0, closed: 0, onTime: 0, dispatched: 0, reworked: 0, extended: 0 });

function add(into: PartFigures, from: PartFigures): void {
  for (const k of Object.keys(into) as (keyof PartFigures)[]) into[k] += from[k];
}

function withRates(f: PartFigures): Figures {
  return {
    ...f,
    closedRate: rate(f.closed, f.due),
    onTimeRate: rate(f.onTime, f.due),
    reworkRate: rate(f.reworked, f.dispatched),
    extensionRate: rate(f.extended, f.dispatched),
  };
}

/** What one case contributes, by unit, once its timeline is replayed; null for a 退单 case. */
export function replay(c: CaseFact, asOf: Date): { owner: string | null; byUnit: Map<string, PartFigures> } | null {
  const byUnit = new Map<string, PartFigures>();
  const of = (u: string) => {
    let f = byUnit.get(u);
    if (!f) byUnit.set(u, (f = zero()));
    return f;
  };
  let owner: string | null = null;
  let deadline = c.deadline ? Date.parse(c.deadline) : null;
  let repliedAt: number | null = null;
  let closedAt: number | null = null;
  for (const e of c.events) {
    const at = Date.parse(e.at);
    if (at > asOf.getTime()) continue;
    if (DISPATCH.has(e.type) && e.unitId) {
      owner = e.unitId;
      of(owner).dispatched++;
    } else if (REWORK.has(e.type) && owner) {
      of(owner).dispatched++;
      of(owner).reworked++;
      closedAt = null;
    } else if (e.type === "ADJUDICATION_REQUESTED") owner = null;
    else if (e.type === "EXTENSION_REQUESTED") {
      const u = e.unitId ?? owner;
      if (u) of(u).extended++;
      if (e.until) deadline = Date.parse(e.until);
    } else if (e.type === "REPLIED") repliedAt = at;
    else if (e.type === "ARCHIVED") closedAt = at;
    else if (e.type === "RETURNED") return null;
  }
  if (owner) {
    const f = of(owner);
    f.opened = 1;
    const closed = closedAt !== null;
    f.closed = closed ? 1 : 0;
    f.due = closed || (deadline !== null && deadline <= asOf.getTime()) ? 1 : 0;
    f.onTime = closed && (deadline === null || (repliedAt ?? closedAt!) <= deadline) ? 1 : 0;
  }
  return { owner, byUnit };
}

function partScore(f: PartFigures, level: Level, onSite: number | undefined): PartScore {
  const r = withRates(f);
  const half = PART_POINTS[level] / 2;
  // from the counts, not the rounded rates
  const factor = f.due === 0 ? 1 : ((f.closed / f.due + f.onTime / f.due) / 2) * (1 - (f.dispatched > 0 ? Math.min(1, f.reworked / f.dispatched) : 0));
  const onSiteFraction = onSite === undefined ? factor : Math.max(0, Math.min(1, onSite));
  return { ...r, factor: round(factor, 4), rectification: round(half * factor, 2), onSite: round(half * onSiteFraction, 2) };
}

/** The month's figures, scores and ratings per unit, from the facts the store has. */
export function assess(facts: AssessmentFacts, units: UnitInfo[], opts: AssessOptions = {}): AssessmentReport {
  const asOf = new Date(facts.asOf);
  const levels = { ...DEFAULT_LEVELS, ...(opts.levels ?? {}) };
  const parts = new Map<string, Record<Level, PartFigures>>();
  let unassigned = 0;
  for (const c of facts.cases) {
    const r = replay(c, asOf);
    if (!r) continue;
    if (!r.owner) unassigned++;
    const level = levels[c.originSystem] ?? "city";
    for (const [u, f] of r.byUnit) {
      let p = parts.get(u);
      if (!p) parts.set(u, (p = { city: zero(), district: zero() }));
      add(p[level], f);
    }
  }
  const known = new Map(units.map((u) => [u.unitId, u]));
  const rows: UnitAssessment[] = [];
  for (const [unitId, p] of parts) {
    const info = known.get(unitId);
    const kind: UnitKind = info?.kind === "street" || info?.kind === "functional" ? info.kind : "unknown";
    const given = opts.onSite?.[unitId];
    const city = partScore(p.city, "city", given?.city);
    const district = partScore(p.district, "district", given?.district);
    const all = zero();
    add(all, p.city);
    add(all, p.district);
    const score = round(city.rectification + city.onSite + district.rectification + district.onSite, 2);
    rows.push({
      unitId,
      unitName: info?.unitName ?? unitId,
      kind,
      kindLabel: KIND_LABEL[kind],
      cityCode: info?.cityCode ?? null,
      districtCode: info?.districtCode ?? null,
      ...withRates(all),
      city,
      district,
      onSiteBasis: given ? "input" : "rectification",
      score,
      rating: ratingOf(score),
    });
  }
  const order: Record<UnitKind, number> = { street: 0, functional: 1, unknown: 2 };
  rows.sort((a, b) => order[a.kind] - order[b.kind] || a.unitId.localeCompare(b.unitId));
  const total = zero();
  for (const r of rows) add(total, r);
  const ratings: Record<Rating, number> = { 优秀: 0, 合格: 0, 不合格: 0 };
  for (const r of rows) ratings[r.rating]++;
  return { month: facts.month, from: facts.from, to: facts.to, asOf: facts.asOf, units: rows, totals: { ...withRates(total), unassigned, units: rows.length, ratings } };
}

export interface YearRow {
  unitId: string;
  unitName: string;
  kind: UnitKind;
  kindLabel: string;
  /** month → score, for the months the unit was assessed */
  months: Record<string, number>;
  assessedMonths: number;
  average: number;
  rating: Rating;
}

export interface YearReport {
  year: number;
  asOf: string;
  months: string[];
  units: YearRow[];
}

/** The yearly average per unit over the months it was assessed in (评定 by the average). */
export function assessYear(year: number, reports: AssessmentReport[], asOf: string): YearReport {
  const rows = new Map<string, YearRow>();
  for (const rep of reports)
    for (const u of rep.units) {
      let r = rows.get(u.unitId);
      if (!r) rows.set(u.unitId, (r = { unitId: u.unitId, unitName: u.unitName, kind: u.kind, kindLabel: u.kindLabel, months: {}, assessedMonths: 0, average: 0, rating: "不合格" }));
      r.months[rep.month] = u.score;
    }
  for (const r of rows.values()) {
    const scores = Object.values(r.months);
    r.assessedMonths = scores.length;
    r.average = round(scores.reduce((s, v) => s + v, 0) / scores.length, 2);
    r.rating = ratingOf(r.average);
  }
  const order: Record<UnitKind, number> = { street: 0, functional: 1, unknown: 2 };
  return { year, asOf, months: reports.map((r) => r.month), units: [...rows.values()].sort((a, b) => order[a.kind] - order[b.kind] || a.unitId.localeCompare(b.unitId)) };
}

// ---------------------------------------------------------------------------------------------
// CSV (UTF-8 with BOM, Chinese headers: Excel opens it as is) and the job's summary line

const pct = (v: number | null) => (v === null ? "—" : `${round(v * 100, 2).toFixed(2)}%`);
const cell = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const csv = (rows: (string | number)[][]) => `\uFEFF${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;

export const MONTH_CSV_HEADERS = [
  "考核月份",
  "单位编号",
  "单位名称",
  "单位类型",
  "立案数",
  "应结案数",
  "结案数",
  "结案率",
  "按期结案数",
  "按期结案率",
  "派遣数",
  "返工数",
  "返工率",
  "延期数",
  "延期率",
  "市考评现场得分",
  "市考评整改得分",
  "区考评现场得分",
  "区考评整改得分",
  "总分",
  "评定",
];

export function monthCsv(r: AssessmentReport): string {
  return csv([
    MONTH_CSV_HEADERS,
    ...r.units.map((u) => [
      r.month,
      u.unitId,
      u.unitName,
      u.kindLabel,
      u.opened,
      u.due,
      u.closed,
      pct(u.closedRate),
      u.onTime,
      pct(u.onTimeRate),
      u.dispatched,
      u.reworked,
      pct(u.reworkRate),
      u.extended,
      pct(u.extensionRate),
      u.city.onSite.toFixed(2),
      u.city.rectification.toFixed(2),
      u.district.onSite.toFixed(2),
      u.district.rectification.toFixed(2),
      u.score.toFixed(2),
      u.rating,
    ]),
  ]);
}

export function yearCsv(r: YearReport): string {
  const label = (m: string) => `${Number(m.slice(5))}月`;
  return csv([
    ["考核年度", "单位编号", "单位名称", "单位类型", ...r.months.map(label), "考核月数", "年度平均分", "评定"],
    ...r.units.map((u) => [r.year, u.unitId, u.unitName, u.kindLabel, ...r.months.map((m) => (m in u.months ? u.months[m].toFixed(2) : "—")), u.assessedMonths, u.average.toFixed(2), u.rating]),
  ]);
}

/** One Chinese line for the log: what the scheduled job says on the 1st. */
export function summaryLine(r: AssessmentReport): string {
  const [y, m] = r.month.split("-");
  const t = r.totals;
  const streets = r.units.filter((u) => u.kind === "street").length;
  const lowest = [...r.units].sort((a, b) => a.score - b.score)[0];
  return (
    `${y}年${Number(m)}月数字城管考核：参评单位 ${t.units} 个（街道 ${streets}，部门 ${t.units - streets}），立案 ${t.opened} 件，应结案 ${t.due} 件，` +
    `结案率 ${pct(t.closedRate)}，按期结案率 ${pct(t.onTimeRate)}，返工率 ${pct(t.reworkRate)}，延期率 ${pct(t.extensionRate)}；` +
    `优秀 ${t.ratings.优秀}、合格 ${t.ratings.合格}、不合格 ${t.ratings.不合格}` +
    (lowest ? `；最低 ${lowest.unitName} ${lowest.score.toFixed(2)} 分` : "") +
    (t.unassigned ? `；另有 ${t.unassigned} 件尚无承办单位` : "")
  );
}
