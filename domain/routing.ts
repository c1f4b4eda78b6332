/**
 * Routing 派单: which unit (承办单位) handles a case, and which units assist (协办单位).
 *
 * Pure functions over data: the rules, units and category trees of each city live in
 * `cities/<city>/*.json`, validated by `contracts/data/*.schema.json` and cross-checked by
 * `loadCities` (the only function here that does I/O). `decide` tries the city's rules in order;
 * a rule's owners chain encodes the ownership principle "部件先属主、后属地；事件先属地、后属主"
 * (components go first to their owner, events first to the locality), and units that refused the
 * case (退单) are skipped. A case no rule takes gets `matched: false` and goes to triage (人工分拨).
 */
import fs from "node:fs";
import path from "node:path";
import { assertValid, ROOT } from "../contracts";
import { isLeaf, mapCategory, proposeFromText, type MappedCategory, type TextProposal } from "./catalogue";
import { conflictText, locate } from "./location";
import { rarity } from "./text";

export { mapCategory } from "./catalogue";

// Data-file types come from contracts/data/*.schema.json (generated, never written twice).
import type { Bureau, CategoryEntry, CityFile, ComponentOrEvent, FunctionalUnit, GridFile, LabelledText, MappingFile, RoutingRule, RuleMatch, StreetUnit, UnitResolver } from "../contracts/types";
export type { Bureau, CategoryEntry, CityFile, ComponentOrEvent, FunctionalUnit, GridFile, LabelledText, MappingFile, RoutingRule, RuleMatch, StreetUnit, UnitResolver };
export type Principle = RoutingRule["principle"];
export type HandlingUnit = StreetUnit | FunctionalUnit;

/** One city's data, as loaded and cross-checked by `loadCities`. */
export interface CityData {
  /** the city's folder, relative to the project root (for messages) */
  dir: string;
  code: string;
  name: string;
  city: CityFile;
  units: HandlingUnit[];
  /** the dispatch catalogue 派单目录 (categories.json) */
  categories: CategoryEntry[];
  rules: RoutingRule[];
  /** per source platform (mappings/<system>.json): its category paths onto the catalogue */
  mappings: Record<string, MappingFile>;
  /** labelled texts the classifier trains on (examples.json; optional) */
  examples: LabelledText[];
  /** districts, streets, communities and places of the city (not evidence of what a case is about) */
  placeNames: string[];
  /** the city-management data (management.json: unit-grid and component code structures, bounds, 部件/事件 taxonomy with 立案/结案 standards and disposal limits), when the city has one */
  management?: GridFile;
}

// ---------------------------------------------------------------------------------------------
// Routing input and decision.
// ---------------------------------------------------------------------------------------------

export interface RoutingLocation {
  districtCode?: string;
  /** 区县名称, used only when neither districtCode nor gridCode gives the district */
  district?: string;
  gridCode?: string;
  street?: string;
  community?: string;
  city?: string;
  address: string;
  lng?: number;
  lat?: number;
}

export interface RoutingInput {
  category: { path: string[]; code?: string | null };
  appealType: string;
  urgency: string;
  location: RoutingLocation;
  /** the source system (its platform's category mapping applies) */
  system?: string;
  /** 标题 and 诉求内容: the text classifier reads them */
  title?: string;
  content?: string;
}

/** A unit the hub proposes for a case it could not dispatch itself (one click in the console). */
export interface Proposal {
  unitId: string;
  unitName: string;
  categoryCode: string;
  categoryPath: string[];
  confidence: number;
  ruleId: string;
  reason: string;
}

export interface RoutedUnit {
  unitId: string;
  unitName: string;
}

export type RoutingDecision =
  | {
      matched: true;
      cityCode: string;
      ruleId: string;
      ruleName: string;
      /** the principle actually applied: 属地 when the owner is the street office, else 条线 */
      principle: Principle;
      owner: RoutedUnit;
      coUnits: RoutedUnit[];
      reason: string;
      /** the catalogue item dispatched */
      categoryCode?: string;
      /** other units the text suggests, best first */
      alternatives?: Proposal[];
    }
  | { matched: false; cityCode: string | null; reason: string; proposals?: Proposal[] };

// ---------------------------------------------------------------------------------------------
// Loading and cross-checking.
// ---------------------------------------------------------------------------------------------

const FILES = ["city", "units", "categories", "rules", "mapping", "examples", "management"] as const;

/** A path for messages: relative to the project root when inside it, else absolute. */
function shown(file: string): string {
  const rel = path.relative(ROOT, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

function readJson(file: string): unknown {
  const rel = shown(file);
  if (!fs.existsSync(file)) throw new Error(`城市数据文件缺失 / city data file missing: ${rel}`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`城市数据文件不是合法 JSON / city data file is not valid JSON: ${rel}: ${(e as Error).message}`);
  }
}

/** Schema check; for rules.json the failing rule's id is named beside its index. */
function validated<T>(kind: (typeof FILES)[number], data: unknown, rel: string): T {
  try {
    return assertValid<T>(`tongguan:data/${kind}`, data, rel);
  } catch (e) {
    let msg = (e as Error).message;
    if (kind === "rules") {
      const rules = (data as { rules?: unknown } | null)?.rules;
      if (Array.isArray(rules)) {
        msg = msg.replace(/\/rules\/(\d+)(?=\/|:)/g, (m, i: string) => {
          const id = (rules[Number(i)] as { id?: unknown } | undefined)?.id;
          return typeof id === "string" ? `${m} (规则 ${id})` : m;
        });
      }
    }
    throw new Error(`城市数据文件校验失败 / city data file is invalid: ${msg}`);
  }
}

const pathKey = (p: string[]) => p.join("\u0000");
const startsWith = (p: string[], prefix: string[]) => prefix.length <= p.length && prefix.every((s, i) => p[i] === s);

function resolverUnitIds(r: UnitResolver): string[] {
  if ("unit" in r) return [r.unit];
  if ("byDistrict" in r) return Object.values(r.byDistrict).filter((v): v is string => typeof v === "string");
  return [];
}

/** Cross-file checks of one city; returns every problem found (empty when consistent). */
export function cityProblems(c: CityData, opts: LoadOptions = {}): string[] {
  const problems: string[] = [];
  const f = (name: string) => `${c.dir}/${name}.json`;
  const districts = c.city.districtCodes;

  for (const d of Object.keys(districts)) {
    if (!d.startsWith(c.code)) problems.push(`${f("city")}: 区县代码 ${d} 不以城市代码 ${c.code} 开头 / district code does not start with the city code`);
  }

  const byId = new Map<string, HandlingUnit>();
  const streetCodes = new Map<string, string>();
  for (const u of c.units) {
    if (byId.has(u.id)) problems.push(`${f("units")}: 单位 ${u.id}: 编号重复 / duplicate unit id`);
    byId.set(u.id, u);
    if (u.districtCode !== undefined && !(u.districtCode in districts)) {
      problems.push(`${f("units")}: 单位 ${u.id}: 区县代码 ${u.districtCode} 不在 city.json 的 districtCodes 中 / unknown district`);
    }
    if (u.kind === "street") {
      if (!/^[0-9]{9}$/.test(u.streetCode) || !u.streetCode.startsWith(u.districtCode)) {
        problems.push(`${f("units")}: 单位 ${u.id}: 街道编码 ${u.streetCode} 应为 9 位且以区县代码 ${u.districtCode} 开头 / street code must be 9 digits starting with the district code`);
      }
      const other = streetCodes.get(u.streetCode);
      if (other) problems.push(`${f("units")}: 单位 ${u.id}: 街道编码 ${u.streetCode} 与 ${other} 重复 / duplicate street code`);
      streetCodes.set(u.streetCode, u.id);
    }
  }

  const paths = new Map<string, CategoryEntry>();
  const codes = new Map<string, CategoryEntry>();
  for (const e of c.categories) {
    const label = `分类 ${e.code}「${e.path.join("/")}」`;
    if (codes.has(e.code)) problems.push(`${f("categories")}: ${label}: 编码重复 / duplicate code`);
    if (paths.has(pathKey(e.path))) problems.push(`${f("categories")}: ${label}: 路径重复 / duplicate path`);
    if (e.code.length !== e.path.length * 2) problems.push(`${f("categories")}: ${label}: 编码位数应为层级数×2 / code length must be 2 digits per level`);
    codes.set(e.code, e);
    paths.set(pathKey(e.path), e);
  }
  for (const e of c.categories) {
    if (e.path.length < 2) continue;
    const parent = paths.get(pathKey(e.path.slice(0, -1)));
    if (!parent) problems.push(`${f("categories")}: 分类 ${e.code}「${e.path.join("/")}」: 缺少上级分类 / parent entry missing`);
    else if (!e.code.startsWith(parent.code)) problems.push(`${f("categories")}: 分类 ${e.code}: 编码应以上级编码 ${parent.code} 开头 / code must extend the parent's code`);
  }

  const ruleIds = new Set<string>();
  for (const r of c.rules) {
    const at = `${f("rules")}: 规则 ${r.id}`;
    if (ruleIds.has(r.id)) problems.push(`${at}: 规则编号重复 / duplicate rule id`);
    ruleIds.add(r.id);
    const chains: [string, UnitResolver[]][] = [
      ["owners", r.owners],
      ["coUnits", r.coUnits ?? []],
    ];
    for (const [field, chain] of chains) {
      chain.forEach((res, i) => {
        for (const id of resolverUnitIds(res)) {
          const u = byId.get(id);
          if (!u) problems.push(`${at}: ${field}[${i}] 引用了不存在的单位 ${id} / references unknown unit ${id}`);
        }
        if ("byDistrict" in res) {
          for (const [d, id] of Object.entries(res.byDistrict)) {
            if (!(d in districts)) problems.push(`${at}: ${field}[${i}] 区县代码 ${d} 不属于${c.name} / unknown district ${d}`);
            const u = id ? byId.get(id) : undefined;
            if (u && u.districtCode !== undefined && u.districtCode !== d) {
              problems.push(`${at}: ${field}[${i}] 区县 ${d} 对应的单位 ${id} 属于另一区县 ${u.districtCode} / unit belongs to another district`);
            }
          }
        }
      });
    }
    const first = r.owners[0];
    const firstIsStreet = "street" in first;
    if (r.principle === "属地" && !firstIsStreet) problems.push(`${at}: 属地规则的第一个承办单位应为 {"street": true} / a 属地 rule must start with the street office`);
    if (r.principle === "条线" && firstIsStreet) problems.push(`${at}: 条线规则的第一个承办单位不能是属地街道 / a 条线 rule must start with a functional unit`);
    if (r.kind === "部件" && r.principle !== "条线") problems.push(`${at}: 部件先属主、后属地，部件规则的原则应为“条线” / component rules must be 条线`);
    for (const d of r.match.districtCodes ?? []) {
      if (!(d in districts)) problems.push(`${at}: match.districtCodes 中的 ${d} 不属于${c.name} / unknown district`);
    }
    for (const p of r.match.categoryPrefixes ?? []) {
      const hits = c.categories.filter((e) => startsWith(e.path, p));
      if (hits.length === 0) {
        problems.push(`${at}: match.categoryPrefixes「${p.join("/")}」不在 categories.json 中 / category path not in the taxonomy`);
      } else if (r.kind) {
        const wrong = hits.find((e) => e.kind && e.kind !== r.kind);
        if (wrong) problems.push(`${at}: 规则为${r.kind}，但分类「${wrong.path.join("/")}」是${wrong.kind} / rule kind differs from the category's kind`);
      }
    }
    for (const code of r.match.categoryCodes ?? []) {
      if (!c.categories.some((e) => e.code.startsWith(code))) problems.push(`${at}: match.categoryCodes 中的 ${code} 不在 categories.json 中 / category code not in the taxonomy`);
    }
  }

  // every dispatchable item (a leaf not marked triage) has its basis and a rule that can own it
  const leaves = c.categories.filter((e) => !c.categories.some((o) => o.path.length > e.path.length && startsWith(o.path, e.path)));
  for (const e of leaves) {
    if (e.triage) continue;
    const label = `分类 ${e.code}「${e.path.join("/")}」`;
    if (!e.basis) problems.push(`${f("categories")}: ${label}: 缺少依据 basis（职责清单/权责清单条目）/ a dispatchable item needs its basis`);
    if (opts.candidate) continue; // a dry-run candidate may leave items ownerless: the report shows them going to triage
    const covered = c.rules.some(
      (r) =>
        (r.match.categoryPrefixes ?? []).some((p) => startsWith(e.path, p)) || (r.match.categoryCodes ?? []).some((k) => e.code.startsWith(k)) || (!r.match.categoryPrefixes && !r.match.categoryCodes),
    );
    if (!covered) problems.push(`${f("categories")}: ${label}: 没有派单规则覆盖该事项（可派单事项须有承办链，模糊事项请标 triage）/ no rule owns this item`);
  }

  for (const [system, m] of Object.entries(c.mappings)) {
    const at = `${c.dir}/mappings/${system}.json`;
    if (m.system !== system) problems.push(`${at}: system「${m.system}」应与文件名 ${system} 一致 / system must match the file name`);
    m.paths.forEach((p, i) => {
      if (!codes.has(p.to)) problems.push(`${at}: paths[${i}]「${p.from.join("/")}」→ ${p.to}: 派单目录中没有该编码 / code not in the catalogue`);
    });
    (m.aliases ?? []).forEach((a, i) => {
      if (!codes.has(a.to)) problems.push(`${at}: aliases[${i}]「${a.terms.join("、")}」→ ${a.to}: 派单目录中没有该编码 / code not in the catalogue`);
    });
  }
  c.examples.forEach((x, i) => {
    if (!codes.has(x.code)) problems.push(`${f("examples")}: examples[${i}] → ${x.code}: 派单目录中没有该编码 / code not in the catalogue`);
  });
  return problems;
}

/**
 * Reads every city folder under `dir` (each with city.json, units.json, categories.json and
 * rules.json), validates each file against its schema and cross-checks the references. Throws an
 * Error naming the file, the rule or unit and the reason; a bad data file must stop start-up.
 */
function placeNamesOf(c: Pick<CityData, "city" | "units">): string[] {
  const names = new Set<string>([c.city.name, ...Object.values(c.city.districtCodes).filter((n): n is string => !!n)]);
  for (const u of c.units) if (u.kind === "street") for (const n of [u.streetName, ...(u.communities ?? []), ...(u.places ?? [])]) names.add(n);
  return [...names];
}

export interface LoadOptions {
  /** a candidate for the dry-run: items no rule owns are allowed (they would go to triage) */
  candidate?: boolean;
}

export function loadCities(dir: string = path.join(ROOT, "cities"), opts: LoadOptions = {}): CityData[] {
  if (!fs.existsSync(dir)) throw new Error(`城市数据目录不存在 / cities folder missing: ${dir}`);
  const cities: CityData[] = [];
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const folder of folders) {
    const abs = path.join(dir, folder);
    const rel = shown(abs);
    const load = <T>(kind: (typeof FILES)[number]): T => {
      const file = path.join(abs, `${kind}.json`);
      return validated<T>(kind, readJson(file), shown(file));
    };
    const mappingsDir = path.join(abs, "mappings");
    const mappings: Record<string, MappingFile> = {};
    if (fs.existsSync(mappingsDir)) {
      for (const name of fs
        .readdirSync(mappingsDir)
        .filter((n) => n.endsWith(".json"))
        .sort()) {
        const file = path.join(mappingsDir, name);
        mappings[name.replace(/\.json$/, "")] = validated<MappingFile>("mapping", readJson(file), shown(file));
      }
    }
    const examplesFile = path.join(abs, "examples.json");
    const city = load<CityFile>("city");
    const c: CityData = {
      dir: rel,
      code: city.code,
      name: city.name,
      city,
      units: load<{ units: HandlingUnit[] }>("units").units,
      categories: load<{ categories: CategoryEntry[] }>("categories").categories,
      rules: load<{ rules: RoutingRule[] }>("rules").rules,
      mappings,
      placeNames: [],
      ...(fs.existsSync(path.join(abs, "management.json")) ? { management: load<GridFile>("management") } : {}),
      examples: fs.existsSync(examplesFile) ? load<{ examples: LabelledText[] }>("examples").examples : [],
    };
    c.placeNames = placeNamesOf(c);
    const problems = cityProblems(c, opts);
    if (problems.length) throw new Error(`城市数据交叉校验失败 / city data is inconsistent (${rel}):\n  ${problems.join("\n  ")}`);
    cities.push(c);
  }
  if (cities.length === 0) throw new Error(`没有城市数据 / no city folder in ${dir}`);

  const problems: string[] = [];
  const cityCodes = new Map<string, string>();
  const unitIds = new Map<string, string>();
  for (const c of cities) {
    const other = cityCodes.get(c.code);
    if (other) problems.push(`${c.dir}/city.json: 城市代码 ${c.code} 与 ${other} 重复 / duplicate city code`);
    cityCodes.set(c.code, c.dir);
    for (const u of c.units) {
      const o = unitIds.get(u.id);
      if (o) problems.push(`${c.dir}/units.json: 单位 ${u.id}: 编号与 ${o} 中的单位重复 / unit id also used by another city`);
      unitIds.set(u.id, c.dir);
    }
  }
  if (problems.length) throw new Error(`城市数据交叉校验失败 / city data is inconsistent:\n  ${problems.join("\n  ")}`);
  return cities;
}

// ---------------------------------------------------------------------------------------------
// Look-ups (indexes are built once per CityData object and cached).
// ---------------------------------------------------------------------------------------------

interface CityIndex {
  units: Map<string, HandlingUnit>;
  streets: Map<string, StreetUnit>;
  categories: Map<string, CategoryEntry>;
  categoriesByCode: Map<string, CategoryEntry>;
}

const indexes = new WeakMap<CityData, CityIndex>();

function indexOf(city: CityData): CityIndex {
  let ix = indexes.get(city);
  if (!ix) {
    ix = {
      units: new Map(city.units.map((u) => [u.id, u])),
      streets: new Map(city.units.filter((u): u is StreetUnit => u.kind === "street").map((u) => [u.streetCode, u])),
      categories: new Map(city.categories.map((e) => [pathKey(e.path), e])),
      categoriesByCode: new Map(city.categories.map((e) => [e.code, e])),
    };
    indexes.set(city, ix);
  }
  return ix;
}

const cityNameMatches = (city: CityData, name: string) => {
  const n = name.trim();
  return n.length > 0 && (city.name === n || city.name.replace(/市$/, "") === n.replace(/市$/, ""));
};

const stripDistrictSuffix = (n: string) => n.trim().replace(/(区|县|市)$/, "");

/**
 * The district code of a place that came without one (many platforms leave it empty): from the
 * grid code's first six digits, else the district's name (钟楼区 / 钟楼), else the street's name,
 * through the city data. Answers the location unchanged when it has one or nothing fits.
 */
export function completeLocation<L extends Pick<RoutingLocation, "districtCode" | "gridCode" | "city" | "district" | "street">>(location: L, cities: CityData[]): L & { districtCode?: string } {
  if (location.districtCode) return location;
  const inScope = location.city ? cities.filter((c) => cityNameMatches(c, location.city!)) : cities;
  const scope = inScope.length ? inScope : cities;
  const known = (code: string) => scope.some((c) => code in c.city.districtCodes);
  if (location.gridCode && location.gridCode.length >= 6 && known(location.gridCode.slice(0, 6))) return { ...location, districtCode: location.gridCode.slice(0, 6) };
  if (location.district) {
    const want = stripDistrictSuffix(location.district);
    for (const c of scope) for (const [code, name] of Object.entries(c.city.districtCodes)) if (want && stripDistrictSuffix(name ?? "") === want) return { ...location, districtCode: code };
  }
  const address = (location as { address?: string }).address;
  if (address) {
    const hits = scope.flatMap((c) =>
      Object.entries(c.city.districtCodes)
        .filter(([, name]) => name && name.length >= 2 && address.includes(name))
        .map(([code]) => code),
    );
    if (new Set(hits).size === 1) return { ...location, districtCode: hits[0] };
  }
  if (location.street) {
    const want = location.street.trim();
    const hits = scope.flatMap((c) => c.units.filter((u) => u.kind === "street" && (u.streetName === want || u.streetName.replace(/(街道|镇|乡)$/, "") === want.replace(/(街道|镇|乡)$/, ""))));
    const codes = [...new Set(hits.map((u) => u.districtCode))];
    if (codes.length === 1 && codes[0]) return { ...location, districtCode: codes[0] };
  }
  return location;
}

/** The city of a place: by the district code's first 4 digits, else the grid code's, else the city name. */
export function cityFor(location: Pick<RoutingLocation, "districtCode" | "gridCode" | "city">, cities: CityData[]): CityData | undefined {
  if (location.districtCode) {
    const c = cities.find((x) => location.districtCode!.startsWith(x.code));
    if (c) return c;
  }
  if (location.gridCode && location.gridCode.length >= 6) {
    const c = cities.find((x) => location.gridCode!.slice(0, 6).startsWith(x.code));
    if (c) return c;
  }
  if (location.city) return cities.find((x) => cityNameMatches(x, location.city!));
  return undefined;
}

/** The taxonomy code of a category path: the exact entry's, else the longest prefix's, else null. */
export function categoryCode(categoryPath: string[], city: CityData): string | null {
  const ix = indexOf(city);
  for (let n = categoryPath.length; n > 0; n--) {
    const e = ix.categories.get(pathKey(categoryPath.slice(0, n)));
    if (e) return e.code;
  }
  return null;
}

export interface RoutingSettings {
  /** below it the text's proposal is not dispatched: triage with proposals */
  textConfidence: number;
  /** a mapped category is overruled by the text only at or above it */
  textOverride: number;
}

export const routingSettings = (city: CityData): RoutingSettings => ({
  textConfidence: city.city.routing?.textConfidence ?? 0.6,
  textOverride: city.city.routing?.textOverride ?? 0.9,
});

const f2 = (x: number) => x.toFixed(2);
const quoted = (ws: string[]) => ws.map((w) => `「${w}」`).join("");

/** 「按诉求内容中的「摆摊」「菜场」判定为「城乡建设/市容管理/占道经营」（置信度 0.83）」 */
function textPhrase(p: TextProposal): string {
  const by = p.words.length ? `诉求内容中的${quoted(p.words)}` : "诉求内容";
  return `按${by}判定为「${p.entry.path.join("/")}」（置信度 ${f2(p.confidence)}）`;
}

export type RouteResult = { decision: RoutingDecision; categoryCode: string | null; districtCode: string | null };

/**
 * How the hub decides a case's owner, whole: the place completed (district code), the city found,
 * the catalogue item chosen, then the rules. The item is, in order: a code kept from an earlier
 * decision; the platform's category through its mapping when that reaches a dispatchable item
 * (unless the text says, with at least `textOverride` confidence, that it is about something the
 * category does not name); else the text classifier's item when its confidence reaches the city's
 * `textConfidence`; else the category's known prefix when a rule owns it; else triage, with the
 * top three proposals (unit + reason). The routing service, the evaluation and the rules dry-run
 * all call this.
 */
export function routeCase(raw: RoutingInput, cities: CityData[], exclude: string[] = []): RouteResult {
  const location = completeLocation(raw.location, cities);
  const input: RoutingInput = { ...raw, location };
  const city = cityFor(location, cities);
  if (!city) return { decision: decide(input, cities, exclude), categoryCode: input.category.code ?? null, districtCode: location.districtCode ?? null };
  const districtCode = location.districtCode ?? districtFromStreets(location, city);
  const placed = districtCode && !location.districtCode ? { ...location, districtCode } : location;
  const at = { ...input, location: placed };
  const settings = routingSettings(city);

  const kept = input.category.code ? categoryEntry(input.category.code, city) : undefined;
  const mapped: MappedCategory = kept ? { entry: kept, via: "exact", how: "" } : mapCategory(input.category.path, city, input.system);
  const dispatchable = mapped.entry && isLeaf(city, mapped.entry) && !mapped.entry.triage ? mapped.entry : null;
  const text = [input.title, input.content].filter(Boolean).join("。");
  const proposals = text ? proposeFromText(city, text, dispatchable ? null : mapped.entry, 6) : [];
  const top = proposals[0];
  if (!mapped.how && mapped.entry?.triage) mapped.how = `诉求分类「${mapped.entry.path.join("/")}」为模糊事项，不说明诉求事项`;

  const run = (entry: CategoryEntry, lead: string): RouteResult => {
    const d = decide({ ...at, category: { path: entry.path, code: entry.code } }, cities, exclude);
    if (lead) d.reason = `${lead}；${d.reason}`;
    return { decision: withAlternatives(d, proposals, entry, at, cities, exclude), categoryCode: entry.code, districtCode: districtCode ?? null };
  };

  if (dispatchable) {
    // the text overrules a category only when it is sure, names the matter in at least two telling words, and the category's item is not even among its five best
    const overrule =
      !kept &&
      top &&
      top.entry !== dispatchable &&
      top.confidence >= settings.textOverride &&
      top.words.filter((w) => rarity(w) >= 0.8).length >= 2 &&
      !proposals.slice(0, 5).some((p) => p.entry === dispatchable);
    if (overrule) return run(top.entry, `${mapped.how || `诉求分类「${input.category.path.join("/")}」`}，但${textPhrase(top)}，以诉求内容为准`);
    return run(dispatchable, mapped.how);
  }
  if (top && top.confidence >= settings.textConfidence) return run(top.entry, `${mapped.how}，${textPhrase(top)}`);
  if (mapped.entry) {
    const d = decide({ ...at, category: { path: mapped.entry.path, code: mapped.entry.code } }, cities, exclude);
    if (d.matched) {
      if (mapped.how) d.reason = `${mapped.how}；${d.reason}`;
      return { decision: withAlternatives(d, proposals, mapped.entry, at, cities, exclude), categoryCode: mapped.entry.code, districtCode: districtCode ?? null };
    }
  }
  // nothing decides: triage, with what the text suggests
  const why = top
    ? `${mapped.how}；诉求内容判定的置信度不足（最高为「${top.entry.path.join("/")}」${f2(top.confidence)}，低于 ${f2(settings.textConfidence)}）`
    : `${mapped.how}；诉求内容中没有可判定事项的词语`;
  const proposed = proposalsFor(proposals, at, cities, exclude);
  const offer = proposed.length ? `建议：${proposed.map((p, i) => `${i + 1}. ${p.unitName}（${p.categoryPath.join("/")}，${f2(p.confidence)}）`).join("；")}` : "";
  return {
    decision: { matched: false, cityCode: city.code, reason: `${why}，转人工分拨。${offer}`, proposals: proposed },
    categoryCode: mapped.entry?.code ?? null,
    districtCode: districtCode ?? null,
  };
}

/** The owner each proposed item would get, distinct units, best first (at most 3). */
function proposalsFor(proposals: TextProposal[], input: RoutingInput, cities: CityData[], exclude: string[], skip?: string): Proposal[] {
  const out: Proposal[] = [];
  const seen = new Set(skip ? [skip] : []);
  for (const p of proposals) {
    if (out.length >= 3) break;
    const d = decideUnless({ ...input, category: { path: p.entry.path, code: p.entry.code } }, cities, exclude, seen);
    if (!d?.matched || seen.has(d.owner.unitId)) continue;
    seen.add(d.owner.unitId);
    out.push({
      unitId: d.owner.unitId,
      unitName: d.owner.unitName,
      categoryCode: p.entry.code,
      categoryPath: p.entry.path,
      confidence: Number(p.confidence.toFixed(3)),
      ruleId: d.ruleId,
      reason: `${textPhrase(p)}；${d.reason}`,
    });
  }
  return out;
}

/** A matched decision with the other units the text suggests (for the console and top-3). */
function withAlternatives(d: RoutingDecision, proposals: TextProposal[], chosen: CategoryEntry, input: RoutingInput, cities: CityData[], exclude: string[]): RoutingDecision {
  if (!d.matched) {
    const proposed = proposalsFor(proposals, input, cities, exclude);
    return { ...d, proposals: proposed };
  }
  const others = proposalsFor(
    proposals.filter((p) => p.entry !== chosen),
    input,
    cities,
    exclude,
    d.owner.unitId,
  );
  return { ...d, categoryCode: chosen.code, alternatives: others.slice(0, 2) };
}

/** The district of a place that names only a street, community, address or point of this city. */
function districtFromStreets(location: RoutingLocation, city: CityData): string | undefined {
  const found = locate(location, streetsOf(city));
  return found.street?.districtCode;
}

/** The taxonomy entry of a code. */
export function categoryEntry(code: string, city: CityData): CategoryEntry | undefined {
  return indexOf(city).categoriesByCode.get(code);
}

/** A unit by id, with its city (for manual assignment 人工派单). */
export function findUnit(unitId: string, cities: CityData[]): { unit: HandlingUnit; city: CityData } | undefined {
  for (const city of cities) {
    const unit = indexOf(city).units.get(unitId);
    if (unit) return { unit, city };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Decision.
// ---------------------------------------------------------------------------------------------

interface Place {
  districtCode?: string;
  districtName?: string;
  street?: StreetUnit;
  /** how the street was found, for the reason */
  streetVia?: string;
}

const streetsCache = new WeakMap<CityData, StreetUnit[]>();
function streetsOf(city: CityData): StreetUnit[] {
  let s = streetsCache.get(city);
  if (!s) streetsCache.set(city, (s = city.units.filter((u): u is StreetUnit => u.kind === "street")));
  return s;
}

/** District and street office of the case's place, as far as the data allows (domain/location). */
/**
 * Where a case is, per location object and city: decide() runs once for the case and again for
 * each text proposal (alternatives, triage), all on the same location, which was located each time.
 * Keyed by the object, so a changed location (a new input) is located afresh; a Place is never changed once made.
 */
const places = new WeakMap<RoutingLocation, WeakMap<CityData, Place>>();

function placeOf(loc: RoutingLocation, city: CityData): Place {
  let byCity = places.get(loc);
  if (!byCity) places.set(loc, (byCity = new WeakMap()));
  let place = byCity.get(city);
  if (!place) byCity.set(city, (place = locatePlace(loc, city)));
  return place;
}

function locatePlace(loc: RoutingLocation, city: CityData): Place {
  const districts = city.city.districtCodes;
  let districtCode = loc.districtCode;
  if (!districtCode && loc.gridCode && /^[0-9]{6}/.test(loc.gridCode)) districtCode = loc.gridCode.slice(0, 6);
  if (!districtCode && loc.district) {
    const name = loc.district.trim();
    districtCode = Object.keys(districts).find((d) => districts[d] === name);
  }
  const place: Place = { districtCode, districtName: districtCode ? districts[districtCode] : undefined };
  const found = locate({ ...loc, districtCode }, streetsOf(city));
  if (found.street) {
    place.street = found.street;
    place.streetVia = `${found.why}${conflictText(found)}`;
  }
  if (place.street && !place.districtCode) {
    place.districtCode = place.street.districtCode;
    place.districtName = districts[place.street.districtCode];
  }
  return place;
}

const categoryMatches = (m: RuleMatch, categoryPath: string[], code: string | null) =>
  !(m.categoryPrefixes && !m.categoryPrefixes.some((p) => startsWith(categoryPath, p))) && !(m.categoryCodes && !(code && m.categoryCodes.some((c) => code.startsWith(c))));

/**
 * The rules whose category conditions a catalogue item meets, in order: decide() runs for the
 * case and again for each text proposal, and tried the category prefixes of every rule each time.
 * Per rules array (a changed rule set is a new array) and only for the catalogue's own paths, so
 * the cache is bounded by the catalogue; other paths are matched rule by rule as before.
 */
const rulesByCategory = new WeakMap<RoutingRule[], { length: number; byKey: Map<string, RoutingRule[]> }>();

function rulesFor(city: CityData, categoryPath: string[], code: string | null): RoutingRule[] {
  const k = pathKey(categoryPath);
  if (!indexOf(city).categories.has(k)) return city.rules.filter((r) => categoryMatches(r.match, categoryPath, code));
  let cache = rulesByCategory.get(city.rules);
  // a rule added to the same array (learning's applyChange works on a copy, but be sure) starts afresh
  if (!cache || cache.length !== city.rules.length) rulesByCategory.set(city.rules, (cache = { length: city.rules.length, byKey: new Map() }));
  const key = `${code ?? ""}\u0001${k}`;
  let rules = cache.byKey.get(key);
  if (!rules) cache.byKey.set(key, (rules = city.rules.filter((r) => categoryMatches(r.match, categoryPath, code))));
  return rules;
}

/** The rule's other conditions (rulesFor has checked its category ones). */
function ruleMatches(rule: RoutingRule, input: RoutingInput, place: Place): boolean {
  const m = rule.match;
  if (m.appealTypes && !(m.appealTypes as string[]).includes(input.appealType)) return false;
  if (m.urgency && !(m.urgency as string[]).includes(input.urgency)) return false;
  if (m.districtCodes && !(place.districtCode && m.districtCodes.includes(place.districtCode))) return false;
  return true;
}

type Resolved = { unit: HandlingUnit; why: string } | { unit?: undefined; failure: string };

function resolve(r: UnitResolver, city: CityData, place: Place): Resolved {
  const ix = indexOf(city);
  if ("street" in r) {
    if (place.street) return { unit: place.street, why: place.streetVia ?? `事发地属${place.street.streetName}` };
    return { failure: "未能从网格编码或街道名称确定事发街道" };
  }
  if ("byDistrict" in r) {
    if (!place.districtCode) return { failure: "未能确定事发区县" };
    const id = r.byDistrict[place.districtCode];
    const unit = id ? ix.units.get(id) : undefined;
    if (!unit) return { failure: `规则未为${place.districtName ?? place.districtCode}配置单位` };
    return { unit, why: `事发地属${place.districtName ?? place.districtCode}` };
  }
  const unit = ix.units.get(r.unit);
  if (!unit) return { failure: `单位 ${r.unit} 不存在` };
  if (unit.kind === "street") return { unit, why: `规则指定${unit.streetName}` };
  const where = place.districtName ? `事发地属${place.districtName}，` : "";
  return { unit, why: `${where}${unit.districtCode ? "由区县条线单位承办" : "由市级条线单位承办"}` };
}

function principleLabel(rule: RoutingRule, applied: Principle, kind: ComponentOrEvent | undefined, fellBack: boolean): string {
  if (applied === "属地") {
    if (!fellBack) return kind === "事件" ? "属地，事件先属地、后属主" : "属地";
    return kind === "部件" ? "属地，部件先属主、后属地：属主单位无法承办，转属地" : "属地，条线单位无法承办，转属地";
  }
  if (rule.principle === "属地") return kind === "事件" ? "条线，事件先属地、后属主：属地无法承办，转属主单位" : "条线，属地无法承办，转条线单位";
  return kind === "部件" ? "条线，部件先属主、后属地" : "条线，由行业主管单位承办";
}

const ref = (u: HandlingUnit): RoutedUnit => ({ unitId: u.id, unitName: u.name });

/**
 * Chooses the owner (承办单位) and co-units (协办单位) of a case. Rules are tried in order; a rule
 * applies when all its match conditions hold, and its owner is the first entry of its owners chain
 * that resolves to a unit not in `exclude` (units that refused the case). When a rule's chain
 * yields nothing, the next rule is tried. The reason is a Chinese sentence for the hotline agent.
 */
export function decide(input: RoutingInput, cities: CityData[], exclude: string[] = []): RoutingDecision {
  return decideUnless(input, cities, exclude)!;
}

/**
 * decide(), except that it answers null as soon as the owner would be one of `owners` (a unit the
 * caller already has): proposals of an owner already proposed are dropped, and their co-units and
 * reason were built for nothing.
 */
function decideUnless(input: RoutingInput, cities: CityData[], exclude: string[], owners?: ReadonlySet<string>): RoutingDecision | null {
  const loc = input.location;
  const city = cityFor(loc, cities);
  if (!city) {
    const given = [loc.districtCode && `区县代码 ${loc.districtCode}`, loc.gridCode && `网格 ${loc.gridCode}`, loc.city && `城市「${loc.city}」`].filter(Boolean);
    const known = cities.map((c) => c.name).join("、");
    return {
      matched: false,
      cityCode: null,
      reason: given.length ? `无法确定所属城市（${given.join("、")}）：不属于已接入的城市（${known}），转人工分拨。` : `无法确定所属城市：工单未给出区县代码、网格编码或城市，转人工分拨。`,
    };
  }

  const place = placeOf(loc, city);
  const code = input.category.code ?? categoryCode(input.category.path, city);
  const category = code ? indexOf(city).categoriesByCode.get(code) : undefined;
  const categoryText = `「${input.category.path.join("/")}」`;
  const excluded = new Set(exclude);
  const tried: string[] = [];

  for (const rule of rulesFor(city, input.category.path, code)) {
    if (!ruleMatches(rule, input, place)) continue;
    const skipped: string[] = [];
    for (const entry of rule.owners) {
      const r = resolve(entry, city, place);
      if (!r.unit) {
        skipped.push(r.failure);
        continue;
      }
      if (excluded.has(r.unit.id)) {
        skipped.push(`${r.unit.name}已退单`);
        continue;
      }
      const owner = r.unit;
      if (owners?.has(owner.id)) return null;
      const coUnits: RoutedUnit[] = [];
      const seen = new Set([owner.id]);
      for (const c of rule.coUnits ?? []) {
        const cr = resolve(c, city, place);
        if (!cr.unit || excluded.has(cr.unit.id) || seen.has(cr.unit.id)) continue;
        seen.add(cr.unit.id);
        coUnits.push(ref(cr.unit));
      }
      const applied: Principle = owner.kind === "street" ? "属地" : "条线";
      const kind = rule.kind ?? category?.kind;
      const label = principleLabel(rule, applied, kind, skipped.length > 0);
      const skippedText = skipped.length ? `（${skipped.join("；")}，顺延）` : "";
      const coText = coUnits.length ? `协办：${coUnits.map((u) => u.unitName).join("、")}。` : "";
      return {
        matched: true,
        cityCode: city.code,
        ruleId: rule.id,
        ruleName: rule.name,
        principle: applied,
        owner: ref(owner),
        coUnits,
        reason: `按规则 ${rule.id}「${rule.name}」(${label})：诉求分类${categoryText}，${r.why}，派${owner.name}${skippedText}。${coText}依据：${rule.why}`,
      };
    }
    tried.push(`规则 ${rule.id}「${rule.name}」：${skipped.join("；")}`);
  }

  if (tried.length === 0) {
    const where = place.districtName ?? place.districtCode ?? "区县不明";
    return {
      matched: false,
      cityCode: city.code,
      reason: `${city.name}没有适用于诉求分类${categoryText}（${input.appealType}，${input.urgency}，${where}）的派单规则，转人工分拨。`,
    };
  }
  return {
    matched: false,
    cityCode: city.code,
    reason: `诉求分类${categoryText}匹配的规则均无可派单位（${tried.join("；")}），转人工分拨。`,
  };
}
