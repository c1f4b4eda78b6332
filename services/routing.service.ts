/**
 * routing — decides who owns a case, and learns from the people who correct it.
 *
 * Its data is the city folders in `cities/` (units, the dispatch catalogue, each platform's
 * category mapping, training examples, ordered rules), validated at start-up, so a city is
 * onboarded by editing data. The decision itself is the pure `routeCase()` in domain/routing.
 *
 * It owns one table, `routing_examples` (store/routing.tables.ts): the labelled examples it reads
 * from the cases service's timeline through `cases.feedback` (triage assignments, 改派, 派单审定,
 * refusals), on a timer and before answering for suggestions. The examples train the text
 * classifier (a new model per change) and yield suggestions — a mapping entry, a keyword or a rule
 * — that engineers check with the dry-run and take into the city data as a file. Suggestions are
 * measured against the files' data alone: a case the learned classifier now routes right still
 * asks for the data change that would make it right without the learned example.
 */
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { assertValid } from "../contracts";
import type { CategoryEntry, LabelledText, MappingFile, RoutingRule } from "../contracts/types";
import { dispatchableItems, mapCategory, proposeFromText } from "../domain/catalogue";
import { dryRun, type StoredCase } from "../domain/dry-run";
import { applyChange, changedFile, exampleOf, suggest, withLearned, type Example, type FeedbackEntry, type Suggestion } from "../domain/learning";
import { cityProblems, findUnit, loadCities, routeCase, type CityData, type HandlingUnit, type RoutingInput } from "../domain/routing";
import { calendarOf } from "../lib/calendars";
import { loopClassOf, loopDeadline, type LoopClass } from "../domain/loop";
import { verifier } from "../adapters";
import { config } from "../lib/config";
import { openDb } from "../lib/db";
import { HubError, notFound } from "../kit/errors";
import { sqlOf, type Sql } from "../store/sql";

interface Vars {
  /** the city data as the files say */
  base: CityData[];
  /** the same with the learned examples in the classifier: what decides */
  cities: CityData[];
  examples: Example[];
  sql?: Sql;
  timer?: NodeJS.Timeout;
  learning?: Promise<number>;
}
interface Methods {
  learn(): Promise<number>;
  reload(): Promise<void>;
  cityOf(code?: string): CityData[];
  suggestionById(id: string): Suggestion;
  snapshot(ctx: Context, from?: string, to?: string): Promise<StoredCase[]>;
}
type This = Vars & Methods & Service<ServiceSettingSchema>;

const EXAMPLE_COLUMNS = "event_id, kind, case_id, city_code, system, category_path, text, location, unit_id, positive, category_code, label_source, hub_unit_id, at";

const json = <T>(v: unknown): T => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T));

function exampleRow(r: Record<string, unknown>): Example {
  return {
    eventId: Number(r.event_id),
    kind: r.kind as Example["kind"],
    caseId: r.case_id as string,
    cityCode: (r.city_code as string | null) ?? null,
    system: r.system as string,
    categoryPath: json<string[]>(r.category_path),
    text: r.text as string,
    location: json<Record<string, unknown>>(r.location),
    unitId: r.unit_id as string,
    positive: Boolean(r.positive),
    categoryCode: (r.category_code as string | null) ?? null,
    labelSource: (r.label_source as Example["labelSource"]) ?? null,
    hubUnitId: (r.hub_unit_id as string | null) ?? null,
    at: new Date(r.at as string).toISOString(),
  };
}

/** An owner chain entry as an engineer reads it. */
function resolverText(r: RoutingRule["owners"][number], city: CityData): string {
  if ("street" in r) return "属地街道/镇";
  if ("unit" in r) return city.units.find((u) => u.id === r.unit)?.name ?? r.unit;
  return `各区县：${Object.values(r.byDistrict)
    .map((id) => city.units.find((u) => u.id === id)?.name ?? id)
    .join("、")}`;
}

const startsWith = (p: string[], prefix: string[]) => prefix.length <= p.length && prefix.every((s, i) => p[i] === s);

/** A candidate city folder from files given in a request: `{ "<city folder>/<file>.json": content }`. */
function overlay(base: CityData[], files: Record<string, unknown>): CityData[] {
  const out = base.map((c) => structuredClone(c));
  for (const [name, content] of Object.entries(files)) {
    const m = /^(?:cities\/)?([a-z0-9_-]+)\/(categories|rules|units|examples|mappings\/([a-z][a-z0-9]{1,31}))\.json$/.exec(name);
    const city = m ? out.find((c) => c.dir.split("/").pop() === m[1]) : undefined;
    if (!m || !city)
      throw new HubError(
        422,
        "BAD_CANDIDATE",
        `候选文件名「${name}」应为 <城市目录>/categories.json、rules.json、units.json、examples.json 或 mappings/<系统>.json`,
        `candidate file name ${name} is not a city data file`,
      );
    const kind = m[3] ? "mapping" : m[2];
    try {
      assertValid(`tongguan:data/${kind}`, content, name);
    } catch (e) {
      throw new HubError(422, "BAD_CANDIDATE", `候选文件校验失败：${(e as Error).message}`, `candidate file is invalid: ${name}`);
    }
    const v = content as Record<string, unknown>;
    if (kind === "categories") city.categories = v.categories as CategoryEntry[];
    else if (kind === "rules") city.rules = v.rules as RoutingRule[];
    else if (kind === "units") city.units = v.units as HandlingUnit[];
    else if (kind === "examples") city.examples = v.examples as LabelledText[];
    else city.mappings[m[3]] = v as unknown as MappingFile;
  }
  for (const c of out) {
    const problems = cityProblems(c, { candidate: true });
    if (problems.length) throw new HubError(422, "BAD_CANDIDATE", `候选数据交叉校验失败：${problems.slice(0, 10).join("；")}`, "candidate city data is inconsistent");
  }
  return out;
}

const RoutingService: ServiceSchema<ServiceSettingSchema, Methods & Record<string, never>, Vars> = {
  name: "routing",

  actions: {
    /** → { decision, categoryCode, districtCode }: the owner (with the rule and a reason) or why none, with proposals. */
    decide: {
      handler(this: This, ctx: Context<{ input: RoutingInput; exclude?: string[] }>) {
        const r = routeCase(ctx.params.input, this.cities, ctx.params.exclude ?? []);
        const city = this.cities.find((c) => c.code === r.decision.cityCode);
        const grid = verifier();
        const loopClass = city && grid && r.categoryCode ? loopClassOf(city, r.categoryCode, grid) : undefined;
        return { ...r, ...(city?.city.merging ? { merging: city.city.merging } : {}), ...(loopClass ? { loopClass } : {}) };
      },
    },

    /** 7-step loop: the handling deadline of a case of this 部件/事件 class dispatched at `from` (処置时限 on the working calendar), a calendar gap, or none. */
    loopDeadline: {
      params: { cityCode: "string", cityManagement: "object", from: "string" },
      handler(this: This, ctx: Context<{ cityCode: string; cityManagement: LoopClass; from: string }>) {
        const city = this.cities.find((c) => c.code === ctx.params.cityCode);
        if (!city) return { none: `城市 ${ctx.params.cityCode} 不在城市数据中` };
        return loopDeadline(city, calendarOf(city.code), ctx.params.cityManagement, new Date(ctx.params.from));
      },
    },

    /**
     * Each city's working calendar: the years it covers and an alarm when next year is not covered
     * yet (a deadline reaching it cannot be computed: the State Council's notice must be added).
     */
    calendars: {
      handler(this: This) {
        const next = new Date(Date.now() + 8 * 3600_000).getUTCFullYear() + 1;
        return {
          items: this.cities.map((c) => {
            const cal = calendarOf(c.code);
            if (!cal) return { cityCode: c.code, cityName: c.name, calendar: false, alarm: `${c.name}没有工作日历（calendar.json），工作时/工作日期限无法计算` };
            const covered = cal.covers(next);
            return {
              cityCode: c.code,
              cityName: c.name,
              calendar: true,
              years: [cal.years[0], cal.years[cal.years.length - 1]],
              warnings: cal.warnings,
              alarm: covered
                ? null
                : `${c.name}工作日历尚无 ${next} 年节假日数据：跨入 ${next} 年的处置时限无法计算，请加入国务院办公厅 ${next} 年节假日安排（calendar.json extraYears）或升级 chinese-days`,
            };
          }),
        };
      },
    },

    /** One unit by id (for manual assignment), or null. */
    unit: {
      handler(this: This, ctx: Context<{ unitId: string }>) {
        const found = findUnit(ctx.params.unitId, this.cities);
        return found ? { unitId: found.unit.id, unitName: found.unit.name } : null;
      },
    },

    /** Every unit of every city (agents pick from it when assigning). */
    units: {
      handler(this: This) {
        return {
          items: this.cities.flatMap((c) =>
            c.units.map((u) => ({
              unitId: u.id,
              unitName: u.name,
              kind: u.kind,
              cityCode: c.city.code,
              cityName: c.city.name,
              districtCode: u.districtCode ?? null,
              districtName: u.districtCode ? (c.city.districtCodes[u.districtCode] ?? null) : null,
              streetName: u.kind === "street" ? u.streetName : null,
            })),
          ),
        };
      },
    },

    /** The dispatch catalogue: every item with its basis, keywords and owner chain (the rules that own it). */
    catalogue: {
      params: { city: { type: "string", optional: true } },
      handler(this: This, ctx: Context<{ city?: string }>) {
        return {
          items: this.cityOf(ctx.params.city).flatMap((city) =>
            city.categories.map((e) => {
              const rules = city.rules.filter(
                (r) =>
                  (r.match.categoryPrefixes ?? []).some((p) => startsWith(e.path, p)) ||
                  (r.match.categoryCodes ?? []).some((k) => e.code.startsWith(k)) ||
                  (!r.match.categoryPrefixes && !r.match.categoryCodes),
              );
              return {
                cityCode: city.code,
                code: e.code,
                path: e.path,
                kind: e.kind ?? null,
                dispatchable: dispatchableItems(city).includes(e),
                triage: e.triage ?? false,
                description: e.description ?? null,
                keywords: e.keywords ?? [],
                basis: e.basis ?? null,
                owners: rules.map((r) => ({ ruleId: r.id, ruleName: r.name, principle: r.principle, chain: r.owners.map((o) => resolverText(o, city)), why: r.why })),
              };
            }),
          ),
        };
      },
    },

    /** Category paths seen in the store that reach no dispatchable item, with counts (for engineers). */
    unmapped: {
      params: { city: { type: "string", optional: true }, system: { type: "string", optional: true }, since: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ city?: string; system?: string; since?: string }>) {
        const { items } = await ctx.call<{ items: { system: string; cityCode: string | null; path: string[]; count: number; lastAt: string }[] }, { since?: string }>("cases.categoryPaths", {
          since: ctx.params.since,
        });
        const out = [];
        for (const row of items) {
          if (ctx.params.system && row.system !== ctx.params.system) continue;
          if (ctx.params.city && row.cityCode !== ctx.params.city) continue;
          const city = this.cities.find((c) => c.code === row.cityCode);
          const m = city ? mapCategory(row.path, city, row.system) : { entry: null, via: "none" as const, how: "城市不明" };
          const reached = m.entry && city && dispatchableItems(city).includes(m.entry);
          if (reached) continue;
          out.push({ ...row, via: m.via, mappedTo: m.entry ? { code: m.entry.code, path: m.entry.path } : null, reason: m.how });
        }
        return { items: out, total: out.reduce((n, r) => n + r.count, 0) };
      },
    },

    /** The labelled examples learned from people, newest first. */
    examples: {
      params: { city: { type: "string", optional: true }, limit: { type: "number", integer: true, min: 1, max: 1000, default: 100, convert: true } },
      async handler(this: This, ctx: Context<{ city?: string; limit: number }>) {
        await this.learn();
        const xs = this.examples.filter((x) => !ctx.params.city || x.cityCode === ctx.params.city);
        return { items: xs.slice(-ctx.params.limit).reverse(), total: xs.length };
      },
    },

    /** Per catalogue item, the data changes that would have routed the people's cases. */
    suggestions: {
      params: { city: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ city?: string }>) {
        await this.learn();
        const all = suggest(this.examples, this.base).filter((s) => !ctx.params.city || s.cityCode === ctx.params.city);
        const byItem = new Map<string, { cityCode: string; code: string; path: string[]; suggestions: Suggestion[] }>();
        for (const s of all) {
          const k = `${s.cityCode}:${s.code}`;
          const g = byItem.get(k) ?? { cityCode: s.cityCode, code: s.code, path: s.itemPath, suggestions: [] };
          g.suggestions.push(s);
          byItem.set(k, g);
        }
        return { items: [...byItem.values()], total: all.length };
      },
    },

    /** A suggestion's changed file, whole, as it would be committed to the city folder. */
    suggestionFile: {
      params: { id: "string" },
      handler(this: This, ctx: Context<{ id: string }>) {
        const s = this.suggestionById(ctx.params.id);
        const city = this.base.find((c) => c.code === s.cityCode)!;
        return { id: s.id, ...changedFile(city, s.change) };
      },
    },

    /** The dry-run of one suggestion over the stored cases of a period. */
    suggestionDryRun: {
      params: { id: "string", from: { type: "string", optional: true }, to: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ id: string; from?: string; to?: string }>) {
        const s = this.suggestionById(ctx.params.id);
        // suggestions are changes to the files: both sides are the files' data, without the learned examples
        const candidate = this.base.map((c) => (c.code === s.cityCode ? applyChange(c, s.change) : c));
        return { suggestion: s, report: dryRun(await this.snapshot(ctx, ctx.params.from, ctx.params.to), this.base, candidate) };
      },
    },

    /**
     * Rules dry-run 规则试运行 over the stored cases of a period against candidate files (the
     * console's page) — `{ files: { "changzhou/rules.json": {...} } }` — or a folder on this host
     * with the layout of cities/. Writes nothing.
     */
    dryRun: {
      params: { files: { type: "object", optional: true }, folder: { type: "string", optional: true }, from: { type: "string", optional: true }, to: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ files?: Record<string, unknown>; folder?: string; from?: string; to?: string }>) {
        let candidate: CityData[];
        if (ctx.params.folder) {
          try {
            candidate = loadCities(ctx.params.folder, { candidate: true });
          } catch (e) {
            throw new HubError(422, "BAD_CANDIDATE", (e as Error).message, "the candidate folder is invalid");
          }
        } else candidate = withLearned(overlay(this.base, ctx.params.files ?? {}), this.examples);
        return dryRun(await this.snapshot(ctx, ctx.params.from, ctx.params.to), this.cities, candidate);
      },
    },
  },

  methods: {
    cityOf(this: This, code?: string) {
      if (!code) return this.cities;
      const found = this.cities.filter((c) => c.code === code || c.dir.endsWith(`/${code}`));
      if (!found.length) throw notFound("城市", "city", code);
      return found;
    },

    suggestionById(this: This, id: string) {
      const s = suggest(this.examples, this.base).find((x) => x.id === id);
      if (!s) throw notFound("派单建议", "suggestion", id);
      return s;
    },

    async snapshot(this: This, ctx: Context, from?: string, to?: string) {
      const { items } = await ctx.call<{ items: StoredCase[] }, { from?: string; to?: string }>("cases.routingSnapshot", { from, to });
      return items;
    },

    /** Reads new feedback from the cases service into routing_examples; answers how many were new. */
    learn(this: This): Promise<number> {
      if (this.learning) return this.learning;
      this.learning = (async () => {
        if (!this.sql) return 0;
        const after = this.examples.reduce((m, x) => Math.max(m, x.eventId), 0);
        const { items } = await this.broker.call<{ items: FeedbackEntry[] }, { after: number; limit: number }>("cases.feedback", { after, limit: 1000 });
        const fresh = items.map((f) => exampleOf(f, this.cities)).filter((x): x is Example => x !== null);
        if (!fresh.length) return 0;
        const values: unknown[] = [];
        const tuples = fresh.map((x) => {
          const row = [
            x.eventId,
            x.kind,
            x.caseId,
            x.cityCode,
            x.system,
            JSON.stringify(x.categoryPath),
            x.text,
            JSON.stringify(x.location),
            x.unitId,
            x.positive,
            x.categoryCode,
            x.labelSource,
            x.hubUnitId,
            x.at,
          ];
          const base = values.length;
          values.push(...row);
          return `(${row.map((_, i) => `$${base + i + 1}`).join(", ")})`;
        });
        await this.sql.query(`INSERT INTO routing_examples (${EXAMPLE_COLUMNS}) VALUES ${tuples.join(", ")} ON CONFLICT (event_id) DO NOTHING`, values);
        await this.reload();
        return fresh.length;
      })().finally(() => {
        this.learning = undefined;
      });
      return this.learning;
    },

    async reload(this: This) {
      if (!this.sql) return;
      const rows = await this.sql.query<Record<string, unknown>>(`SELECT ${EXAMPLE_COLUMNS} FROM routing_examples ORDER BY event_id`);
      this.examples = rows.map(exampleRow);
      this.cities = withLearned(this.base, this.examples);
    },
  },

  created(this: This) {
    this.base = loadCities();
    this.cities = this.base;
    this.examples = [];
  },

  async started(this: This) {
    const cfg = config();
    const every = cfg.routingLearnMs;
    this.sql = sqlOf((await openDb(cfg)).db);
    await this.reload();
    // build each city's text model (and load the segmenter's dictionary) now, not on the first
    // work order: that took ~0.5 s of CPU and held up the first orders after a start by seconds
    for (const city of this.cities) proposeFromText(city, "预热 路灯不亮");
    const tick = () =>
      this.learn()
        .catch((e: Error) => {
          // the cases service may be starting or on a node that is down: the next tick reads on
          if (!/not (found|available)/i.test(e.message)) this.logger.warn(`学习样例读取失败，稍后重试 / reading feedback failed, retrying: ${e.message}`);
        })
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, every).unref();
        });
    // the examples already learned were read by reload() above; the first tick reads what people
    // decided since, one interval from now (it was min(interval, 2 s): a test's own triage
    // assignment, read in two seconds after start, routed its next vague order)
    this.timer = setTimeout(tick, every).unref();
  },

  async stopped(this: This) {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.learning?.catch(() => undefined);
  },
};

export default RoutingService;
