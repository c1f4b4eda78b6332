/**
 * routing:eval — measures the hub's routing (派单) against the labelled set in eval/routing/.
 *
 * Each item is a 12345 work order as the platform sends it, with the unit a dispatcher would
 * choose (`expected`) and other defensible units (`acceptable`). The order goes through
 * toCaseDraft and then exactly the steps of routing.service's `decide` action (completeLocation →
 * cityFor → categoryCode → decide), with the same input shape the cases service sends.
 *
 *   top-1  = decision.owner ∈ {expected} ∪ acceptable
 *   top-3  = expected/acceptable among the first three units the hub offers: the owner and the
 *            alternatives the text suggests (then the units a re-dispatch after 退单 would choose);
 *            for a case sent to triage, the three proposals shown to the agent
 *   triage = decision.matched === false (人工分拨)
 *
 * It reports and never asserts: the exit code is always 0.
 *   npm run routing:eval [-- --split test|dev|all]
 */
import fs from "node:fs";
import path from "node:path";
import { ROOT, validateTolerant } from "../contracts";
import type { WorkOrder12345 } from "../contracts/types";
import { loadCities, routeCase, type CityData, type RoutingDecision, type RoutingInput } from "../domain/routing";
import { SCHEMA, toCaseDraft } from "../adapters/hotline12345/mapping";

export const EVAL_DIR = path.join(ROOT, "eval", "routing");
export const EVAL_CITIES = ["changzhou", "suqian"] as const;

export type Split = "test" | "dev";
export interface EvalItem {
  id: string;
  split: Split;
  order: Record<string, unknown>;
  expected: string;
  acceptable: string[];
  note: string;
}

export interface ItemResult {
  item: EvalItem;
  city: string;
  categoryPath: string;
  owner: string | null;
  candidates: string[];
  top1: boolean;
  top3: boolean;
  triage: boolean;
}

export interface Figures {
  n: number;
  top1: number;
  top3: number;
  triage: number;
}

export function loadEvalItems(city: string, dir: string = EVAL_DIR): EvalItem[] {
  return JSON.parse(fs.readFileSync(path.join(dir, `${city}.json`), "utf8")) as EvalItem[];
}

/** The routing input the cases service sends for a case opened from this order. */
function routingInputOf(order: Record<string, unknown>): RoutingInput {
  const copy = structuredClone(order);
  const v = validateTolerant<WorkOrder12345>(SCHEMA.workOrder, copy);
  if (!v.ok) throw new Error(`work order ${String(order.orderNo)} is refused by the contract: ${v.errors.map((e) => `${e.pointer} ${e.messageEn}`).join("; ")}`);
  const draft = toCaseDraft(v.value);
  return {
    category: { path: draft.category.path, code: draft.category.code ?? null },
    appealType: draft.appealType,
    urgency: draft.urgency,
    location: draft.location,
    system: draft.origin.system,
    title: draft.title,
    content: draft.content,
  };
}

/** routing.service `decide` action: the same domain function. */
function routeLikeHub(raw: RoutingInput, cities: CityData[], exclude: string[]): RoutingDecision {
  return routeCase(raw, cities, exclude).decision;
}

export function evaluateItem(item: EvalItem, city: string, cities: CityData[]): ItemResult {
  const input = routingInputOf(item.order);
  const first = routeLikeHub(input, cities, []);
  const candidates: string[] = first.matched ? [first.owner.unitId, ...(first.alternatives ?? []).map((p) => p.unitId)] : (first.proposals ?? []).map((p) => p.unitId);
  // fewer than three: the units a re-dispatch after 退单 would choose
  while (first.matched && candidates.length < 3) {
    const d = routeLikeHub(input, cities, candidates);
    if (!d.matched || candidates.includes(d.owner.unitId)) break;
    candidates.push(d.owner.unitId);
  }
  candidates.splice(3);
  const good = new Set([item.expected, ...item.acceptable]);
  const owner = first?.matched ? first.owner.unitId : null;
  return {
    item,
    city,
    categoryPath: Array.isArray(item.order.category) && item.order.category.length ? (item.order.category as string[]).join("/") : "（无分类）",
    owner,
    candidates,
    top1: owner !== null && good.has(owner),
    top3: candidates.some((c) => good.has(c)),
    triage: !first?.matched,
  };
}

export function figures(results: ItemResult[]): Figures {
  const n = results.length;
  const rate = (f: (r: ItemResult) => boolean) => (n ? results.filter(f).length / n : 0);
  return { n, top1: rate((r) => r.top1), top3: rate((r) => r.top3), triage: rate((r) => r.triage) };
}

export function evaluate(split: Split | "all" = "test", cities: CityData[] = loadCities(), dir: string = EVAL_DIR): { results: ItemResult[]; byCity: Record<string, Figures>; overall: Figures } {
  const results: ItemResult[] = [];
  const byCity: Record<string, Figures> = {};
  for (const city of EVAL_CITIES) {
    const items = loadEvalItems(city, dir).filter((i) => split === "all" || i.split === split);
    const rs = items.map((i) => evaluateItem(i, city, cities));
    byCity[city] = figures(rs);
    results.push(...rs);
  }
  return { results, byCity, overall: figures(results) };
}

const f2 = (x: number) => x.toFixed(2);

export function report(split: Split | "all", out: (line: string) => void = console.log): Figures {
  const { results, byCity, overall } = evaluate(split);
  out(`routing eval — split: ${split}`);
  out("top-1 = owner is expected or acceptable; top-3 = expected/acceptable among the owner and the alternatives offered (the three proposals when sent to triage); triage = no rule matched");
  out("");
  out(`${"city".padEnd(12)}${"n".padStart(5)}${"top-1".padStart(8)}${"top-3".padStart(8)}${"triage".padStart(8)}`);
  for (const [city, fg] of [...Object.entries(byCity), ["all", overall] as const])
    out(`${city.padEnd(12)}${String(fg.n).padStart(5)}${f2(fg.top1).padStart(8)}${f2(fg.top3).padStart(8)}${f2(fg.triage).padStart(8)}`);
  out("");
  const misses = new Map<string, { miss: number; n: number; triage: number }>();
  for (const r of results) {
    const key = `${r.city}: ${r.categoryPath}`;
    const m = misses.get(key) ?? { miss: 0, n: 0, triage: 0 };
    m.n++;
    if (!r.top1) m.miss++;
    if (r.triage) m.triage++;
    misses.set(key, m);
  }
  const worst = [...misses.entries()].filter(([, m]) => m.miss > 0).sort((a, b) => b[1].miss - a[1].miss || a[0].localeCompare(b[0]));
  out("worst platform category paths (top-1 misses / items, of which triage):");
  for (const [key, m] of worst.slice(0, 10)) out(`  ${String(m.miss).padStart(3)}/${String(m.n).padEnd(3)} triage ${String(m.triage).padStart(3)}  ${key}`);
  if (!worst.length) out("  (none)");
  out("");
  out(`RESULT top1=${f2(overall.top1)} top3=${f2(overall.top3)} triage=${f2(overall.triage)}`);
  return overall;
}

function parseSplit(argv: string[]): Split | "all" {
  const i = argv.indexOf("--split");
  const v = i >= 0 ? argv[i + 1] : (argv.find((a) => a.startsWith("--split="))?.slice(8) ?? "test");
  if (v === "test" || v === "dev" || v === "all") return v;
  console.error(`unknown split ${v}; using test`);
  return "test";
}

if (require.main === module) {
  try {
    report(parseSplit(process.argv.slice(2)));
  } catch (e) {
    console.error((e as Error).message);
  }
  process.exitCode = 0;
}
