/**
 * Learning from people (issue 6 §5): every triage assignment, 改派, 派单审定 and unit refusal is a
 * labelled example; from them the hub proposes data changes — a platform mapping entry (alias), a
 * keyword for a catalogue item, or a rule — each with the cases it would have routed, checked by
 * replaying those cases with the change applied. Nothing here writes: a suggestion becomes a data
 * change when an engineer takes its changed file (after the dry-run) into the city folder.
 * Pure over the city data and the examples.
 */
import type { RoutingRule } from "../contracts/types";
import { entryOf, mapCategory, proposeFromText } from "./catalogue";
import { rarity, words } from "./text";
import { cityProblems, decide, routeCase, type CityData, type RoutingInput, type RoutingLocation } from "./routing";

export type ExampleKind = "assigned" | "reassigned" | "adjudicated" | "refused";

/** One labelled example (a row of routing_examples). */
export interface Example {
  eventId: number;
  kind: ExampleKind;
  caseId: string;
  cityCode: string | null;
  system: string;
  categoryPath: string[];
  text: string;
  location: Record<string, unknown>;
  unitId: string;
  positive: boolean;
  categoryCode: string | null;
  labelSource: "proposal" | "agent" | "inferred" | null;
  hubUnitId: string | null;
  at: string;
}

/** A feedback entry as `cases.feedback` answers it. */
export interface FeedbackEntry {
  eventId: number;
  type: "ASSIGNED" | "REASSIGNED" | "ADJUDICATED" | "REFUSED";
  at: string;
  caseId: string;
  cityCode: string | null;
  originSystem: string;
  categoryPath: string[];
  categoryCode: string | null;
  title: string;
  content: string;
  location: Record<string, unknown>;
  data: Record<string, unknown> | null;
  routing: Record<string, unknown> | null;
}

const KIND: Record<FeedbackEntry["type"], ExampleKind> = { ASSIGNED: "assigned", REASSIGNED: "reassigned", ADJUDICATED: "adjudicated", REFUSED: "refused" };
const str = (v: unknown) => (typeof v === "string" && v ? v : null);

const inputOf = (x: Pick<Example, "categoryPath" | "location" | "system" | "text">, code?: string | null): RoutingInput => ({
  category: { path: x.categoryPath, code: code ?? null },
  appealType: "投诉",
  urgency: "一般",
  location: x.location as unknown as RoutingLocation,
  system: x.system,
  content: x.text,
});

/**
 * The catalogue item a person's choice of unit stands for, when they did not say: the item among
 * the text's ten best whose owner at that place is that unit.
 */
export function inferItem(x: Pick<Example, "categoryPath" | "location" | "system" | "text" | "unitId">, city: CityData, cities: CityData[]): string | null {
  for (const p of proposeFromText(city, x.text, null, 10)) {
    const d = decide({ ...inputOf(x), category: { path: p.entry.path, code: p.entry.code } }, cities);
    if (d.matched && d.owner.unitId === x.unitId) return p.entry.code;
  }
  return null;
}

/** A feedback entry as a labelled example, or null when it names no unit. */
export function exampleOf(f: FeedbackEntry, cities: CityData[]): Example | null {
  const d = f.data ?? {};
  const unitId = f.type === "REASSIGNED" ? str(d.to) : str(d.unitId);
  if (!unitId) return null;
  const positive = f.type !== "REFUSED";
  const hubUnitId = f.type === "REASSIGNED" ? str(d.from) : f.type === "REFUSED" ? unitId : str(((f.routing?.proposals as { unitId?: string }[] | undefined) ?? [])[0]?.unitId);
  const x: Example = {
    eventId: f.eventId,
    kind: KIND[f.type],
    caseId: f.caseId,
    cityCode: f.cityCode,
    system: f.originSystem,
    categoryPath: f.categoryPath,
    text: [f.title, f.content].filter(Boolean).join("。"),
    location: f.location,
    unitId,
    positive,
    categoryCode: null,
    labelSource: null,
    hubUnitId,
    at: f.at,
  };
  const given = str(d.categoryCode);
  if (given) {
    x.categoryCode = given;
    x.labelSource = d.proposal ? "proposal" : "agent";
  } else if (positive) {
    const city = cities.find((c) => c.code === f.cityCode);
    const code = city ? inferItem(x, city, cities) : null;
    if (code) {
      x.categoryCode = code;
      x.labelSource = "inferred";
    }
  } else {
    x.categoryCode = f.categoryCode;
  }
  return x;
}

/** The cities with the people's labelled texts added to their training examples (a new model each). */
export function withLearned(cities: CityData[], examples: Example[]): CityData[] {
  return cities.map((c) => {
    const mine = examples.filter((x) => x.positive && x.categoryCode && x.cityCode === c.code && entryOf(c, x.categoryCode));
    return mine.length ? { ...c, examples: [...c.examples, ...mine.map((x) => ({ text: x.text, code: x.categoryCode! }))] } : c;
  });
}

// ---------------------------------------------------------------------------------------------
// Suggestions.
// ---------------------------------------------------------------------------------------------

export type Change = { op: "mapping"; system: string; from: string[]; to: string } | { op: "keywords"; code: string; add: string[] } | { op: "rule"; rule: RoutingRule; before: string | null };

export interface Suggestion {
  id: string;
  kind: Change["op"];
  cityCode: string;
  /** the catalogue item it is about */
  code: string;
  itemPath: string[];
  /** one Chinese sentence: what to change and why */
  summary: string;
  change: Change;
  /** the file the change goes into, relative to the project root */
  file: string;
  /** the examples behind it */
  caseIds: string[];
  support: number;
  /** of those cases, how many the hub routes to the person's unit today / with the change */
  routedNow: number;
  routedWith: number;
}

const short = (s: string) => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
};

/** The city data with one change applied (a copy; the live data is untouched). */
export function applyChange(city: CityData, change: Change): CityData {
  const c = structuredClone(city);
  if (change.op === "mapping") {
    const m = (c.mappings[change.system] ??= { system: change.system, platform: change.system, version: "learned", paths: [] });
    m.paths = [...m.paths.filter((p) => p.from.join("/") !== change.from.join("/")), { from: change.from, to: change.to, note: "由人工派单学习 learned from agents" }];
  } else if (change.op === "keywords") {
    const e = c.categories.find((x) => x.code === change.code);
    if (e) e.keywords = [...new Set([...(e.keywords ?? []), ...change.add])];
  } else {
    const at = change.before ? c.rules.findIndex((r) => r.id === change.before) : -1;
    if (at >= 0) c.rules.splice(at, 0, change.rule);
    else c.rules.push(change.rule);
  }
  return c;
}

/** The changed file's path and its whole new content, as an engineer would commit it. */
export function changedFile(city: CityData, change: Change): { file: string; content: unknown } {
  const c = applyChange(city, change);
  if (change.op === "mapping") return { file: `${city.dir}/mappings/${change.system}.json`, content: c.mappings[change.system] };
  if (change.op === "keywords") return { file: `${city.dir}/categories.json`, content: { categories: c.categories } };
  return { file: `${city.dir}/rules.json`, content: { rules: c.rules } };
}

const routesTo = (x: Example, cities: CityData[]) => {
  const d = routeCase(inputOf(x), cities).decision;
  return d.matched && d.owner.unitId === x.unitId;
};

/** Proposed changes, per catalogue item, most supported first. */
export function suggest(examples: Example[], cities: CityData[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const city of cities) {
    const mine = examples.filter((x) => x.positive && x.cityCode === city.code && x.categoryCode && entryOf(city, x.categoryCode));
    const missed = mine.filter((x) => !routesTo(x, cities));
    const groups = new Map<string, { change: Change; xs: Example[]; code: string }>();
    const add = (k: string, code: string, change: Change, x: Example) => {
      const g = groups.get(k) ?? { change, xs: [], code };
      g.xs.push(x);
      groups.set(k, g);
    };
    for (const x of missed) {
      const code = x.categoryCode!;
      const entry = entryOf(city, code)!;
      // 1. the platform's path does not reach the item: a mapping entry
      if (x.categoryPath.length) {
        const m = mapCategory(x.categoryPath, city, x.system);
        // a vague path (其他, 综合) stays vague: mapping it onto one item would misroute the rest
        if (m.entry?.code !== code && m.via !== "vague" && !m.entry?.triage)
          add(`mapping\u0000${x.system}\u0000${x.categoryPath.join("/")}\u0000${code}`, code, { op: "mapping", system: x.system, from: x.categoryPath, to: code }, x);
      }
      // 2. the item is right but the rules give another unit here: a rule
      const d = decide({ ...inputOf(x), category: { path: entry.path, code } }, cities);
      if (!d.matched || d.owner.unitId !== x.unitId) {
        const loc = x.location as { districtCode?: string };
        const unit = city.units.find((u) => u.id === x.unitId);
        if (unit && loc.districtCode) {
          const before = d.matched ? d.ruleId : null;
          const rule: RoutingRule = {
            id: `${city.rules[0]?.id.split("-")[0] ?? "R"}-L${short(`${code}${loc.districtCode}${unit.id}`).slice(0, 5).toUpperCase()}`,
            name: `${entry.path[entry.path.length - 1]}（${city.city.districtCodes[loc.districtCode] ?? loc.districtCode}，人工派单学习）`,
            principle: unit.kind === "street" ? "属地" : "条线",
            match: { categoryPrefixes: [entry.path], districtCodes: [loc.districtCode] },
            owners: [unit.kind === "street" ? { street: true } : { unit: unit.id }],
            why: `坐席多次将此类诉求派${unit.name}（人工派单、改派或派单审定），建议据此调整承办链；上线前请核对职责清单。`,
          };
          add(`rule\u0000${code}\u0000${loc.districtCode}\u0000${unit.id}`, code, { op: "rule", rule, before }, x);
        }
      }
    }
    // 3. words the people's texts share that the item does not know: keywords
    const byItem = new Map<string, Example[]>();
    for (const x of missed.filter((y) => !y.categoryPath.length || mapCategory(y.categoryPath, city, y.system).entry?.code !== y.categoryCode)) {
      byItem.set(x.categoryCode!, [...(byItem.get(x.categoryCode!) ?? []), x]);
    }
    for (const [code, xs] of byItem) {
      const entry = entryOf(city, code)!;
      const known = new Set([...(entry.keywords ?? []), entry.path[entry.path.length - 1]]);
      const counts = new Map<string, Set<string>>();
      for (const x of xs) for (const w of new Set(words(x.text))) if (!known.has(w) && w.length >= 2 && rarity(w) >= 0.6) counts.set(w, (counts.get(w) ?? new Set()).add(x.caseId));
      const min = xs.length >= 3 ? 2 : 1;
      const add_ = [...counts.entries()]
        .filter(([, ids]) => ids.size >= min)
        .sort((a, b) => b[1].size - a[1].size || b[0].length - a[0].length)
        .slice(0, 5)
        .map(([w]) => w);
      if (add_.length) for (const x of xs) add(`keywords\u0000${code}`, code, { op: "keywords", code, add: add_ }, x);
    }

    for (const [k, g] of groups) {
      const entry = entryOf(city, g.code)!;
      const candidate = cities.map((c) => (c === city ? applyChange(city, g.change) : c));
      if (cityProblems(candidate.find((c) => c.code === city.code)!).length) continue;
      const ids = [...new Set(g.xs.map((x) => x.caseId))];
      const item = `「${entry.path.join("/")}」`;
      const summary =
        g.change.op === "mapping"
          ? `平台分类「${g.change.from.join("/")}」映射到派单目录${item}（${ids.length} 件人工派单）`
          : g.change.op === "keywords"
            ? `为${item}增加关键词${g.change.add.map((w) => `「${w}」`).join("")}（出现在 ${ids.length} 件人工派单的诉求中）`
            : `新增规则 ${g.change.rule.id}：${item}在${g.change.rule.name.match(/（(.+?)，/)?.[1] ?? ""}派${city.units.find((u) => u.id === (g.xs[0]?.unitId ?? ""))?.name ?? ""}${g.change.before ? `，排在 ${g.change.before} 之前` : ""}（${ids.length} 件）`;
      out.push({
        id: `${g.change.op}-${city.code}-${short(k)}`,
        kind: g.change.op,
        cityCode: city.code,
        code: g.code,
        itemPath: entry.path,
        summary,
        change: g.change,
        file: changedFile(city, g.change).file,
        caseIds: ids.slice(0, 20),
        support: ids.length,
        routedNow: g.xs.filter((x) => routesTo(x, cities)).length,
        routedWith: g.xs.filter((x) => routesTo(x, candidate)).length,
      });
    }
  }
  return out.sort((a, b) => b.routedWith - a.routedWith || b.support - a.support || a.id.localeCompare(b.id));
}
