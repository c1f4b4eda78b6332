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
  /** pure translation + one hub call; throws HubError for business refusals */
  handle(body: any, params: Record<string, string>, hub: HubPort): Promise<InboundResult>;
}

/** A message the hub must deliver to an external system, as kept in the outbox. */
export interface OutboundCommand {
  id: string;
  caseId: string;
  system: string;
  /** for systems with many endpoints (units): which one */
  target: string | null;
  kind: string;
  payload: Record<string, any>;
  idempotencyKey: string;
}

export interface OutboundRequest {
  method: "POST" | "PUT";
  path: string;
  body: unknown;
}

export interface OutboundKind {
  /** contract $id of the body sent */
  schema: string;
  summary: string;
  /** pure: command payload → HTTP request to the external system */
  build(payload: Record<string, any>, target: string | null): OutboundRequest;
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
  /** system name, also the API-key role that may call its routes: "hotline12345" */
  system: string;
  title: string;
  /** mount point under /api: "/v1/hotline12345" */
  basePath: string;
  routes: InboundRoute[];
  outbound: Record<string, OutboundKind>;
  /**
   * Who may call the inbound routes besides the system's own key (e.g. unit routes accept
   * role `unit.<unitId>` for the unit in the path). Default: only `system`.
   */
  authorize?(role: string, params: Record<string, string>): boolean;
  /** the built-in stand-in for this system, started when its URL is not configured */
  simulator?: {
    /** the API-key role it calls the hub with */
    role: string;
    create(settings: SimSettings, log: (line: string) => void): AdapterSimulator;
  };
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
