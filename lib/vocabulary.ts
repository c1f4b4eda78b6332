/**
 * The words the console shows, each read from its single source and never re-typed here:
 * case statuses, 12345 outcome and satisfaction codes (contracts/canonical/common `x-labels`),
 * timeline entry types (contracts/canonical/case-event `x-labels`), the agent actions allowed in
 * each status (domain/lifecycle TRANSITIONS, for the commands of the agents' API table), the statuses
 * 超期 counts (domain/lifecycle OVERDUE_STATUSES), the outbound command kinds (kit/adapter COMMANDS,
 * named by the titles of contracts/canonical/command) and the connected systems with their roles
 * (adapters/index). Served by `GET /api/v1/meta`.
 */
import { ADAPTERS } from "../adapters";
import { getSchema, labels } from "../contracts";
import type { CaseStatus } from "../contracts/types";
import { OVERDUE_STATUSES, TRANSITIONS, type CaseAction } from "../domain/lifecycle";
import { type AdapterRole, COMMANDS, type CommandName } from "../kit/adapter";
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
  /** the statuses a case is 超期 in once its handling deadline has passed (services/cases OVERDUE) */
  overdueStatuses: CaseStatus[];
  /** the outbound message kinds (outbox `kind`), named by the command schema's titles */
  commands: Labelled<CommandName>[];
  /** `origin`: the system raises cases (role "source"), so it is a 来源 */
  systems: { system: string; title: string; roles: AdapterRole[]; origin: boolean }[];
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

/**
 * Each outbound command (kit/adapter COMMANDS, in its order) with the Chinese part of its
 * definition's title in contracts/canonical/command ("OriginSign 签收" → 签收), found by its $id.
 */
export function commandLabels(): Labelled<CommandName>[] {
  const defs = Object.values(getSchema("tongguan:command").$defs as Record<string, { $id?: string; title?: string }>);
  return (Object.entries(COMMANDS) as [CommandName, string][]).map(([value, id]) => {
    const def = defs.find((d) => d.$id === id);
    if (!def) throw new Error(`command ${value}: no $def with $id ${id} in contracts/canonical/command.schema.json`);
    const label = def.title?.match(/^[A-Za-z0-9]+\s+(.+)$/)?.[1];
    if (!label) throw new Error(`command ${value}: title ${JSON.stringify(def.title)} of ${id} is not "<Name> <中文名>"`);
    return { value, label };
  });
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
    overdueStatuses: [...OVERDUE_STATUSES],
    commands: commandLabels(),
    systems: ADAPTERS.map((a) => ({ system: a.system, title: a.title, roles: [...a.roles], origin: a.roles.includes("source") })),
  };
  return cached;
}
