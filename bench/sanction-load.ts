/**
 * The notices bench's load, seeded (the same batch on every run): penalty decisions as the
 * enforcement system posts them (adapters/enforcement, the national 双公示 keys), of two kinds:
 *
 * - **firing companies**: construction-waste transport companies (所属行业 建筑垃圾运输处置), each
 *   with five 乱倒渣土 / 渣土撒漏 penalties of severity 一般 (one in five 严重) dated in the last weeks —
 *   the five make 常州's rule CZ-J010 fire once (cities/changzhou/joint-rules.json): a black-list
 *   entry, its list publication to the credit platform and one notice per target bureau;
 * - **single decisions**: one 渣土撒漏 penalty on a company of its own — a 双公示 publication and
 *   nothing else (one decision is below every rule's count).
 *
 * Every decision is published (一般/严重), so it makes one penalty publication. Codes carry correct
 * GB 32100 / GB 11714 check characters (domain/identity), plates follow GA 36; every name says
 * 压测 (bench). The posting order is a seeded shuffle within windows of a few companies, so a
 * company's five decisions arrive close together but interleaved with others' (their transactions
 * meet on the subject lock, as real bursts do) and firings happen all through the run.
 *
 * `expected()` says what the hub should deliver for a batch, worked out with the hub's own pure
 * functions (enforcement mapping → domain/credit evaluate / noticesFor on the city's rules), so the
 * bench knows when everything has arrived without asking the hub.
 */
import path from "node:path";
import { toSanction } from "../adapters/enforcement/mapping";
import { ROOT } from "../contracts";
import type { EnforcementSanction, Sanction } from "../contracts/types";
import { evaluate, loadJointRules, PLATFORM_TARGET, publicationOf } from "../domain/credit";
import { creditCodeCheckChar, orgCodeCheckChar } from "../domain/identity";
import { creditSubjectOf, recordOf } from "../domain/sanction";
import { seededRandom } from "../lib/random";

/** Decision numbers as generateSanctions makes them (钟城管罚字〔2026〕第B00001234号), to find them in any wire body. */
export const DECISION_NO = /钟城管罚字〔\d{4}〕第B\d{8}号/g;

export interface SanctionLoadSpec {
  /** companies with five qualifying decisions each (one firing each) */
  companies: number;
  /** single decisions, each on a company of its own */
  singles: number;
  /** numbering: decision numbers, codes and plates derive from firstSeq + i (distinct batches don't collide) */
  firstSeq: number;
  seed: number;
}

export interface SanctionLoad {
  /** in posting order */
  bodies: EnforcementSanction[];
  /** decision number → the company's credit code */
  companyOf: Map<string, string>;
  /** the firing companies' decision sets: credit code → its five decision numbers */
  firingSets: Map<string, string[]>;
}

/** The authority: 常州市钟楼区城市管理局 (the enforcement simulator's sample authority; its code passes GB 32100). */
const AUTHORITY = { name: "常州市钟楼区城市管理局", code: "11320404014107LK9P" };
const PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"; // no I, O
const DAY_MS = 86_400_000;
const cstDate = (now: Date, days: number) => new Date(now.getTime() + 8 * 3_600_000 - days * DAY_MS).toISOString().slice(0, 10);

/** A valid 统一社会信用代码 for company n: 91 (enterprise) + 320404 (钟楼区) + an 8-digit GB 11714 body + its check + C18. */
export function companyCode(n: number): string {
  const body = String(n % 100_000_000).padStart(8, "0");
  const first17 = `91320404${body}${orgCodeCheckChar(body)}`;
  return first17 + creditCodeCheckChar(first17);
}

/** Vehicle k of company n: 苏D + a letter + four digits (GA 36), unique for n·3+k < 240 000. */
function plate(n: number, k: number): string {
  const m = (n % 80_000) * 3 + k;
  return `苏D${PLATE_LETTERS[m % 24]}${String(Math.floor(m / 24) % 10_000).padStart(4, "0")}`;
}

function decision(opts: {
  n: number;
  seq: number;
  name: string;
  code: string;
  industry: boolean;
  kind: "乱倒渣土" | "渣土撒漏";
  severe: boolean;
  daysAgo: number;
  plates: string[];
  now: Date;
}): EnforcementSanction {
  const year = cstDate(opts.now, 0).slice(0, 4);
  const amount = opts.severe ? 5 : 1 + (opts.seq % 3);
  return {
    行政相对人名称: opts.name,
    行政相对人类别: "法人及非法人组织",
    ...(opts.industry ? { 所属行业: ["建筑垃圾运输处置"] } : {}),
    统一社会信用代码: opts.code,
    法定代表人: "压测某某",
    行政处罚决定书文号: `钟城管罚字〔${year}〕第B${String(opts.seq).padStart(8, "0")}号`,
    违法行为类型: opts.kind,
    违法事实:
      opts.kind === "乱倒渣土"
        ? `(压测)当事人所属渣土车（${opts.plates.join("、")}）于夜间在钟楼区(压测)某空地倾倒建筑垃圾约${amount * 4}立方米，未按核准的消纳场所处置。`
        : `(压测)当事人所属渣土车（${opts.plates.join("、")}）运输建筑垃圾未密闭，沿钟楼区(压测)某路撒漏约${amount * 200}米。`,
    处罚依据: opts.kind === "乱倒渣土" ? "《城市建筑垃圾管理规定》第二十六条" : "《城市建筑垃圾管理规定》第二十三条",
    处罚类别: "罚款",
    处罚内容: `罚款人民币${amount}万元`,
    "罚款金额（万元）": amount,
    处罚决定日期: cstDate(opts.now, opts.daysAgo),
    处罚机关: AUTHORITY.name,
    处罚机关统一社会信用代码: AUTHORITY.code,
    数据来源单位: AUTHORITY.name,
    数据来源单位统一社会信用代码: AUTHORITY.code,
    severity: opts.severe ? "严重" : "一般",
    vehicles: opts.plates.map((p) => ({ plate: p, operator: opts.name })),
  };
}

/** The batch: `companies` × 5 firing decisions and `singles` single ones, shuffled within windows of 8 companies. */
export function generateSanctions(spec: SanctionLoadSpec, now: Date = new Date()): SanctionLoad {
  const rand = seededRandom(spec.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const companyOf = new Map<string, string>();
  const firingSets = new Map<string, string[]>();
  let seq = spec.firstSeq;
  const groups: EnforcementSanction[][] = [];
  const WINDOW = 8;
  const singlesPerCompany = spec.companies ? spec.singles / spec.companies : 0;
  let singlesMade = 0;
  const single = (): EnforcementSanction => {
    const n = spec.firstSeq + 5_000_000 + singlesMade++;
    const code = companyCode(n);
    const d = decision({
      n,
      seq: seq++,
      name: `常州(压测)运输有限公司${n}`,
      code,
      industry: rand() < 0.5,
      kind: "渣土撒漏",
      severe: false,
      daysAgo: 1 + Math.floor(rand() * 20),
      plates: [plate(n, 0)],
      now,
    });
    companyOf.set(d.行政处罚决定书文号, code);
    return d;
  };
  for (let c = 0; c < spec.companies; c += WINDOW) {
    const group: EnforcementSanction[] = [];
    for (let i = c; i < Math.min(spec.companies, c + WINDOW); i++) {
      const n = spec.firstSeq + i;
      const code = companyCode(n);
      const name = `常州(压测)渣土运输有限公司${n}`;
      const fleet = [0, 1, 2].map((k) => plate(n, k));
      const nos: string[] = [];
      for (let k = 0; k < 5; k++) {
        const used = fleet.filter(() => rand() < 0.5);
        const d = decision({
          n,
          seq: seq++,
          name,
          code,
          industry: true,
          kind: pick(["乱倒渣土", "渣土撒漏"] as const),
          severe: rand() < 0.2,
          daysAgo: 1 + Math.floor(rand() * 20),
          plates: used.length ? used : [fleet[0]!],
          now,
        });
        nos.push(d.行政处罚决定书文号);
        companyOf.set(d.行政处罚决定书文号, code);
        group.push(d);
      }
      firingSets.set(code, nos);
    }
    const want = Math.round(singlesPerCompany * Math.min(spec.companies, c + WINDOW)) - singlesMade;
    for (let k = 0; k < want && singlesMade < spec.singles; k++) group.push(single());
    groups.push(group);
  }
  const rest: EnforcementSanction[] = [];
  while (singlesMade < spec.singles) rest.push(single());
  if (rest.length) groups.push(rest);
  // Fisher–Yates within each window
  for (const g of groups)
    for (let i = g.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [g[i], g[j]] = [g[j]!, g[i]!];
    }
  return { bodies: groups.flat(), companyOf, firingSets };
}

export interface Expected {
  /** 双公示 penalty publications: one per published decision */
  penalties: number;
  /** list publications: one per firing with a list decision */
  lists: number;
  /** notices to bureaus and units: one per firing and target other than the credit platform */
  notices: number;
  firings: number;
}

/**
 * What the hub should deliver for the accepted decisions (decision numbers), by the hub's own pure
 * functions: each decision mapped as the enforcement adapter maps it, each company's history
 * evaluated with the city's joint rules at `now`.
 */
export function expected(load: SanctionLoad, accepted: ReadonlySet<string>, now: Date = new Date()): Expected {
  const rules = loadJointRules(path.join(ROOT, "cities", "changzhou"));
  const byCompany = new Map<string, Sanction[]>();
  let penalties = 0;
  for (const body of load.bodies) {
    if (!accepted.has(body.行政处罚决定书文号)) continue;
    const s = toSanction(body).sanction;
    if (publicationOf(s.severity, s.decisionDate).published) penalties++;
    const code = load.companyOf.get(body.行政处罚决定书文号)!;
    byCompany.set(code, [...(byCompany.get(code) ?? []), s]);
  }
  let lists = 0;
  let notices = 0;
  let firings = 0;
  for (const history of byCompany.values()) {
    const plates = history.flatMap((h) => (h.vehicles ?? []).map((v) => v.plate));
    for (const f of evaluate(creditSubjectOf(history[0]!, [], plates), history.map(recordOf), rules, now)) {
      firings++;
      if (f.listDecision !== "none") lists++;
      notices += f.targets.filter((t) => t !== PLATFORM_TARGET).length;
    }
  }
  return { penalties, lists, notices, firings };
}
