/**
 * The words the console shows, each read from its single source and never re-typed here:
 * case statuses, 12345 outcome and satisfaction codes (contracts/canonical/common `x-labels`),
 * timeline entry types (contracts/canonical/case-event `x-labels`), the agent actions allowed in
 * each status (domain/lifecycle TRANSITIONS, for the commands of the agents' API table) and the
 * connected systems (adapters/index). Served by `GET /api/v1/meta`.
 */
import { ADAPTERS } from "../adapters";
import { getSchema, labels } from "../contracts";
import type { CaseStatus } from "../contracts/types";
import { TRANSITIONS, type CaseAction } from "../domain/lifecycle";
import { API } from "./api";

export interface Labelled<V> {
  value: V;
  label: string;
}

export interface Vocabulary {
  statuses: Labelled<CaseStatus>[];
  outcomes: Labelled<number>[];
  satisfaction: Labelled<number>[];
  eventTypes: Labelled<string>[];
  /** the agent commands allowed in each status (an empty list where none is) */
  actions: Record<CaseStatus, { action: CaseAction; label: string }[]>;
  systems: { system: string; title: string }[];
}

type EnumSchema = { enum?: (string | number)[]; "x-labels"?: Record<string, string> };

/** Values in schema order, each with its x-label; a value without a label is a broken contract. */
function labelled<V extends string | number>(schema: EnumSchema | undefined, where: string, names?: Record<string, string>): Labelled<V>[] {
  const values = schema?.enum;
  const l = names ?? schema?.["x-labels"];
  if (!values || !l) throw new Error(`no enum with x-labels at ${where}`);
  return values.map((v) => {
    const label = l[String(v)];
    if (!label) throw new Error(`${where}: no x-label for ${JSON.stringify(v)}`);
    return { value: v as V, label };
  });
}

/**
 * The agent commands: the agents' API routes (lib/api.ts) that call a lifecycle step of the
 * cases service — assign, reassign, returnCase.
 */
export function agentActions(): CaseAction[] {
  const commands = new Set(API.filter((r) => r.method === "POST" && r.roles.includes("agent") && r.action.startsWith("cases.")).map((r) => r.action.slice("cases.".length)));
  // in the lifecycle's order: assign before reassign before returnCase
  return (Object.keys(TRANSITIONS) as CaseAction[]).filter((a) => commands.has(a));
}

let cached: Vocabulary | undefined;

export function vocabulary(): Vocabulary {
  if (cached) return cached;
  const defs = getSchema("tongguan:canonical/common").$defs as Record<string, EnumSchema>;
  const eventType = (getSchema("tongguan:canonical/case-event").properties as Record<string, EnumSchema>).type;
  const statuses = labelled<CaseStatus>(defs.CaseStatus, "common#/$defs/CaseStatus", labels("CaseStatus"));
  const commands = agentActions();
  const actions = Object.fromEntries(
    statuses.map(({ value }) => [value, commands.filter((a) => TRANSITIONS[a].from.includes(value)).map((a) => ({ action: a, label: TRANSITIONS[a].label }))]),
  ) as Vocabulary["actions"];
  cached = {
    statuses,
    outcomes: labelled<number>(defs.Outcome, "common#/$defs/Outcome", labels("Outcome")),
    satisfaction: labelled<number>(defs.Satisfaction, "common#/$defs/Satisfaction", labels("Satisfaction")),
    eventTypes: labelled<string>(eventType, "case-event#/properties/type"),
    actions,
    systems: ADAPTERS.map((a) => ({ system: a.system, title: a.title })),
  };
  return cached;
}
