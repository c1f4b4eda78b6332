/**
 * The adapter spec: one object per external system that is at once its registration (the
 * gateway builds its routes from it), its validation (each route names its contract) and its
 * docs (summaries feed the OpenAPI document). Modelled on Redpanda Connect's component specs.
 */

/** How an adapter's inbound handler reaches the hub: Moleculer's ctx.call, narrowed. */
export interface HubPort {
  call<T = unknown>(action: string, params?: unknown): Promise<T>;
}

export interface InboundResult {
  status: number;
  body: unknown;
  /** the case this message created or touched, recorded with the raw message */
  caseId?: string;
}

/**
 * The named success answers a route may declare (components of the OpenAPI document): a case's
 * (lib/api.ts ANSWERS) or a credit message's (lib/api/credit.ts CREDIT_ANSWERS).
 */
export type RouteAnswer =
  | "CaseAck"
  | "CaseAccepted"
  | "CaseDuplicate"
  | "SanctionAccepted"
  | "SanctionDuplicate"
  | "CommitmentAccepted"
  | "CommitmentDuplicate"
  | "RepairAck"
  | "LevelAck"
  | "NoticeAck";

export interface InboundRoute {
  method: "POST";
  /** relative to the adapter's basePath, Express-style params: "/work-orders/:orderNo/callback" */
  path: string;
  /** message kind, stored with every raw message: "work-order", "callback" … */
  kind: string;
  /** contract $id the body must satisfy */
  schema: string;
  /** one line for the API docs, Chinese first */
  summary: string;
  /** the success answers, for the API docs (default: 200 with {caseId, status}) */
  responses?: { status: 200 | 202; description: string; answer: RouteAnswer }[];
  /** pure translation + one hub call; throws HubError for business refusals */
  handle(body: any, params: Record<string, string>, hub: HubPort): Promise<InboundResult>;
}

/** The canonical commands of the outbound port (contracts/canonical/command.schema.json). */
export const COMMANDS = {
  sign: "tongguan:command/sign",
  return: "tongguan:command/return",
  extension: "tongguan:command/extension",
  reply: "tongguan:command/reply",
  task: "tongguan:command/task",
  urge: "tongguan:command/urge",
  recall: "tongguan:command/recall",
  notice: "tongguan:command/notice",
  receiptRequest: "tongguan:command/receipt-request",
  publication: "tongguan:command/publication",
  overdue: "tongguan:command/overdue",
  verification: "tongguan:command/verification",
} as const;
export type CommandName = keyof typeof COMMANDS;

/** What an outbound message is about: its ordering and its history belong to this subject. */
export interface SubjectRef {
  /** "case", "notice", "sanction" … */
  type: string;
  id: string;
}

/** A message the hub must deliver to an external system, as the outbox hands it to delivery. */
export interface OutboundCommand {
  id: string;
  subject: SubjectRef;
  system: string;
  /** for systems with many endpoints (units, bureaus): which one */
  target: string | null;
  kind: CommandName;
  payload: Record<string, any>;
  idempotencyKey: string;
  attempts: number;
}

export interface OutboundRequest {
  method: "POST" | "PUT";
  path: string;
  body: unknown;
}

export interface OutboundKind {
  /** contract $id of the body sent (the receiving system's contract) */
  schema: string;
  summary: string;
  /** pure: canonical command payload → HTTP request to the external system */
  build(payload: Record<string, any>, target: string | null): OutboundRequest;
}

/** Where and how large a system takes batches of messages. */
export interface BatchSupport {
  path: string;
  max: number;
}

/** The batch endpoint every simulator serves (kit/simulator.ts), for the systems whose real interface has one at the same place. */
export const BATCH_PATH = "/batch";

/** What a system is to the hub. */
export type AdapterRole =
  /** raises cases (12345, 12319, the grid system) and hears back at each step */
  | "source"
  /** receives tasks and answers them (handling units) */
  | "handler"
  /** a bureau that receives notices and answers with receipts */
  | "bureau"
  /** a registry that receives records (the credit platform) */
  | "registry";

/**
 * One environment setting an adapter reads. Config parsing, the README settings table, start-up
 * messages and the simulator wiring are all made from these; nothing else names the variable.
 */
export interface AdapterSetting {
  /** the variable; a per-target pattern carries `<ID>`: "EXT_UNIT_<ID>_URL" */
  env: string;
  /** what the hub uses it for */
  purpose: "url" | "targetUrl" | "apiKey" | "simPort" | "via";
  description: string;
  example: string;
  /** the values it may take (a `via` setting: the systems that may carry this one's traffic) */
  values?: string[];
}

/** An API-key role external callers of this adapter use. */
export interface CallerRole {
  role: string;
  /** Chinese label shown to people: "12345热线平台" */
  label: string;
  /** the key used in embedded mode when API_KEYS is not set */
  demoKey?: string;
}

/** How a source system is spoken of, and what it hears at each step of a case it raised. */
export interface OriginBehaviour {
  /** short name in timeline texts: "12345" → 收到12345工单, 退回12345 */
  label: string;
  /** what its cases are called: "工单" */
  noun: string;
  /** which part of the monthly assessment its cases count for: 市考评 (city, default) or 区考评 (district: found by the district's own supervisors) */
  assessment?: "city" | "district";
}

/** Simulator settings from the hub's configuration (SIM_* variables). */
export interface SimSettings {
  ordersPerMinute: number;
  dispatchSamples: boolean;
  unitWorkMs: number;
  unitAcceptMs: number;
  callbackDelayMs: number;
}

/** What the hub needs of a simulator to run it in place of a system that has no URL. */
export interface AdapterSimulator {
  url: string;
  start(port?: number): Promise<string>;
  stop(): Promise<void>;
  /** where to call the hub back, with the key of `simulator.role` */
  setHub(url: string, apiKey?: string): void;
  /** once the hub answers: e.g. the 12345 simulator dispatches its samples and starts its stream */
  hubReady?(): Promise<void>;
}

export interface AdapterSpec {
  /** system name: "hotline12345"; names its outbox rows, its breakers and its settings */
  system: string;
  title: string;
  roles: AdapterRole[];
  /** mount point under /api: "/v1/hotline12345" */
  basePath: string;
  routes: InboundRoute[];
  /** the canonical commands this system accepts, each with its wire builder */
  commands: Partial<Record<CommandName, OutboundKind>>;
  /**
   * The system takes many messages in one request (批量推送): the kit's envelope
   * (contracts/kit/batch) POSTed to `path` under its URL, at most `max` messages each. Delivery
   * groups messages waiting for the same endpoint (never two of one subject: the outbox hands out
   * one at a time per subject); a lone message still goes alone.
   */
  batch?: BatchSupport;
  /**
   * Targets (units, bureaus) each with an endpoint of their own: per-target URLs
   * (`targetUrl` setting, or `url` in the city data) before the system's own URL.
   */
  perTarget?: boolean;
  /** the handler adapter for every unit whose city data names no `adapter` */
  defaultHandler?: boolean;
  settings: AdapterSetting[];
  /** API-key roles of this system's callers (the first is the simulator's unless it says otherwise) */
  callers: CallerRole[];
  /**
   * Who may call the inbound routes besides the system's own caller roles (e.g. unit routes accept
   * role `unit.<unitId>` for the unit in the path).
   */
  authorize?(role: string, params: Record<string, string>): boolean;
  /** roles of the form `<prefix><id>` (e.g. "unit.") this adapter's authorize() understands */
  rolePrefix?: { prefix: string; label: string };
  /** for sources: how the hub speaks of it and what it sends it */
  origin?: OriginBehaviour;
  /** for a bureau (role "bureau"): the 条线 tag whose joint-punishment notices it receives (units.json Bureau: housing, police, transport …) */
  bureau?: string;
  /** the built-in stand-in for this system, started when its URL is not configured */
  simulator?: {
    /** the API-key role it calls the hub with */
    role: string;
    create(settings: SimSettings, log: (line: string) => void): AdapterSimulator;
  };
}

/** The settings every system has: its URL, its outbound API key and its simulator's port. */
export function systemSettings(system: string, title: string, urlExample: string): AdapterSetting[] {
  const up = system.toUpperCase();
  return [
    { env: `EXT_${up}_URL`, purpose: "url", description: `${title}的接口地址；未设置时使用内置模拟器 / base URL of ${system}; the built-in simulator when unset`, example: urlExample },
    { env: `EXT_${up}_API_KEY`, purpose: "apiKey", description: `调用${title}时发送的 X-Api-Key（仅来自环境变量） / sent as X-Api-Key to ${system}`, example: "（密钥 secret）" },
    { env: `SIM_${up}_PORT`, purpose: "simPort", description: `${title}模拟器的固定端口（默认随机） / fixed port of its simulator`, example: "4100" },
  ];
}

/**
 * The setting that folds a system into another (many cities folded 12319 into 12345):
 * `<SYSTEM>_VIA=<other system>` leaves this adapter out of the registry — its routes are not
 * mounted, its simulator does not start, it needs no URL — and its traffic arrives through the
 * other system's adapter. Unset: the system is its own.
 */
export function viaSetting(system: string, title: string, into: string[]): AdapterSetting {
  return {
    env: `${system.toUpperCase()}_VIA`,
    purpose: "via",
    description: `${title}并入其他热线时设置（可选 ${into.join("、")}）：不挂载${title}接口、不启动其模拟器，其工单经该系统的适配器到达；未设置时独立接入 / set when ${system} is folded into another line: its routes are not mounted and its traffic arrives through that system's adapter`,
    example: into[0],
    values: into,
  };
}

/** The system a spec's traffic is folded into by its `via` setting in `env`, or undefined (its own). */
export function foldedInto(spec: Pick<AdapterSpec, "settings">, env: Record<string, string | undefined>): string | undefined {
  const st = spec.settings.find((s) => s.purpose === "via");
  const v = st ? (env[st.env] ?? "").trim() : "";
  return st && v && (st.values ?? []).includes(v) ? v : undefined;
}

/** What the hub's case actions answer for a step on an existing case. */
export interface CaseAck {
  caseId: string;
  status: string;
}

/** One hub call for a step on an existing case, answered 200 {caseId, status}. */
export async function callCase(hub: HubPort, action: string, params: unknown): Promise<InboundResult> {
  const r = await hub.call<CaseAck>(action, params);
  return { status: 200, body: { caseId: r.caseId, status: r.status }, caseId: r.caseId };
}
