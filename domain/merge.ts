/**
 * Cross-channel duplicate merging (issue 7), pure: is a new report through 12345, the grid or
 * 12319 the same incident as an open case?
 *
 * `compare(a, b, settings)` weighs four pieces of evidence, each 0..1, and names each in one
 * Chinese sentence (`why`) that the link keeps:
 *
 *   score = 0.30·place + 0.15·time + 0.30·category + 0.25·text
 *
 *   place    = 1 − distance / maxDistanceM (haversine between the coordinates; the same unit grid
 *              is 0 m); without a distance, 0.7 when the addresses agree, 0.4 when only the street
 *              does; 0 otherwise, and then the pair is not compared at all
 *   time     = 1 − minutes apart / withinMinutes
 *   category = 1 the same item, 0.75 one is the other's 中类/大类 (never a bare 大类 — too broad),
 *              0.4 related across channels (the city's `related` groups, e.g. 窨井盖缺失/破损)
 *   text     = cosine of the two texts' word vectors (jieba words of title + content, each word
 *              weighted by its rarity, so 井盖 counts and 路口 does not)
 *
 * Gates before any score (decision "none", score 0): the same case, the same origin system's same
 * external id, different cities, further apart in time than withinMinutes, further apart than
 * maxDistanceM when both have coordinates, no distance and neither street nor address in common,
 * or unrelated categories. A score ≥ mergeAt merges (links to the master), ≥ suggestAt is shown to
 * the agent as a possible duplicate. With the sample settings (mergeAt 0.75) a same-item pair
 * 30 m and 20 minutes apart merges with modest text overlap (≥ ~0.3), a related pair only when it
 * is very close, very recent and nearly the same text.
 *
 * `bestMaster(candidate, openCases, settings)` picks the case to link to and the ones to show.
 */
import { rarity, words } from "./text";

/** A case as the merge decision sees it (what the hub stores, reduced to what matters here). */
export interface MergeCase {
  /** hub case id */
  id: string;
  /** the system it came from: hotline12345, grid, line12319 … */
  originSystem: string;
  /** the origin system's id (12345 工单编号, 网格事件编号); defaults to `id` */
  externalId?: string;
  /** ISO 8601 */
  receivedAt: string;
  /** 地级市代码, e.g. 3204 */
  cityCode: string;
  /** catalogue code, 2 digits per level ("010502"); "" when not yet classified */
  categoryCode: string;
  /** the catalogue path, e.g. ["城乡建设", "市政设施", "窨井盖缺失"] */
  categoryPath: string[];
  title: string;
  content: string;
  location: {
    gridCode?: string;
    lng?: number;
    lat?: number;
    address?: string;
    street?: string;
    districtCode?: string;
  };
  status: string;
}

/** The city's `merging` settings (cities/<city>/city.json, schema tongguan:data/city). */
export interface MergeSettings {
  maxDistanceM: number;
  withinMinutes: number;
  mergeAt: number;
  suggestAt: number;
  related?: string[][];
}

export type CategoryRelation = "same" | "related" | "parent" | "different";
export type MergeDecision = "merge" | "suggest" | "none";

export interface MergeReasons {
  /** metres between the two, 0 for the same unit grid; null when unknown */
  distanceM: number | null;
  minutesApart: number;
  category: CategoryRelation;
  /** 0..1 */
  textSimilarity: number;
  sameGrid: boolean;
}

export interface Comparison {
  /** 0..1, three decimals */
  score: number;
  decision: MergeDecision;
  reasons: MergeReasons;
  /** one Chinese sentence naming every reason and the verdict */
  why: string;
}

/** The weights of the score; they add up to 1. */
export const WEIGHTS = { place: 0.3, time: 0.15, category: 0.3, text: 0.25 } as const;

/** The category evidence by relation. */
export const CATEGORY_SCORE: Record<CategoryRelation, number> = { same: 1, parent: 0.75, related: 0.4, different: 0 };

/** Place evidence without a distance: the addresses agree / only the street does. */
export const PLACE_BY_TEXT = { address: 0.7, street: 0.4 } as const;

/** Statuses a case cannot be a master in: closed, returned, recorded only, or itself linked. */
export const NOT_MASTER = new Set(["ARCHIVED", "RETURNED", "RECORDED", "MERGED"]);

/** Problems with a city's settings (empty when fine); the schema checks the ranges, this the relations. */
export function settingsProblems(s: MergeSettings): string[] {
  const out: string[] = [];
  if (!(s.maxDistanceM > 0)) out.push("merging.maxDistanceM must be > 0");
  if (!(s.withinMinutes > 0)) out.push("merging.withinMinutes must be > 0");
  for (const k of ["suggestAt", "mergeAt"] as const) if (!(s[k] >= 0 && s[k] <= 1)) out.push(`merging.${k} must lie in 0..1`);
  if (s.suggestAt > s.mergeAt) out.push(`merging.suggestAt (${s.suggestAt}) must not exceed mergeAt (${s.mergeAt})`);
  for (const g of s.related ?? []) for (const p of g) if (!/^(\d{2}){1,4}$/.test(p)) out.push(`merging.related: ${JSON.stringify(p)} is not a catalogue code prefix`);
  return out;
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLng = (lng2 - lng1) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function vector(text: string): Map<string, number> {
  const v = new Map<string, number>();
  for (const w of words(text)) v.set(w, (v.get(w) ?? 0) + rarity(w));
  return v;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  if (!a.size || !b.size) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [w, x] of a) {
    na += x * x;
    const y = b.get(w);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return Math.min(1, dot / Math.sqrt(na * nb));
}

/** How much two texts say the same, 0..1: cosine of their rarity-weighted jieba word counts. */
export function textSimilarity(a: string, b: string): number {
  return round(cosine(vector(a), vector(b)), 2);
}

/** How two catalogue codes relate, given the city's related groups. */
export function categoryRelation(a: string, b: string, related: string[][] = []): CategoryRelation {
  if (!a || !b) return "different";
  if (a === b) return "same";
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (short.length >= 4 && long.startsWith(short)) return "parent";
  for (const g of related) if (g.some((p) => a.startsWith(p)) && g.some((p) => b.startsWith(p))) return "related";
  return "different";
}

const norm = (s: string | undefined): string => (s ?? "").replace(/[\s\p{P}\p{S}]/gu, "").replace(/(附近|旁边|门口|对面|周边)$/u, "");

/** Whether two addresses name the same place: one contains the other, or their words mostly agree. */
function sameAddress(a: string | undefined, b: string | undefined): boolean {
  const x = norm(a);
  const y = norm(b);
  if (x.length < 4 || y.length < 4) return false;
  if (x.includes(y) || y.includes(x)) return true;
  return cosine(vector(x), vector(y)) >= 0.8;
}

function minutesBetween(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) throw new RangeError(`merge: receivedAt is not a date (${a}, ${b})`);
  return Math.round(Math.abs(ta - tb) / 60000);
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
const clamp01 = (x: number): number => Math.max(0, Math.min(1, x));
const itemName = (c: MergeCase): string => c.categoryPath.at(-1) || c.categoryCode || "未分类";
const fmt = (x: number): string => x.toFixed(2);

function categoryText(rel: CategoryRelation, a: MergeCase, b: MergeCase): string {
  const [x, y] = [itemName(a), itemName(b)];
  if (rel === "same") return `同一事项（${x}）`;
  if (rel === "parent") return `上下级事项（${a.categoryCode.length <= b.categoryCode.length ? `${x}⊃${y}` : `${y}⊃${x}`}）`;
  if (rel === "related") return `相关事项（${x}／${y}）`;
  return `不同事项（${x}／${y}）`;
}

/** Whether a and b may be one incident, how sure, and why. */
export function compare(a: MergeCase, b: MergeCase, settings: MergeSettings): Comparison {
  const la = a.location ?? {};
  const lb = b.location ?? {};
  const sameGrid = !!la.gridCode && la.gridCode === lb.gridCode;
  const coords = [la.lng, la.lat, lb.lng, lb.lat].every((v) => typeof v === "number" && Number.isFinite(v));
  const distanceM = coords ? Math.round(haversineM(la.lng!, la.lat!, lb.lng!, lb.lat!)) : sameGrid ? 0 : null;
  const minutesApart = minutesBetween(a.receivedAt, b.receivedAt);
  const category = categoryRelation(a.categoryCode, b.categoryCode, settings.related);
  const textSim = textSimilarity(`${a.title}。${a.content}`, `${b.title}。${b.content}`);
  const reasons: MergeReasons = { distanceM, minutesApart, category, textSimilarity: textSim, sameGrid };

  // Place: by distance, else by the same address or street text.
  const addressAgrees = distanceM === null && sameAddress(la.address, lb.address);
  const streetAgrees = distanceM === null && !!la.street && norm(la.street) === norm(lb.street);
  const place = distanceM !== null ? clamp01(1 - distanceM / settings.maxDistanceM) : addressAgrees ? PLACE_BY_TEXT.address : streetAgrees ? PLACE_BY_TEXT.street : 0;

  const parts: string[] = [];
  if (distanceM !== null) parts.push(coords ? `相距 ${distanceM} 米` : "同一单元网格（相距按 0 米计）");
  else parts.push(`距离未知（${[addressAgrees && "地址相同", streetAgrees && `同在${la.street}`].filter(Boolean).join("、") || "街道、地址均不同"}）`);
  if (coords && sameGrid) parts.push("同一单元网格");
  else if (coords && la.gridCode && lb.gridCode) parts.push("不同单元网格");
  parts.push(`相隔 ${minutesApart} 分钟`, categoryText(category, a, b), `文本相似度 ${fmt(textSim)}`);
  const said = parts.join("、");

  const gate = ((): string | undefined => {
    if (a.id === b.id) return "同一案件";
    if (a.originSystem === b.originSystem && (a.externalId ?? a.id) === (b.externalId ?? b.id)) return `同一来源系统（${a.originSystem}）的同一编号 ${a.externalId ?? a.id}`;
    if (a.cityCode !== b.cityCode) return `不同城市（${a.cityCode}／${b.cityCode}）`;
    if (minutesApart > settings.withinMinutes) return `相隔超过 ${settings.withinMinutes} 分钟`;
    if (distanceM !== null && distanceM > settings.maxDistanceM) return `相距超过 ${settings.maxDistanceM} 米`;
    if (distanceM === null && !addressAgrees && !streetAgrees) return "位置无法确认为同一处";
    if (category === "different") return "事项不同且不相关";
    return undefined;
  })();
  if (gate) return { score: 0, decision: "none", reasons, why: `${said}；${gate}，不并案。` };

  const score = round(WEIGHTS.place * place + WEIGHTS.time * clamp01(1 - minutesApart / settings.withinMinutes) + WEIGHTS.category * CATEGORY_SCORE[category] + WEIGHTS.text * textSim, 3);
  const decision: MergeDecision = score >= settings.mergeAt ? "merge" : score >= settings.suggestAt ? "suggest" : "none";
  const verdict =
    decision === "merge"
      ? `综合得分 ${fmt(score)} ≥ ${fmt(settings.mergeAt)}，并案`
      : decision === "suggest"
        ? `综合得分 ${fmt(score)}，低于并案线 ${fmt(settings.mergeAt)}，作为疑似重复提示坐席`
        : `综合得分 ${fmt(score)} 低于 ${fmt(settings.suggestAt)}，不并案`;
  return { score, decision, reasons, why: `${said}；${verdict}。` };
}

export interface MergeMatch {
  case: MergeCase;
  comparison: Comparison;
}

export interface MasterChoice {
  /** the case to link the candidate to: the highest score ≥ mergeAt, ties to the earliest received; null when none */
  master: MergeMatch | null;
  /** the other open cases scoring ≥ suggestAt, best first: possible duplicates to show the agent */
  suggestions: MergeMatch[];
}

/**
 * The open case a new report should be linked to, and the possible duplicates to show. Cases that
 * cannot be a master (closed, returned, recorded, themselves merged) and the candidate itself are
 * passed over.
 */
export function bestMaster(candidate: MergeCase, openCases: readonly MergeCase[], settings: MergeSettings): MasterChoice {
  const scored: MergeMatch[] = [];
  for (const c of openCases) {
    if (c.id === candidate.id || NOT_MASTER.has(c.status)) continue;
    const comparison = compare(candidate, c, settings);
    if (comparison.score > 0 && comparison.score >= settings.suggestAt) scored.push({ case: c, comparison });
  }
  scored.sort((x, y) => y.comparison.score - x.comparison.score || Date.parse(x.case.receivedAt) - Date.parse(y.case.receivedAt) || (x.case.id < y.case.id ? -1 : x.case.id > y.case.id ? 1 : 0));
  const master = scored[0]?.comparison.decision === "merge" ? scored[0] : null;
  return { master, suggestions: master ? scored.slice(1) : scored };
}
