/**
 * What every bureau adapter shares (住建 housing, 公安交警 police, 交通运输 transport, …): a system
 * that receives joint-punishment notices (联合惩戒抄告单) and their revocations (撤销抄告), hears
 * reminders (催签收/催反馈), and answers with a receipt (签收) and later feedback on the measures
 * (措施落实情况). The exchange is the same for every bureau; only the wire differs — paths, field
 * names, code words and what a bureau acts on (plates and passes, companies and projects,
 * operating licences). A bureau's spec is made from one `BureauLine` description:
 *
 *   routes    POST /notices/:noticeId/receipt  → credit.noticeReceipt  {system, noticeId, receivedBy, at}
 *             POST /notices/:noticeId/feedback → credit.noticeFeedback {system, noticeId, measures, done, text, at}
 *             each reading the bureau's own body (`read`), tolerant like every inbound contract
 *   commands  notice (抄告单 and 撤销抄告) and receiptRequest (催签收/催反馈), built by the bureau's
 *             pure builders
 *   the rest  role "bureau" with its 条线 tag, basePath /v1/<system>, the caller role <system>
 *             (demo key demo-<system>-key), EXT_<SYSTEM>_URL / _API_KEY / SIM_<SYSTEM>_PORT
 *
 * Optionally a **case line** (`cases`): the bureau's units (cities/<city>/units.json `adapter:
 * "<system>"`) receive the cases routed to them through the bureau's own system instead of the
 * generic unit interface:
 *
 *   commands  task, urge, recall — the same canonical payloads the unit adapter gets — built by the
 *             bureau's pure builders into its wire format, given the target unit and the city data's
 *             units (`UnitDirectory`: names, districts, e.g. the police's 辖区大队)
 *   routes    POST <path>/:taskId/<accept|result|extension|refuse action> in the bureau's words,
 *             each read by a pure mapping into a reading (`CaseAcceptReading` …) that the kit turns
 *             into the params of cases.unitAccept / unitResult / unitExtension / unitRefuse — the
 *             very params the unit adapter produces (kit/handler.ts); the unit is named in the body
 *   roles     "bureau" and "handler"; the caller role stays <system>
 *
 * Also the pure helpers the builders share (`partyOf`, `vehiclesOf`, `classify`, `reminderText`,
 * `beijingTime`, `compact`, `platesIn`, `mentions`, `codeOf`) and `BureauSimulator`, the one
 * simulator every bureau's is made from (notices, and with a case line its units' tasks, kept on
 * the task desk the unit simulator uses too: kit/task-desk.ts). A bureau describes its wire as data
 * (kit/bureau-wire.ts `BureauWire`) and gets its line and simulator from it (`bureauAdapter`,
 * `bureauSimulator`).
 * Everything here is pure apart from the one hub call of each route and the simulator.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { validate, validateTolerant } from "../contracts";
import type { BureauNotice, HandlerRecall, HandlerTask, HandlerUrge, Outcome, ReceiptRequest, Vehicle } from "../contracts/types";
import { loadCities } from "../domain/routing";
import { checkPlate, PLATE_PROVINCES } from "../domain/identity";
import {
  type AdapterSimulator,
  type AdapterSpec,
  BATCH_PATH,
  callCase,
  type HubPort,
  type InboundResult,
  type InboundRoute,
  type OutboundKind,
  type OutboundRequest,
  type SimSettings,
  systemSettings,
} from "./adapter";
import { requireOneOf } from "./errors";
import { CASE_ACTIONS, type CaseAnswer, replyText, type UnitAcceptParams, type UnitExtensionParams, type UnitRefuseParams, type UnitResultParams } from "./handler";
import { type Received, type SimRequest, type SimResponse, SimulatorServer } from "./simulator";
import { HUB_BATCH_PATH } from "./hub-link";
import { type HeldTask, HubLink, simError, type TaskBehaviour, TaskDesk, type TaskHubCall } from "./task-desk";

export type { BureauNotice, ReceiptRequest } from "../contracts/types";

// ---------------------------------------------------------------------------------------------
// The hub calls

/** credit.noticeReceipt: a bureau signed for a notice (签收). */
export interface NoticeReceiptParams {
  system: string;
  noticeId: string;
  /** who signed: the person and/or the department, as the bureau gave them (else the bureau's title) */
  receivedBy: string;
  at: string;
}

/** One measure of a notice and whether the bureau carried it out. */
export interface MeasureResult {
  measure: string;
  done: boolean;
  note?: string;
}

/** credit.noticeFeedback: a bureau reported what it did (措施落实情况). */
export interface NoticeFeedbackParams {
  system: string;
  noticeId: string;
  measures: MeasureResult[];
  /** every measure carried out: the bureau's own word when it gives one, else all measures done */
  done: boolean;
  text: string;
  at: string;
}

/** What a bureau's receipt says, read by its mapping. */
export interface ReceiptReading {
  /** the person who signed */
  signer?: string;
  /** the department that signed */
  department?: string;
  at?: string;
}

/** What a bureau's feedback says, read by its mapping. */
export interface FeedbackReading {
  measures: MeasureResult[];
  /** the bureau's own "all done" flag, when its format has one */
  done?: boolean;
  text?: string;
  at?: string;
}

export const RECEIPT_ACTION = "sanctions.noticeReceipt";
export const FEEDBACK_ACTION = "sanctions.noticeFeedback";

/** Who signed, in one line: 「department 签收人」, either alone, else the bureau's title. */
export function receivedBy(r: ReceiptReading, fallback: string): string {
  const parts = [r.department, r.signer].map((s) => s?.trim()).filter(Boolean);
  return parts.length ? parts.join(" ") : fallback;
}

/** The params of credit.noticeReceipt (`receivedAt`: when the hub received the message). */
export function toReceiptParams(system: string, title: string, noticeId: string, r: ReceiptReading, receivedAt: string): NoticeReceiptParams {
  return { system, noticeId, receivedBy: receivedBy(r, title), at: r.at ?? receivedAt };
}

/** A summary when the bureau wrote none: 「措施落实情况：2项已落实，1项未落实（…）」. */
export function feedbackSummary(measures: MeasureResult[]): string {
  const done = measures.filter((m) => m.done).length;
  const open = measures.filter((m) => !m.done);
  if (!measures.length) return "措施落实情况：未逐项反馈";
  const rest = open.length ? `，${open.length}项未落实（${open.map((m) => m.measure).join("；")}）` : "";
  return `措施落实情况：${done}项已落实${rest}`;
}

/** The params of credit.noticeFeedback. */
export function toFeedbackParams(system: string, noticeId: string, f: FeedbackReading, receivedAt: string): NoticeFeedbackParams {
  const measures = f.measures.map((m) => compact({ measure: m.measure, done: m.done, note: m.note?.trim() || undefined }) as MeasureResult);
  const done = f.done ?? (measures.length > 0 && measures.every((m) => m.done));
  const text = f.text?.trim() || feedbackSummary(measures);
  return { system, noticeId, measures, done, text, at: f.at ?? receivedAt };
}

/** What the routes answer: the notice and, when the credit service says it, its state. */
function answer(noticeId: string, r: unknown): InboundResult {
  const status = r && typeof r === "object" && typeof (r as { status?: unknown }).status === "string" ? (r as { status: string }).status : undefined;
  return { status: 200, body: compact({ noticeId, status }) };
}

// ---------------------------------------------------------------------------------------------
// The line

export interface BureauLine<Receipt, Feedback> {
  /** the adapter's system (also its caller role and its basePath /v1/<system>) */
  system: string;
  title: string;
  /** the 条线 tag whose notices it receives (units.json `bureau`: housing, police, transport …) */
  bureau: string;
  /** the Chinese label of its caller role: 「公安交警联合惩戒接口」 */
  callerLabel: string;
  /** example of EXT_<SYSTEM>_URL */
  urlExample: string;
  receipt: {
    schema: string;
    summary: string;
    /** pure: the bureau's receipt → who signed and when */
    read(body: Receipt): ReceiptReading;
  };
  feedback: {
    schema: string;
    summary: string;
    /** "at least one of these" beyond the contract (e.g. item results or a summary) */
    needs?: { fields: string[]; zh: string; en: string }[];
    /** pure: the bureau's feedback → measures, done, text, when */
    read(body: Feedback): FeedbackReading;
  };
  notice: { schema: string; summary: string; build(n: BureauNotice): OutboundRequest };
  receiptRequest: { schema: string; summary: string; build(r: ReceiptRequest): OutboundRequest };
  /** the cases routed to the bureau's units, in its own format (optional) */
  cases?: CaseLine;
  /** the bureau's simulator */
  simulator(settings: SimSettings, log: (line: string) => void): AdapterSimulator;
}

const now = () => new Date().toISOString();

/** 签收: one credit.noticeReceipt for the notice in the path. */
export function receiptRoute<R>(line: BureauLine<R, unknown>): InboundRoute {
  return {
    method: "POST",
    path: "/notices/:noticeId/receipt",
    kind: "notice-receipt",
    schema: line.receipt.schema,
    summary: line.receipt.summary,
    responses: [{ status: 200, description: "已记录：签收已转信用服务，返回抄告单及其状态 / recorded: the notice and its state", answer: "NoticeAck" }],
    async handle(body: R, params, hub: HubPort) {
      const p = toReceiptParams(line.system, line.title, params.noticeId, line.receipt.read(body), now());
      return answer(p.noticeId, await hub.call(RECEIPT_ACTION, p));
    },
  };
}

/** 措施落实情况: one credit.noticeFeedback for the notice in the path. */
export function feedbackRoute<F>(line: BureauLine<unknown, F>): InboundRoute {
  return {
    method: "POST",
    path: "/notices/:noticeId/feedback",
    kind: "notice-feedback",
    schema: line.feedback.schema,
    summary: line.feedback.summary,
    responses: [{ status: 200, description: "已记录：措施落实情况已转信用服务，返回抄告单及其状态 / recorded: the feedback, the notice and its state", answer: "NoticeAck" }],
    async handle(body: F, params, hub: HubPort) {
      if (line.feedback.needs) requireOneOf(body as unknown as Record<string, unknown>, line.feedback.needs);
      const p = toFeedbackParams(line.system, params.noticeId, line.feedback.read(body), now());
      return answer(p.noticeId, await hub.call(FEEDBACK_ACTION, p));
    },
  };
}

/** A bureau's whole AdapterSpec from its line. */
export function bureauSpec<R, F>(line: BureauLine<R, F>): AdapterSpec {
  const l = line as unknown as BureauLine<unknown, unknown>;
  return {
    system: line.system,
    title: line.title,
    roles: line.cases ? ["bureau", "handler"] : ["bureau"],
    bureau: line.bureau,
    basePath: `/v1/${line.system}`,
    callers: [{ role: line.system, label: line.callerLabel, demoKey: `demo-${line.system}-key` }],
    settings: systemSettings(line.system, line.title, line.urlExample),
    simulator: { role: line.system, create: (s, log) => line.simulator(s, log) },
    routes: [receiptRoute(l), feedbackRoute(l), ...(line.cases ? caseRoutes(line.cases) : [])],
    batch: { path: BATCH_PATH, max: 100 },
    commands: {
      notice: { schema: line.notice.schema, summary: line.notice.summary, build: (p) => line.notice.build(p as BureauNotice) },
      receiptRequest: { schema: line.receiptRequest.schema, summary: line.receiptRequest.summary, build: (p) => line.receiptRequest.build(p as ReceiptRequest) },
      ...(line.cases ? caseCommands(line.system, line.cases) : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The case line: the cases routed to a bureau's units

/** One unit as a bureau's builders see it (from the city data). */
export interface UnitInfo {
  id: string;
  name: string;
  districtCode?: string;
  /** its 条线 tag (units.json `bureau`) */
  bureau?: string;
}

/** The units of the city data, for builders that name a unit or look one up (the police's 辖区大队). */
export interface UnitDirectory {
  unit(id: string): UnitInfo | undefined;
  readonly all: readonly UnitInfo[];
}

export function unitDirectory(units: UnitInfo[]): UnitDirectory {
  const byId = new Map(units.map((u) => [u.id, u]));
  return { unit: (id) => byId.get(id), all: units };
}

let cityDirectory: UnitDirectory | undefined;
/** Every unit of cities/<city>/units.json, read once. */
export function cityUnits(): UnitDirectory {
  cityDirectory ??= unitDirectory(
    loadCities().flatMap((c) =>
      c.units.map((u) => compact({ id: u.id, name: u.name, districtCode: "districtCode" in u ? u.districtCode : undefined, bureau: "bureau" in u ? u.bureau : undefined }) as UnitInfo),
    ),
  );
  return cityDirectory;
}

/** Where a bureau's answers on its cases arrive (under /api/v1/<system>): `<path>/:taskId/<action>`, the action in the bureau's words. */
export interface CaseHubPaths {
  /** "/jqgd" */
  path: string;
  actions: Record<CaseAnswer, string>;
}

/** The hub path of one answer on one task, relative to the bureau's basePath. */
export function caseAnswerPath(hub: CaseHubPaths, taskId: string, answer: CaseAnswer): string {
  return `${hub.path}/${encodeURIComponent(taskId)}/${hub.actions[answer]}`;
}

/** 签收 as a bureau's mapping reads it. */
export interface CaseAcceptReading {
  /** the unit that signed (its code in the bureau's body) */
  unitId: string;
  handler?: string;
  at?: string;
}

/** 办结/回复 as a bureau's mapping reads it: the outcome in the hub's codes (its own code table is the mapping's). */
export interface CaseResultReading {
  unitId: string;
  outcome: Outcome;
  text: string;
  handler?: string;
  at?: string;
}

/** 延期 as read. */
export interface CaseExtensionReading {
  unitId: string;
  until: string;
  reason: string;
}

/** 退回 as read. */
export interface CaseRefuseReading {
  unitId: string;
  reason: string;
  legalBasis?: string;
}

const trimmed = (s: string | undefined): string | undefined => s?.trim() || undefined;

/** cases.unitAccept's params (`receivedAt`: when the hub received the message, the default time). */
export function toCaseAcceptParams(taskId: string, r: CaseAcceptReading, receivedAt: string): UnitAcceptParams {
  return compact({ unitId: r.unitId, taskId, at: r.at ?? receivedAt, handler: trimmed(r.handler) }) as UnitAcceptParams;
}

export function toCaseResultParams(taskId: string, r: CaseResultReading, receivedAt: string): UnitResultParams {
  return compact({ unitId: r.unitId, taskId, outcome: r.outcome, text: r.text.trim(), at: r.at ?? receivedAt, handler: trimmed(r.handler) }) as UnitResultParams;
}

export function toCaseExtensionParams(taskId: string, r: CaseExtensionReading): UnitExtensionParams {
  return { unitId: r.unitId, taskId, until: r.until, reason: r.reason.trim() };
}

export function toCaseRefuseParams(taskId: string, r: CaseRefuseReading): UnitRefuseParams {
  return compact({ unitId: r.unitId, taskId, reason: r.reason.trim(), legalBasis: trimmed(r.legalBasis) }) as UnitRefuseParams;
}

/** One inbound answer of the case line: its contract and the pure reading of the bureau's body. */
export interface CaseAnswerRoute<B, R> {
  schema: string;
  summary: string;
  read(body: B): R;
}

/** One outbound case command: the bureau's builder, given the canonical payload, the target unit and the directory. */
export interface CaseCommand<P> {
  schema: string;
  summary: string;
  build(payload: P, unit: UnitInfo, units: UnitDirectory): OutboundRequest;
}

export interface CaseLine {
  hub: CaseHubPaths;
  accept: CaseAnswerRoute<any, CaseAcceptReading>;
  result: CaseAnswerRoute<any, CaseResultReading>;
  extension: CaseAnswerRoute<any, CaseExtensionReading>;
  refuse: CaseAnswerRoute<any, CaseRefuseReading>;
  task: CaseCommand<HandlerTask>;
  urge: CaseCommand<HandlerUrge>;
  recall: CaseCommand<HandlerRecall>;
  /** the units the builders see (default: the city data) */
  units?: () => UnitDirectory;
}

const CASE_KIND: Record<CaseAnswer, string> = { accept: "accept", result: "result", extension: "extension", refuse: "refuse" };

/** The four answer routes: each one mapping and one cases.* call, answered 200 {caseId, status}. */
export function caseRoutes(cases: CaseLine): InboundRoute[] {
  const route = (answer: CaseAnswer, r: CaseAnswerRoute<any, any>, params: (taskId: string, reading: any, at: string) => unknown): InboundRoute => ({
    method: "POST",
    path: `${cases.hub.path}/:taskId/${cases.hub.actions[answer]}`,
    kind: CASE_KIND[answer],
    schema: r.schema,
    summary: r.summary,
    handle: (body, p, hub: HubPort) => callCase(hub, CASE_ACTIONS[answer], params(p.taskId, r.read(body), now())),
  });
  return [
    route("accept", cases.accept, toCaseAcceptParams),
    route("result", cases.result, toCaseResultParams),
    route("extension", cases.extension, (t, r) => toCaseExtensionParams(t, r)),
    route("refuse", cases.refuse, (t, r) => toCaseRefuseParams(t, r)),
  ];
}

/** The unit a case command is for: the target, with what the city data knows of it. */
export function targetUnit(system: string, kind: string, target: string | null, units: UnitDirectory): UnitInfo {
  if (!target) throw new Error(`${system} outbound "${kind}" needs a target (the unitId) / 案件消息缺少目标单位`);
  return units.unit(target) ?? { id: target, name: target };
}

/** task, urge and recall, each through the bureau's builder for the target unit. */
export function caseCommands(system: string, cases: CaseLine): Partial<Record<"task" | "urge" | "recall", OutboundKind>> {
  const units = cases.units ?? cityUnits;
  const kind = <P>(name: string, c: CaseCommand<P>): OutboundKind => ({
    schema: c.schema,
    summary: c.summary,
    build: (payload, target) => {
      const dir = units();
      return c.build(payload as P, targetUnit(system, name, target, dir), dir);
    },
  });
  return { task: kind("task", cases.task), urge: kind("urge", cases.urge), recall: kind("recall", cases.recall) };
}

// ---------------------------------------------------------------------------------------------
// Pure helpers for the case builders

/** Candidate plates in free text (省 + letter + 5–6 characters, an optional 挂/学/警 suffix; a dot or space after the letter allowed). */
const PLATE_CANDIDATE = new RegExp(`[${PLATE_PROVINCES}][A-Za-z][·•・.\\s]?[0-9A-Za-z]{5,6}[挂学警]?`, "g");

/** The plates a case's texts mention, normalised (苏D·12345 → 苏D12345), each valid by GA 36 rules (domain/identity), once each, in order. */
export function platesIn(...texts: (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    for (const m of (t ?? "").matchAll(PLATE_CANDIDATE)) {
      // a 6th character may be the text going on after a 5-character serial
      const r = [m[0], m[0].slice(0, -1)].map(checkPlate).find((x) => x.ok);
      if (r?.ok && !out.includes(r.value)) out.push(r.value);
    }
  }
  return out;
}

/** Capture group 1 (else the whole match) of every match of `re` (global) in the texts, trimmed, once each, in order. */
export function mentions(re: RegExp, ...texts: (string | undefined)[]): string[] {
  const g = re.global ? re : new RegExp(re.source, `${re.flags}g`);
  const out: string[] = [];
  for (const t of texts) {
    for (const m of (t ?? "").matchAll(g)) {
      const v = (m[1] ?? m[0]).trim();
      if (v && !out.includes(v)) out.push(v);
    }
  }
  return out;
}

/** A code table read both ways: `codeOf(table, value)` the wire code of a hub value, `fromCode(table, code)` back. */
export function codeOf<V extends string | number, C extends string>(table: readonly (readonly [V, C])[], value: V): C {
  const f = table.find(([v]) => v === value);
  if (!f) throw new Error(`no wire code for ${String(value)} / 无对应代码`);
  return f[1];
}

export function fromCode<V extends string | number, C extends string>(table: readonly (readonly [V, C])[], code: C): V {
  const f = table.find(([, c]) => c === code);
  if (!f) throw new Error(`unknown code ${code} / 未知代码`);
  return f[0];
}

// ---------------------------------------------------------------------------------------------
// Pure helpers for the builders

/** `<base>/<id>[/<action>]`, the id URL-encoded. */
export function noticePath(base: string, noticeId: string, action?: string): string {
  return `${base}/${encodeURIComponent(noticeId)}${action ? `/${action}` : ""}`;
}

/** A revocation (撤销抄告): the subject's credit was repaired, lift the measures of `revokes`. */
export function isRevocation(n: Pick<BureauNotice, "kind">): boolean {
  return n.kind === "revocation";
}

export type PartyKind = "organisation" | "person" | "vehicle";

/** Who a notice is about, as a bureau files it: an organisation (by credit code), a person (by ID) or a vehicle (by plate). */
export function partyOf(subject: BureauNotice["subject"]): { kind: PartyKind; code: string; name?: string } {
  const t = subject.type.toLowerCase();
  const kind: PartyKind = /vehicle|车/.test(t) ? "vehicle" : /person|natural|individual$|自然人|个人/.test(t) ? "person" : "organisation";
  return compact({ kind, code: subject.id, name: subject.name }) as { kind: PartyKind; code: string; name?: string };
}

/** The vehicles a notice names: its own list, else the subject itself when it is a vehicle. */
export function vehiclesOf(n: Pick<BureauNotice, "vehicles" | "subject">): Vehicle[] {
  if (n.vehicles?.length) return n.vehicles;
  return partyOf(n.subject).kind === "vehicle" ? [{ plate: n.subject.id }] : [];
}

/**
 * Each measure text with the bureau's code for it: the first pattern of `table` it matches, else
 * `fallback` (a measure is never dropped).
 */
export function classify<C>(measures: string[], table: [RegExp, C][], fallback: C): { code: C; text: string }[] {
  return measures.map((text) => ({ code: table.find(([re]) => re.test(text))?.[1] ?? fallback, text }));
}

/** An ISO time as people in the bureau read it: 2026-12-03 17:30 (Beijing time). */
export function beijingTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

/** The reminder text when the hub gave none: 「请于 2026-12-03 17:30 前签收抄告单 NT-01」 (`noun`: the bureau's word for the notice). */
export function reminderText(r: Pick<ReceiptRequest, "noticeId" | "what" | "dueAt" | "text">, noun = "抄告单"): string {
  if (r.text?.trim()) return r.text.trim();
  const act = r.what === "receipt" ? `签收${noun}` : `反馈${noun}所列措施的落实情况`;
  return `请于 ${beijingTime(r.dueAt)} 前${act} ${r.noticeId}`;
}

/** The object without its undefined fields (a built body carries only what is known). */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as Partial<T>;
}

// ---------------------------------------------------------------------------------------------
// The simulator every bureau's is made from

/** How the simulated bureau treats one notice (key: noticeId, or "*" for every notice without its own). */
export interface BureauBehaviour {
  /** record everything, never answer (for the reminder/escalation test) */
  silent?: boolean;
  /** answer deliveries of the notice (and its reminders) with HTTP 500 */
  fail?: boolean;
  /** sign but never report feedback */
  noFeedback?: boolean;
  /** report the first measure as not carried out */
  partial?: boolean;
}

/** What a bureau's simulator reads from one of its wire messages. */
export type SimMessage = { what: "notice"; noticeId: string; revocation: boolean; revokes?: string } | { what: "reminder"; noticeId: string; of: "receipt" | "feedback" };

export interface SimWireRoute {
  /** the path the hub posts to, Express-style params */
  path: string;
  schema: string;
  read(body: any, params: Record<string, string>): SimMessage;
}

export interface BureauSimulatorOptions<N = any> {
  /** the bureau's system: the hub's routes are /api/v1/<system>/notices/:noticeId/{receipt,feedback} */
  system: string;
  /** the name in log lines: 「公安交警」 */
  label: string;
  routes: SimWireRoute[];
  /** the bureau's receipt body for a notice it received (its wire body) */
  receiptBody(notice: N, at: string): unknown;
  /** the bureau's feedback body; `partial`: report the first measure as not carried out */
  feedbackBody(notice: N, at: string, partial: boolean): unknown;
  hubUrl?: string;
  apiKey?: string;
  /** delay before signing, default 500 ms */
  receiptDelayMs?: number;
  /** time from signing to the feedback, default 3000 ms */
  feedbackDelayMs?: number;
  behaviour?: Record<string, BureauBehaviour>;
  /** the bureau's case line: its units' tasks */
  cases?: SimCaseOptions;
  log?: (line: string) => void;
}

/** How the simulated bureau treats the tasks of one unit (key: unitId, or "*" for every unit without its own): the kit's task behaviour. */
export type CaseBehaviour = TaskBehaviour;

/** What the simulated bureau reads from a task in its own format. */
export interface SimCaseReading {
  taskId: string;
  caseId: string;
  unitId: string;
  role: "owner" | "co";
  rework: number;
  title: string;
  /** the category path, top level first */
  category: string[];
  confidential: boolean;
  handleDeadline?: string;
}

/** What a bureau's simulator reads from one of its case messages. */
export type SimCaseMessage = ({ what: "task" } & SimCaseReading) | { what: "urge"; taskId: string; level: HandlerUrge["level"]; text: string } | { what: "recall"; taskId: string; reason: string };

export interface SimCaseRoute {
  path: string;
  schema: string;
  read(body: any, params: Record<string, string>): SimCaseMessage;
}

/** The case line of a bureau's simulator: its wire routes and the bodies it answers with, in its format. */
export interface SimCaseOptions {
  /** where the hub takes the answers (the spec's case line `hub`) */
  hub: CaseHubPaths;
  routes: SimCaseRoute[];
  /** the bodies of the answers, given the task as held (its wire body in `body`) */
  acceptBody(t: SimCaseTask, at: string): unknown;
  resultBody(t: SimCaseTask, outcome: Outcome, text: string, at: string): unknown;
  extensionBody(t: SimCaseTask, until: string, reason: string): unknown;
  refuseBody(t: SimCaseTask, reason: string, legalBasis: string): unknown;
}

export type { SimTaskStatus } from "./task-desk";
export type SimCaseHubCall = TaskHubCall;

/** One task as the simulated bureau holds it: the kit's held task (the same fields as the unit simulator's SimTask) and what it read. */
export interface SimCaseTask extends SimCaseReading, HeldTask<{ level: HandlerUrge["level"]; text: string; at: string; body: unknown }, { reason: string; at: string; body: unknown }> {
  /** the wire body as received */
  body: unknown;
}

export type SimNoticeStatus = "received" | "signed" | "reported" | "failed";

export interface SimHubCall {
  kind: "receipt" | "feedback";
  at: string;
  body: unknown;
  status: number;
  answer: unknown;
}

/** One notice (or revocation) as the simulated bureau holds it. */
export interface SimNotice {
  noticeId: string;
  revocation: boolean;
  revokes?: string;
  status: SimNoticeStatus;
  receivedAt: string;
  /** the wire body as received */
  body: unknown;
  /** 催签收/催反馈 received: the wire bodies */
  reminders: { of: "receipt" | "feedback"; at: string; body: unknown }[];
  /** what the simulator sent the hub, with the hub's answers */
  hubCalls: SimHubCall[];
  error?: string;
}

/**
 * A bureau's side of the notice exchange over real HTTP (kit/simulator.ts): it takes the bureau's
 * notices, revocations and reminders (checked against its contracts), records them, signs after
 * `receiptDelayMs` and reports feedback `feedbackDelayMs` later in the bureau's own format — or,
 * per notice or for all ("*"), stays silent, fails with 500, signs only, or reports a measure
 * undone. A reminder for a notice it has not yet answered makes it answer now (unless silent).
 * Over HTTP: POST /__sim/behaviour {noticeId?, silent?, fail?, noFeedback?, partial?} (no noticeId:
 * every notice), GET /__sim/notices (what it holds), and the base's /__sim/received and /__sim/mode.
 *
 * With a case line (`cases`) it also plays the bureau's units the way the unit simulator does: an
 * owner task is signed after `receiptDelayMs`, optionally followed by an extension request, and
 * replied `feedbackDelayMs` later, all in the bureau's format; a co-unit task (协办) is only
 * recorded; per unit ("*": every unit) it stays silent, fails with 500, refuses (退回) or replies with
 * another outcome (`setUnitBehaviour`, POST /__sim/unit-behaviour {unitId?, …}); urges and recalls
 * are recorded (a recall stops the work); GET /__sim/tasks lists the tasks.
 */
export class BureauSimulator<N = any> extends SimulatorServer {
  private readonly hub: HubLink;
  private readonly opts: BureauSimulatorOptions<N>;
  private readonly receiptDelayMs: number;
  private readonly feedbackDelayMs: number;
  private readonly behaviours: Record<string, BureauBehaviour>;
  private readonly log: (line: string) => void;
  private readonly state = new Map<string, SimNotice & { timers: Set<NodeJS.Timeout> }>();
  /** call-backs the hub accepted, and the notices whose answering failed: kept as they happen, for `tally` */
  private readonly accepted = { receipts: 0, feedback: 0 };
  private readonly failedNotices = new Set<string>();
  /** the units' tasks (the case line) */
  private readonly desk: TaskDesk<SimCaseTask>;
  private stopped = false;

  constructor(opts: BureauSimulatorOptions<N>) {
    super(opts.system, [
      ...opts.routes.map((r) => ({ method: "POST", path: r.path, handle: (req: SimRequest) => this.onMessage(r, req) })),
      ...(opts.cases?.routes ?? []).map((r) => ({ method: "POST", path: r.path, handle: (req: SimRequest) => this.onCaseMessage(r, req) })),
      { method: "POST", path: "/__sim/behaviour", handle: (req: SimRequest) => this.onBehaviour(req) },
      { method: "GET", path: "/__sim/notices", handle: () => ({ status: 200, body: this.notices() }) },
      { method: "POST", path: "/__sim/unit-behaviour", handle: (req: SimRequest) => this.onUnitBehaviour(req) },
      { method: "GET", path: "/__sim/tasks", handle: () => ({ status: 200, body: this.tasks() }) },
    ]);
    this.opts = opts;
    this.hub = new HubLink(opts.hubUrl, opts.apiKey);
    this.receiptDelayMs = opts.receiptDelayMs ?? 500;
    this.feedbackDelayMs = opts.feedbackDelayMs ?? 3000;
    this.behaviours = { ...(opts.behaviour ?? {}) };
    this.log = opts.log ?? (() => {});
    const cases = () => opts.cases!;
    this.desk = new TaskDesk<SimCaseTask>({
      hub: this.hub,
      who: (unitId) => `[${opts.label}·${unitId}]`,
      acceptDelayMs: this.receiptDelayMs,
      workMs: this.feedbackDelayMs,
      silenceStopsWork: true,
      log: this.log,
      title: (t) => t.title,
      handleDeadline: (t) => t.handleDeadline,
      replyText: (t, outcome) => replyText({ category: { path: t.category }, reporter: { confidential: t.confidential } }, outcome),
      hubPath: (t, kind) => `/api/v1/${opts.system}${caseAnswerPath(cases().hub, t.taskId, kind)}`,
      bodies: {
        accept: (t, at) => cases().acceptBody(t, at),
        result: (t, outcome, text, at) => cases().resultBody(t, outcome, text, at),
        extension: (t, until, reason) => cases().extensionBody(t, until, reason),
        refuse: (t, reason, legalBasis) => cases().refuseBody(t, reason, legalBasis),
      },
    });
  }

  setHub(url: string, apiKey?: string): void {
    this.hub.set(url, apiKey);
  }

  /** How one notice ("*": every notice without its own) is treated from now on; {} resets it. */
  setBehaviour(noticeId: string, behaviour: BureauBehaviour): void {
    this.behaviours[noticeId] = { ...behaviour };
  }

  /** How one unit's tasks ("*": every unit without its own) are treated from now on; {} resets it. */
  setUnitBehaviour(unitId: string, behaviour: CaseBehaviour): void {
    this.desk.setBehaviour(unitId, behaviour);
  }

  /** Every task received so far, oldest first (copies). */
  tasks(): SimCaseTask[] {
    return this.desk.tasks();
  }

  task(taskId: string): SimCaseTask | undefined {
    return this.desk.task(taskId);
  }

  /** Every notice received so far, oldest first (copies). */
  notices(): SimNotice[] {
    return [...this.state.values()].map((s) => this.view(s));
  }

  /** How many call-backs the hub accepted, and how many notices failed — without copying what is held (cheap enough to poll). */
  tally(): { receipts: number; feedback: number; failed: number } {
    return { ...this.accepted, failed: this.failedNotices.size };
  }

  notice(noticeId: string): SimNotice | undefined {
    const s = this.state.get(noticeId);
    return s && this.view(s);
  }

  /** What arrived on the bureau's own routes (not the /__sim controls). */
  messages(): Received[] {
    return this.received.filter((r) => !r.path.startsWith("/__sim/"));
  }

  override async start(port = 0, host = "127.0.0.1"): Promise<string> {
    this.stopped = false;
    this.desk.start();
    return super.start(port, host);
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.state.values()) for (const t of s.timers) clearTimeout(t);
    this.desk.stop();
    await super.stop();
  }

  // ---------------------------------------------------------------------------------------------

  private view(s: SimNotice & { timers: Set<NodeJS.Timeout> }): SimNotice {
    const { timers: _t, ...rest } = s;
    return structuredClone(rest);
  }

  private behaviourOf(noticeId: string): BureauBehaviour {
    return this.behaviours[noticeId] ?? this.behaviours["*"] ?? {};
  }

  private onBehaviour(req: SimRequest): SimResponse {
    const { noticeId, ...b } = (req.body ?? {}) as BureauBehaviour & { noticeId?: string };
    this.setBehaviour(typeof noticeId === "string" && noticeId ? noticeId : "*", b);
    return { status: 200, body: this.behaviours };
  }

  /** 400 for a body that does not match the bureau's contract, else undefined. */
  private invalid(schema: string, req: SimRequest): SimResponse | undefined {
    const v = validate(schema, req.body);
    if (v.ok) return undefined;
    this.log(`[${this.opts.label}] 拒收不合规报文 ${req.path}：${v.errors.map((e) => e.pointer).join(", ")}`);
    return simError(400, "VALIDATION_FAILED", `报文不符合接口约定，共 ${v.errors.length} 处错误`, `the body does not match the contract: ${v.errors.length} error(s)`, v.errors);
  }

  private onMessage(route: SimWireRoute, req: SimRequest): SimResponse {
    const invalid = this.invalid(route.schema, req);
    if (invalid) return invalid;
    const m = route.read(req.body, req.params);
    if (this.behaviourOf(m.noticeId).fail) {
      this.log(`[${this.opts.label}] ${m.noticeId} 模拟故障（HTTP 500）`);
      return simError(500, "SIMULATED_FAILURE", "模拟系统故障", "simulated failure");
    }
    return m.what === "notice" ? this.onNotice(m, req.body) : this.onReminder(m, req.body);
  }

  private onNotice(m: Extract<SimMessage, { what: "notice" }>, body: unknown): SimResponse {
    const prev = this.state.get(m.noticeId);
    if (prev && prev.status !== "failed") return { status: 200, body: { noticeId: m.noticeId, status: prev.status, duplicate: true } };
    if (prev) for (const t of prev.timers) clearTimeout(t);
    const s = {
      ...compact({ noticeId: m.noticeId, revocation: m.revocation, revokes: m.revokes }),
      status: "received" as SimNoticeStatus,
      receivedAt: new Date().toISOString(),
      body,
      reminders: prev?.reminders ?? [],
      hubCalls: prev?.hubCalls ?? [],
      timers: new Set<NodeJS.Timeout>(),
    } as SimNotice & { timers: Set<NodeJS.Timeout> };
    this.state.set(m.noticeId, s);
    this.failedNotices.delete(m.noticeId);
    this.log(`[${this.opts.label}] 收到${m.revocation ? `撤销抄告 ${m.noticeId}（撤销 ${m.revokes ?? "？"}）` : `抄告单 ${m.noticeId}`}`);
    if (this.behaviourOf(m.noticeId).silent) this.log(`[${this.opts.label}] ${m.noticeId} 不作应答（silent）`);
    else this.later(s, this.receiptDelayMs, () => this.sign(s));
    return { status: 200, body: { noticeId: m.noticeId, status: s.status } };
  }

  private onReminder(m: Extract<SimMessage, { what: "reminder" }>, body: unknown): SimResponse {
    const s = this.state.get(m.noticeId);
    if (!s) return simError(404, "NOTICE_NOT_FOUND", `没有抄告单 ${m.noticeId}`, `no notice ${m.noticeId}`);
    s.reminders.push({ of: m.of, at: new Date().toISOString(), body });
    this.log(`[${this.opts.label}] 收到${m.of === "receipt" ? "催签收" : "催反馈"}：${m.noticeId}`);
    const b = this.behaviourOf(m.noticeId);
    // answered now when nothing is on its way (e.g. the hub was unreachable when it first tried)
    if (!b.silent && !s.timers.size) {
      if (s.status === "received" || (s.status === "failed" && !s.hubCalls.some((c) => c.kind === "receipt" && c.status < 300))) this.later(s, 0, () => this.sign(s));
      else if (m.of === "feedback" && s.status !== "reported" && !b.noFeedback) this.later(s, 0, () => this.report(s));
    }
    return { status: 200, body: { noticeId: m.noticeId, status: s.status } };
  }

  private later(s: SimNotice & { timers: Set<NodeJS.Timeout> }, ms: number, fn: () => Promise<void>) {
    const t = setTimeout(() => {
      s.timers.delete(t);
      if (this.stopped || this.behaviourOf(s.noticeId).silent) return;
      fn().catch((e) => this.fail(s, (e as Error).message));
    }, ms);
    t.unref();
    s.timers.add(t);
  }

  private fail(s: SimNotice, why: string) {
    s.status = "failed";
    this.failedNotices.add(s.noticeId);
    s.error = why;
    this.log(`[${this.opts.label}] ${s.noticeId} 应答中断：${why}`);
  }

  private async toHub(s: SimNotice, kind: SimHubCall["kind"], body: unknown): Promise<boolean> {
    if (!this.hub.url) {
      this.fail(s, "未设置中枢地址（setHub） / hub URL not set");
      return false;
    }
    const res = await this.hub.post(`/api/v1/${this.opts.system}/notices/${encodeURIComponent(s.noticeId)}/${kind}`, body, () => !this.stopped);
    s.hubCalls.push({ kind, at: new Date().toISOString(), body, status: res.status, answer: res.body });
    const ok = res.status >= 200 && res.status < 300;
    if (ok) this.accepted[kind === "receipt" ? "receipts" : "feedback"]++;
    if (!ok) this.fail(s, `${kind === "receipt" ? "签收" : "反馈"}未被中枢接受：HTTP ${res.status}`);
    return ok;
  }

  private async sign(s: SimNotice & { timers: Set<NodeJS.Timeout> }) {
    if (!(await this.toHub(s, "receipt", this.opts.receiptBody(s.body as N, new Date().toISOString())))) return;
    s.status = "signed";
    this.failedNotices.delete(s.noticeId);
    this.log(`[${this.opts.label}] 签收${s.revocation ? "撤销抄告" : "抄告单"} ${s.noticeId}`);
    if (!this.behaviourOf(s.noticeId).noFeedback) this.later(s, this.feedbackDelayMs, () => this.report(s));
  }

  private async report(s: SimNotice) {
    const partial = this.behaviourOf(s.noticeId).partial === true;
    if (!(await this.toHub(s, "feedback", this.opts.feedbackBody(s.body as N, new Date().toISOString(), partial)))) return;
    s.status = "reported";
    this.failedNotices.delete(s.noticeId);
    this.log(`[${this.opts.label}] 反馈 ${s.noticeId} 措施落实情况${partial ? "（部分未落实）" : ""}`);
  }

  // ---------------------------------------------------------------------------------------------
  // The case line: the bureau's units and their tasks

  private onUnitBehaviour(req: SimRequest): SimResponse {
    const { unitId, ...b } = (req.body ?? {}) as CaseBehaviour & { unitId?: string };
    this.setUnitBehaviour(typeof unitId === "string" && unitId ? unitId : "*", b);
    return { status: 200, body: this.desk.behaviour };
  }

  private onCaseMessage(route: SimCaseRoute, req: SimRequest): SimResponse {
    const invalid = this.invalid(route.schema, req);
    if (invalid) return invalid;
    const m = route.read(req.body, req.params);
    const failing = this.desk.failing(m.what === "task" ? m.unitId : this.desk.held(m.taskId)?.unitId, m.taskId);
    if (failing) return failing;
    if (m.what === "task") {
      const { what: _w, ...reading } = m;
      return this.desk.receive(m.taskId, { ...reading, body: req.body });
    }
    const s = this.desk.held(m.taskId);
    if (!s) return simError(404, "TASK_NOT_FOUND", `没有任务 ${m.taskId}`, `no task ${m.taskId}`);
    const at = new Date().toISOString();
    if (m.what === "urge") return this.desk.urged(s, { level: m.level, text: m.text, at, body: req.body }, m.level, m.text);
    return this.desk.recalled(s, { reason: m.reason, at, body: req.body }, m.reason);
  }
}

// ---------------------------------------------------------------------------------------------
// For tests: the hub's side of a bureau's routes over HTTP

/** One call a bureau made to the hub stub: the path, the body sent, the answer and the hub call it became. */
export interface StubCall {
  path: string;
  body: unknown;
  status: number;
  answer: unknown;
  action?: string;
  params?: any;
}

/**
 * A stand-in for the hub's gateway for one bureau spec: POST /api/v1/<system>/notices/:noticeId/…
 * (and the case line's routes) goes through the spec's own route (its contract checked tolerantly,
 * then `handle`) with a recording hub that answers {noticeId, status: "received"} (a cases.* call
 * {caseId, status}); `refuse` may answer a status instead. POST /api/v1/batch (what kit/hub-link.ts
 * sends for posts made together) runs each item so, in item order, recorded as the call it stands
 * for, and answers one result per item.
 * For simulator tests: what a bureau's simulator sends ends as the credit call it means.
 */
export async function hubStub(spec: AdapterSpec, refuse: (action: string, params: any) => number | undefined = () => undefined): Promise<{ url: string; calls: StubCall[]; stop(): Promise<void> }> {
  const calls: StubCall[] = [];
  const routes = spec.routes.map((r) => ({ r, re: new RegExp(`^/api${spec.basePath}${r.path.replace(/:(\w+)/g, "(?<$1>[^/]+)")}$`) }));
  /** one call, alone or out of a batch: recorded with its answer and the hub call it became */
  const one = async (path: string, body: unknown): Promise<{ status: number; answer: unknown }> => {
    let call: { action: string; params: any } | undefined;
    const send = (status: number, answer: unknown) => {
      calls.push({ path, body, status, answer, ...call });
      return { status, answer };
    };
    const found = routes.map((x) => ({ ...x, m: x.re.exec(path) })).find((x) => x.m);
    if (!found) return send(404, { error: { code: "NOT_FOUND" } });
    const v = validateTolerant(found.r.schema, structuredClone(body));
    if (!v.ok) return send(422, { error: { code: "VALIDATION_FAILED", errors: v.errors } });
    const params = Object.fromEntries(Object.entries(found.m!.groups ?? {}).map(([k, x]) => [k, decodeURIComponent(x)]));
    const hub: HubPort = {
      async call<T>(action: string, p?: unknown): Promise<T> {
        call = { action, params: p };
        const status = refuse(action, p);
        if (status) throw Object.assign(new Error(`refused with ${status}`), { status });
        if (action.startsWith("cases.")) return { caseId: "TG-STUB-1", status: action === "cases.unitRefuse" ? "DISPATCHED" : "IN_PROGRESS" } as T;
        return { noticeId: (p as { noticeId?: string }).noticeId, status: "received" } as T;
      },
    };
    try {
      const out = await found.r.handle(v.value, params, hub);
      return send(out.status, out.body);
    } catch (e) {
      const x = e as { status?: number; code?: unknown };
      return send(x.status ?? (typeof x.code === "number" ? x.code : 500), { error: { message: (e as Error).message } });
    }
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = new URL(req.url ?? "/", "http://hub").pathname;
    const body: any = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
    let out: { status: number; answer: unknown };
    if (req.method === "POST" && path === HUB_BATCH_PATH && Array.isArray(body?.items)) {
      const results: { status: number; body: unknown }[] = [];
      for (const it of body.items as { path: string; body: unknown }[]) {
        const r = await one(new URL(it.path, "http://hub").pathname, it.body);
        results.push({ status: r.status, body: r.answer });
      }
      out = { status: 200, answer: { results } };
    } else out = await one(path, body);
    res.writeHead(out.status, { "content-type": "application/json" });
    res.end(JSON.stringify(out.answer));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
