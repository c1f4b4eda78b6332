/**
 * The dispatch catalogue 派单目录 of a city, and the ways a work order reaches one of its items:
 * the source platform's category path through that platform's mapping (mappings/<system>.json),
 * and the text through the classifier. Pure over the city data; the model of each city is built
 * once per CityData object (a new object — new data or learned examples — gets a new model).
 */
import type { CategoryEntry, MappingFile } from "../contracts/types";
import { classify, catalogueTexts, evidence, priorTerms, train, type Classification, type Model, type TrainingText } from "./classifier";

/** The part of a city's data the catalogue needs (CityData has it). */
export interface CatalogueData {
  /** the city's place names (districts, streets, communities, places): never evidence of an item */
  placeNames?: string[];
  categories: CategoryEntry[];
  mappings: Record<string, MappingFile>;
  examples: { text: string; code: string }[];
}

export type MappedVia = "exact" | "mapping" | "alias" | "leaf" | "prefix" | "vague" | "none";

export interface MappedCategory {
  /** the catalogue entry reached (a leaf, or a node when only a prefix was known), or null */
  entry: CategoryEntry | null;
  via: MappedVia;
  /** a Chinese phrase saying how, for the reason; "" when exact */
  how: string;
}

const key = (p: string[]) => p.join("\u0000");
const norm = (s: string) => s.replace(/\s+/g, "").trim();
const startsWith = (p: string[], prefix: string[]) => prefix.length <= p.length && prefix.every((s, i) => p[i] === s);

/** Level names that carry no meaning on their own. */
const VAGUE_LEVELS = new Set(["其他", "其它", "其他诉求", "其他问题", "综合", "综合类", "其他类", "咨询", "一般咨询", "未分类", "无"]);

interface Index {
  byPath: Map<string, CategoryEntry>;
  byCode: Map<string, CategoryEntry>;
  leaves: CategoryEntry[];
  /** dispatchable leaves: the classifier's classes */
  dispatchable: CategoryEntry[];
  /** a leaf name that names exactly one leaf */
  uniqueLeaf: Map<string, CategoryEntry>;
  /** per platform: its alias terms and exact paths */
  aliases: Map<string, Map<string, string>>;
  paths: Map<string, Map<string, string>>;
  model?: Model;
  /** the model's prior terms favouring the items under a node, per node code (made on first use) */
  priors: Map<string, Float64Array>;
}

const indexes = new WeakMap<CatalogueData, Index>();

function indexOf(c: CatalogueData): Index {
  let ix = indexes.get(c);
  if (ix) return ix;
  const byPath = new Map(c.categories.map((e) => [key(e.path), e]));
  const leaves = c.categories.filter((e) => !c.categories.some((o) => o.path.length > e.path.length && startsWith(o.path, e.path)));
  const names = new Map<string, CategoryEntry[]>();
  for (const e of leaves) {
    if (e.path.length < 2) continue;
    const n = norm(e.path[e.path.length - 1]);
    names.set(n, [...(names.get(n) ?? []), e]);
  }
  ix = {
    byPath,
    byCode: new Map(c.categories.map((e) => [e.code, e])),
    leaves,
    dispatchable: leaves.filter((e) => !e.triage),
    uniqueLeaf: new Map([...names].filter(([n, es]) => es.length === 1 && !VAGUE_LEVELS.has(n)).map(([n, es]) => [n, es[0]])),
    aliases: new Map(Object.entries(c.mappings).map(([sys, m]) => [sys, new Map((m.aliases ?? []).flatMap((a) => a.terms.map((t) => [norm(t), a.to] as [string, string])).reverse())])),
    paths: new Map(Object.entries(c.mappings).map(([sys, m]) => [sys, new Map(m.paths.map((pm) => [key(pm.from.map(norm)), pm.to] as [string, string]).reverse())])),
    priors: new Map(),
  };
  indexes.set(c, ix);
  return ix;
}

export const entryOf = (c: CatalogueData, code: string) => indexOf(c).byCode.get(code);
export const isLeaf = (c: CatalogueData, e: CategoryEntry) => indexOf(c).leaves.includes(e);
export const dispatchableItems = (c: CatalogueData) => indexOf(c).dispatchable;

/**
 * A platform's category path onto the catalogue, in order: the catalogue's own path; an exact
 * entry of the platform's mapping; the deepest level that is one of the mapping's aliases or names
 * exactly one catalogue leaf; the longest prefix the mapping or the catalogue knows; a path the
 * mapping calls vague (其他) or that says nothing; nothing.
 */
export function mapCategory(path: string[], c: CatalogueData, system?: string): MappedCategory {
  const ix = indexOf(c);
  const p = path.map(norm).filter(Boolean);
  const shown = `「${p.join("/")}」`;
  if (p.length === 0) return { entry: null, via: "none", how: "工单未给出诉求分类" };
  const exact = ix.byPath.get(key(p));
  if (exact) return { entry: exact, via: "exact", how: "" };

  const mapping = system ? c.mappings[system] : undefined;
  const label = mapping ? `${mapping.platform}分类映射（${mapping.version}）` : "分类映射";
  const direct = system ? ix.paths.get(system)?.get(key(p)) : undefined;
  if (direct) {
    const e = ix.byCode.get(direct);
    if (e) return { entry: e, via: "mapping", how: `诉求分类${shown}按${label}对应派单目录「${e.path.join("/")}」` };
  }

  for (let i = p.length - 1; i >= 0; i--) {
    const level = p[i];
    if (VAGUE_LEVELS.has(level)) continue;
    const alias = system ? ix.aliases.get(system)?.get(level) : undefined;
    const e = alias ? ix.byCode.get(alias) : undefined;
    if (e) return { entry: e, via: "alias", how: `诉求分类${shown}中的「${level}」按${label}的同义词对应派单目录「${e.path.join("/")}」` };
    const leaf = ix.uniqueLeaf.get(level);
    if (leaf) return { entry: leaf, via: "leaf", how: `诉求分类${shown}按「${level}」一级对应派单目录「${leaf.path.join("/")}」` };
  }

  let best: { entry: CategoryEntry; n: number; how: string } | undefined;
  for (const m of mapping?.paths ?? []) {
    const from = m.from.map(norm);
    if (from.length < p.length && startsWith(p, from) && (!best || from.length > best.n)) {
      const e = ix.byCode.get(m.to);
      if (e) best = { entry: e, n: from.length, how: `诉求分类${shown}按${label}的上级「${from.join("/")}」对应派单目录「${e.path.join("/")}」` };
    }
  }
  for (let n = p.length - 1; n > 0; n--) {
    const e = ix.byPath.get(key(p.slice(0, n)));
    if (e && (!best || n > best.n)) best = { entry: e, n, how: `诉求分类${shown}按上级「${p.slice(0, n).join("/")}」对应派单目录` };
    if (e) break;
  }
  const vague = p.every((l) => VAGUE_LEVELS.has(l)) || (mapping?.vague ?? []).some((v) => startsWith(p, v.map(norm)));
  if (best && !vague) return { entry: best.entry, via: "prefix", how: best.how };
  if (vague) return { entry: null, via: "vague", how: `诉求分类${shown}不说明诉求事项` };
  return { entry: null, via: "none", how: `诉求分类${shown}不在派单目录和${label}中` };
}

/** The model of a city, built on first use from the catalogue, the aliases and the examples. */
export function modelOf(c: CatalogueData): Model {
  const ix = indexOf(c);
  if (ix.model) return ix.model;
  const texts: TrainingText[] = catalogueTexts(ix.dispatchable);
  for (const m of Object.values(c.mappings)) {
    for (const a of m.aliases ?? []) for (const t of a.terms) texts.push({ code: a.to, text: t, weight: 2 });
    for (const pm of m.paths) texts.push({ code: pm.to, text: pm.from[pm.from.length - 1], weight: 1 });
  }
  for (const x of c.examples) texts.push({ code: x.code, text: x.text, weight: 1 });
  const ignore = new Set<string>();
  for (const n of c.placeNames ?? []) {
    ignore.add(n);
    const bare = n.replace(/(街道|社区|新村|小区|村|镇|乡|区|县|市|路|街|巷)$/, "");
    if (bare.length >= 2) ignore.add(bare);
  }
  ix.model = train(ix.dispatchable, texts, ignore);
  return ix.model;
}

export interface TextProposal {
  entry: CategoryEntry;
  confidence: number;
  /** the words that decided, for the reason */
  words: string[];
}

/**
 * The items the text is most likely about, best first (at most `limit`), each with its
 * confidence and deciding words. `under` (a catalogue node) favours the items below it: the
 * platform's category said that much.
 */
export function proposeFromText(c: CatalogueData, text: string | readonly string[], under?: CategoryEntry | null, limit = 3): TextProposal[] {
  const model = modelOf(c);
  const ix = indexOf(c);
  let prior: Float64Array | undefined;
  if (under) {
    prior = ix.priors.get(under.code);
    if (!prior) ix.priors.set(under.code, (prior = priorTerms(model, (code) => (code.startsWith(under.code) ? 4 : 1))));
  }
  const cls: Classification = classify(model, text, prior, Math.max(limit, 2));
  return cls.ranked.slice(0, limit).map((r, i) => ({
    entry: ix.byCode.get(r.code)!,
    confidence: r.p,
    words: evidence(model, cls, r.code, i === 0 ? cls.ranked[1]?.code : undefined),
  }));
}
