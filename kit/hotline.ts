/**
 * What every hotline line shares (12345, 12319, …): a source system that dispatches tickets to
 * the hub, hears back at each step and closes them with a call-back. The lifecycle is the same on
 * every line; only the wire differs — paths, field names and code words. A line's spec is made
 * from one `HotlineLine` description:
 *
 *   routes    tolerant ticket intake (→ cases.open: 202, a repeated number 200 duplicate), the
 *             call-back 回访 (→ cases.callback) and 催办/督办 (→ cases.urge)
 *   commands  sign 签收, return 退单, extension 延期, reply 回复 and overdue 时限通报 (the deadline
 *             jobs' 预警/催办/督办): the canonical payload's fields renamed (and, where the line has
 *             its own code words, translated) to the line's wire names, POSTed to
 *             `<ticketPath>/<number>/<action>` — one builder (`wireRequest`) for every line and
 *             command. A line that leaves a command out hears nothing of it: the registry's
 *             deliverer answers null and no outbox row is written (deliberately: e.g. a platform
 *             that keeps its own overdue clock and has no 时限通报 interface).
 *
 * Everything here is pure apart from the one hub call of each route.
 */
import type { CaseDraft } from "../contracts/types";
import { callCase, type AdapterSpec, type CommandName, type HubPort, type InboundRoute, type OutboundKind, type OutboundRequest } from "./adapter";
import { requireOneOf } from "./errors";

/** "At least one of these fields" groups a ticket needs beyond its contract (see requireOneOf). */
export type TicketNeeds = { fields: string[]; zh: string; en: string }[];

/** The canonical satisfaction and urge vocabularies a line's messages are read into. */
export type Satisfaction = 0 | 1 | 2 | 3;
export type UrgeLevel = "催办" | "督办";

/** The origin commands a hotline line may take. */
export type LineCommand = "sign" | "return" | "extension" | "reply" | "overdue";

export interface HotlineLine<Ticket, Callback, Urge> {
  /** the adapter's system: the origin of the cases its tickets open */
  system: string;
  /** where tickets arrive and the number's place in the paths: "/work-orders", "orderNo" */
  ticketPath: string;
  numberParam: string;
  intake: {
    kind: string;
    schema: string;
    summary: string;
    /** what the hub cannot work without, beyond the contract's required fields */
    needs: TicketNeeds;
    /** pure: the line's ticket → the canonical case draft (origin.system = the line's system) */
    toDraft(ticket: Ticket): CaseDraft;
  };
  callback: {
    /** the path segment after the number: "callback" */
    action: string;
    schema: string;
    summary: string;
    /** pure: the line's call-back → satisfaction, comment and time (absent: the arrival time) */
    read(body: Callback): { satisfaction: Satisfaction; comment?: string; at?: string };
  };
  urge: {
    action: string;
    schema: string;
    summary: string;
    read(body: Urge): { level: UrgeLevel; text?: string; at?: string };
  };
  /** the canonical commands the line takes, in its wire format (one it leaves out is not sent to it) */
  commands: Partial<Record<LineCommand, WireCommand>>;
}

/**
 * One wire field: the canonical payload field it carries under the line's name, or a
 * translation of it (a code word of the line's own: outcome 0 → "已解决").
 */
export type WireField = string | { from: string; map(value: any): unknown };

export interface WireCommand {
  /** the path segment after the number: "sign", "accept" */
  action: string;
  schema: string;
  summary: string;
  /** wire name → the canonical field it comes from */
  fields: Record<string, WireField>;
}

/** An outbound request with its body's type. */
export interface Post<T> extends OutboundRequest {
  method: "POST";
  path: string;
  body: T;
}

/** `<ticketPath>/<number>/<action>`, the number URL-encoded. */
export function ticketPath(base: string, externalId: string, action: string): string {
  return `${base}/${encodeURIComponent(externalId)}/${action}`;
}

/**
 * The request a canonical origin command becomes on a line: the payload's fields under the
 * line's names, absent fields left out; the payload itself is not touched.
 */
export function wireRequest<T>(base: string, cmd: Pick<WireCommand, "action" | "fields">, payload: Record<string, any>): Post<T> {
  const body: Record<string, unknown> = {};
  for (const [wire, f] of Object.entries(cmd.fields)) {
    const from = typeof f === "string" ? f : f.from;
    const v = payload[from];
    if (v === undefined) continue;
    body[wire] = typeof f === "string" ? v : f.map(v);
  }
  return { method: "POST", path: ticketPath(base, String(payload.externalId), cmd.action), body: body as T };
}

/** The tolerant ticket intake: the needs checked (422 naming them), then one cases.open. */
export function intakeRoute<T>(line: HotlineLine<T, unknown, unknown>): InboundRoute {
  const { intake } = line;
  return {
    method: "POST",
    path: line.ticketPath,
    kind: intake.kind,
    schema: intake.schema,
    summary: intake.summary,
    responses: [
      { status: 202, description: "已受理：新建案件 / accepted: a new case", answer: "CaseAccepted" },
      { status: 200, description: "重复派单，未重复建案 / a duplicate: nothing created", answer: "CaseDuplicate" },
    ],
    async handle(body: T, _params, hub: HubPort) {
      requireOneOf(body as unknown as Record<string, unknown>, intake.needs);
      const r = await hub.call<{ caseId: string; duplicate: boolean }>("cases.open", { draft: intake.toDraft(body) });
      return {
        status: r.duplicate ? 200 : 202,
        body: r.duplicate ? { caseId: r.caseId, duplicate: true } : { caseId: r.caseId },
        caseId: r.caseId,
      };
    },
  };
}

/** 回访: one cases.callback for the ticket in the path. */
export function callbackRoute<C>(line: HotlineLine<unknown, C, unknown>): InboundRoute {
  const { callback } = line;
  return {
    method: "POST",
    path: `${line.ticketPath}/:${line.numberParam}/${callback.action}`,
    kind: "callback",
    schema: callback.schema,
    summary: callback.summary,
    async handle(body: C, params, hub: HubPort) {
      const r = callback.read(body);
      return callCase(hub, "cases.callback", {
        system: line.system,
        externalId: params[line.numberParam],
        satisfaction: r.satisfaction,
        ...(r.comment !== undefined ? { comment: r.comment } : {}),
        at: r.at ?? new Date().toISOString(),
      });
    },
  };
}

/** 催办/督办: one cases.urge for the ticket in the path. */
export function urgeRoute<U>(line: HotlineLine<unknown, unknown, U>): InboundRoute {
  const { urge } = line;
  return {
    method: "POST",
    path: `${line.ticketPath}/:${line.numberParam}/${urge.action}`,
    kind: "urge",
    schema: urge.schema,
    summary: urge.summary,
    async handle(body: U, params, hub: HubPort) {
      const r = urge.read(body);
      return callCase(hub, "cases.urge", {
        system: line.system,
        externalId: params[line.numberParam],
        level: r.level,
        ...(r.text !== undefined ? { text: r.text } : {}),
        at: r.at ?? new Date().toISOString(),
      });
    },
  };
}

/** The outbound kinds of a line, each building its wire request from the canonical payload. */
export function lineCommands(line: Pick<HotlineLine<unknown, unknown, unknown>, "ticketPath" | "commands">): Partial<Record<CommandName, OutboundKind>> {
  const out: Partial<Record<CommandName, OutboundKind>> = {};
  for (const [name, cmd] of Object.entries(line.commands)) {
    out[name as CommandName] = { schema: cmd.schema, summary: cmd.summary, build: (p) => wireRequest(line.ticketPath, cmd, p) };
  }
  return out;
}

/** A line's routes (intake, call-back, urge) and commands, for its AdapterSpec. */
export function hotlineLine<T, C, U>(line: HotlineLine<T, C, U>): Pick<AdapterSpec, "routes" | "commands"> {
  const l = line as unknown as HotlineLine<unknown, unknown, unknown>;
  return { routes: [intakeRoute(l), callbackRoute(l), urgeRoute(l)], commands: lineCommands(l) };
}

// ---------------------------------------------------------------------------------------------
// Tolerant drafting: what a line's mapping fills in for what its ticket leaves out

/** What a ticket without a category is filed under until routing (or a person) decides. */
export const NO_CATEGORY = ["其他"];

/** A title from the text: its first sentence, at most 40 characters. */
export function titleFrom(text: string): string {
  const line = text.split(/[\n。！？!?]/)[0].trim() || text.trim();
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

/**
 * The address of a case: the ticket's own, else its area names joined, else its grid code, else
 * its coordinates, else 「（未提供地址）」 (routing still has the other location fields).
 */
export function addressOf(t: { address?: string; names?: (string | undefined)[]; gridCode?: string; lng?: number; lat?: number }): string {
  const named = (t.names ?? []).filter(Boolean).join("");
  return t.address ?? (named || (t.gridCode ? `网格 ${t.gridCode}` : t.lng !== undefined && t.lat !== undefined ? `坐标 ${t.lng},${t.lat}` : "（未提供地址）"));
}
