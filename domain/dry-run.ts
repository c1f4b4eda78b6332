/**
 * Rules dry run 规则试运行: replays stored cases against a candidate catalogue/rules folder and
 * says which would change owner, go to triage (人工分拨) or leave it — before anything goes live.
 *
 * Pure: every case is decided twice with the same steps as the routing service
 * (completeLocation → cityFor → categoryCode → decide), once under the current city data and once
 * under the candidate, excluding the units that already refused it (routing.excluded). The
 * category code is looked up from the case's path in each catalogue (a candidate may renumber its
 * taxonomy); the stored code is used only when the path is not in that catalogue. Cases a person
 * decided (routing.decidedBy === "agent") are listed apart — "decided by a person, rules would
 * say X" — and never counted as changes. The CLI is bin/rules-dry-run.ts.
 */
import { routeCase, type CityData, type RoutingDecision, type RoutingInput, type RoutingLocation } from "./routing";

/** The routing-relevant part of a stored case (a row of the `cases` table). */
export interface StoredCase {
  id: string;
  receivedAt: Date | string;
  /** the source system (its platform mapping applies), 标题 and 诉求内容 (the classifier reads them) */
  originSystem?: string;
  title?: string;
  content?: string;
  categoryPath: string[];
  /** the code stored with the case (derived under the catalogue live at intake) */
  categoryCode?: string | null;
  appealType: string;
  urgency: string;
  location: RoutingLocation | Record<string, unknown>;
  ownerUnitId: string | null;
  ownerUnitName?: string | null;
  status: string;
  routing: { ruleId?: string | null; decidedBy?: string | null; excluded?: string[] | null; [k: string]: unknown } | null;
}

/** One side of a comparison: the owner chosen by a rule, or triage. */
export type Outcome = { triage: false; ownerUnitId: string; ownerUnitName: string; ruleId: string; reason: string } | { triage: true; reason: string };

export type ChangeKind = "owner" | "to_triage" | "from_triage";

export interface CaseChange {
  id: string;
  receivedAt: string;
  status: string;
  categoryPath: string[];
  kind: ChangeKind;
  /** the owner stored with the case now (may differ from `before` when the case was re-routed or the rules changed since) */
  storedOwnerUnitId: string | null;
  before: Outcome;
  after: Outcome;
}

export interface PersonDecided {
  id: string;
  receivedAt: string;
  status: string;
  ownerUnitId: string | null;
  ownerUnitName: string | null;
  /** what the candidate rules would say */
  rulesWouldSay: Outcome;
  /** the candidate would have chosen the unit the person chose */
  agrees: boolean;
}

export interface UnitCount {
  unitId: string;
  unitName: string;
  gains: number;
  losses: number;
}

export interface RuleCount {
  ruleId: string;
  /** cases this rule decides under the current data */
  before: number;
  /** cases this rule decides under the candidate data */
  after: number;
}

export interface Transition {
  /** a rule id, or "triage" */
  from: string;
  to: string;
  count: number;
}

export interface DryRunReport {
  total: number;
  counts: { changedOwner: number; toTriage: number; fromTriage: number; unchanged: number; decidedByPerson: number; personAgreed: number };
  changes: CaseChange[];
  decidedByPerson: PersonDecided[];
  /** units that gain or lose cases, most affected first */
  byUnit: UnitCount[];
  /** rules whose case count differs between current and candidate */
  byRule: RuleCount[];
  /** moves between rules (or triage) of the changed cases, most frequent first */
  transitions: Transition[];
}

const TRIAGE = "triage";

/** The case's routing input; its category is mapped afresh under each catalogue (a candidate may renumber it). */
function inputOf(c: StoredCase): RoutingInput {
  return {
    category: { path: c.categoryPath, code: null },
    appealType: c.appealType,
    urgency: c.urgency,
    location: c.location as RoutingLocation,
    system: c.originSystem,
    title: c.title,
    content: c.content,
  };
}

function outcome(d: RoutingDecision): Outcome {
  return d.matched ? { triage: false, ownerUnitId: d.owner.unitId, ownerUnitName: d.owner.unitName, ruleId: d.ruleId, reason: d.reason } : { triage: true, reason: d.reason };
}

/** The decision for a stored case under one set of city data. */
export function decideStored(c: StoredCase, cities: CityData[]): Outcome {
  return outcome(routeCase(inputOf(c), cities, c.routing?.excluded ?? []).decision);
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const ruleKey = (o: Outcome) => (o.triage ? TRIAGE : o.ruleId);

/** Replays `cases` under the current and the candidate city data. */
export function dryRun(cases: StoredCase[], current: CityData[], candidate: CityData[]): DryRunReport {
  const changes: CaseChange[] = [];
  const byPerson: PersonDecided[] = [];
  const units = new Map<string, UnitCount>();
  const rules = new Map<string, RuleCount>();
  const transitions = new Map<string, Transition>();
  let unchanged = 0;

  const unit = (id: string, name: string) => {
    let u = units.get(id);
    if (!u) units.set(id, (u = { unitId: id, unitName: name, gains: 0, losses: 0 }));
    return u;
  };
  const rule = (id: string) => {
    let r = rules.get(id);
    if (!r) rules.set(id, (r = { ruleId: id, before: 0, after: 0 }));
    return r;
  };

  for (const c of cases) {
    const after = decideStored(c, candidate);
    if (c.routing?.decidedBy === "agent") {
      const agrees = !after.triage && after.ownerUnitId === c.ownerUnitId;
      byPerson.push({ id: c.id, receivedAt: iso(c.receivedAt), status: c.status, ownerUnitId: c.ownerUnitId, ownerUnitName: c.ownerUnitName ?? null, rulesWouldSay: after, agrees });
      continue;
    }
    const before = decideStored(c, current);
    if (!before.triage) rule(before.ruleId).before++;
    if (!after.triage) rule(after.ruleId).after++;

    let kind: ChangeKind | undefined;
    if (before.triage && !after.triage) kind = "from_triage";
    else if (!before.triage && after.triage) kind = "to_triage";
    else if (!before.triage && !after.triage && before.ownerUnitId !== after.ownerUnitId) kind = "owner";
    if (!kind) {
      unchanged++;
      continue;
    }
    if (!before.triage) unit(before.ownerUnitId, before.ownerUnitName).losses++;
    if (!after.triage) unit(after.ownerUnitId, after.ownerUnitName).gains++;
    const key = `${ruleKey(before)}\u0000${ruleKey(after)}`;
    const t = transitions.get(key) ?? { from: ruleKey(before), to: ruleKey(after), count: 0 };
    t.count++;
    transitions.set(key, t);
    changes.push({ id: c.id, receivedAt: iso(c.receivedAt), status: c.status, categoryPath: c.categoryPath, kind, storedOwnerUnitId: c.ownerUnitId, before, after });
  }

  const count = (k: ChangeKind) => changes.filter((x) => x.kind === k).length;
  return {
    total: cases.length,
    counts: {
      changedOwner: count("owner"),
      toTriage: count("to_triage"),
      fromTriage: count("from_triage"),
      unchanged,
      decidedByPerson: byPerson.length,
      personAgreed: byPerson.filter((p) => p.agrees).length,
    },
    changes,
    decidedByPerson: byPerson,
    byUnit: [...units.values()].sort((a, b) => b.gains + b.losses - (a.gains + a.losses) || a.unitId.localeCompare(b.unitId)),
    byRule: [...rules.values()].filter((r) => r.before !== r.after).sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
    transitions: [...transitions.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
  };
}

const side = (o: Outcome) => (o.triage ? "人工分拨 triage" : `${o.ownerUnitName}（${o.ownerUnitId}，规则 ${o.ruleId}）`);
const KIND_TEXT: Record<ChangeKind, string> = { owner: "改变承办单位 owner changes", to_triage: "转人工分拨 goes to triage", from_triage: "离开人工分拨 leaves triage" };

/** The report as readable text, Chinese first; its last line is `RESULT changed=… to_triage=… from_triage=… unchanged=…`. */
export function formatReport(r: DryRunReport, heading?: string): string {
  const out: string[] = [];
  if (heading) out.push(heading, "");
  const n = r.counts;
  out.push(`规则试运行 / rules dry run：共 ${r.total} 件工单 / cases`);
  out.push(`  改变承办单位 changed owner: ${n.changedOwner}`);
  out.push(`  转人工分拨 newly to triage: ${n.toTriage}`);
  out.push(`  离开人工分拨 leaving triage: ${n.fromTriage}`);
  out.push(`  不变 unchanged: ${n.unchanged}`);
  out.push(`  人工派单（不计入变化）decided by a person (not counted): ${n.decidedByPerson}，其中候选规则与人工一致 the candidate agrees with the person: ${n.personAgreed}`);
  out.push("");
  out.push("按单位 / by unit（增加 gains / 减少 losses）:");
  if (r.byUnit.length === 0) out.push("  （无 none）");
  for (const u of r.byUnit) out.push(`  ${u.unitName}（${u.unitId}）: +${u.gains} / -${u.losses}`);
  out.push("");
  out.push("按规则 / by rule（现行 before → 候选 after）:");
  if (r.byRule.length === 0) out.push("  （无 none）");
  for (const x of r.byRule) out.push(`  ${x.ruleId}: ${x.before} → ${x.after}`);
  if (r.transitions.length) {
    out.push("  去向 moves:");
    for (const t of r.transitions) out.push(`    ${t.from === TRIAGE ? "人工分拨" : t.from} → ${t.to === TRIAGE ? "人工分拨" : t.to}: ${t.count}`);
  }
  out.push("");
  out.push("变化的工单 / changed cases:");
  if (r.changes.length === 0) out.push("  （无 none）");
  for (const c of r.changes) {
    out.push(`  ${c.id}（${c.receivedAt}，${c.status}，「${c.categoryPath.join("/")}」）${KIND_TEXT[c.kind]}`);
    out.push(`    现行 before: ${side(c.before)}`);
    out.push(`      ${c.before.reason}`);
    out.push(`    候选 after:  ${side(c.after)}`);
    out.push(`      ${c.after.reason}`);
  }
  if (r.decidedByPerson.length) {
    out.push("");
    out.push("人工派单的工单（不计入变化）/ decided by a person (not counted as changes):");
    for (const p of r.decidedByPerson) {
      const now = p.ownerUnitId ? `${p.ownerUnitName ?? ""}（${p.ownerUnitId}）` : "无承办单位 no owner";
      out.push(`  ${p.id}（${p.status}）现为 now ${now}；规则将为 rules would say: ${side(p.rulesWouldSay)}`);
    }
  }
  out.push("");
  out.push(resultLine(r));
  return out.join("\n");
}

export function resultLine(r: DryRunReport): string {
  const n = r.counts;
  return `RESULT changed=${n.changedOwner} to_triage=${n.toTriage} from_triage=${n.fromTriage} unchanged=${n.unchanged}`;
}
