/**
 * A bureau's wire as data (kit/bureau.ts is the exchange itself). What the three bureaus' formats
 * share is structure: a notice carries its number, its kind and the notice it revokes; a
 * reminder its notice, what is due, when, a text; a receipt who signed and when; a work order the
 * task's fields under the bureau's names (and codes); urges, recalls and the four answers their
 * few fields. A bureau describes its wire once — a `BureauWire` of field names (`"a.b"` inside an
 * object) and code tables — and the functions here read and write it, both for the adapter (the
 * builders and readers its spec uses) and for its simulator (the routes it takes, the answers it
 * writes). A bureau's mapping keeps only what is really its own: its field names and code words
 * (data), what it extracts from a case (plates, projects, lines) and its notice's measures.
 *
 *   bureauAdapter(wire, about)   the bureau's whole AdapterSpec (bureauSpec) from its wire, its own
 *                                builders/readers and the summaries
 *   bureauSimulator(wire, own)   its BureauSimulator: routes and the case line's answers from the wire
 */
import type { BureauNotice, HandlerRecall, HandlerTask, HandlerUrge, Outcome, ReceiptRequest } from "../contracts/types";
import type { AdapterSimulator, AdapterSpec, OutboundRequest, SimSettings } from "./adapter";
import {
  type BureauLine,
  BureauSimulator,
  type BureauSimulatorOptions,
  bureauSpec,
  type CaseAcceptReading,
  type CaseExtensionReading,
  type CaseHubPaths,
  type CaseLine,
  type CaseRefuseReading,
  type CaseResultReading,
  compact,
  type FeedbackReading,
  isRevocation,
  type ReceiptReading,
  reminderText,
  type SimCaseMessage,
  type SimCaseOptions,
  type SimCaseTask,
  type SimWireRoute,
  type UnitDirectory,
  type UnitInfo,
} from "./bureau";

// ---------------------------------------------------------------------------------------------
// Fields and codes

/** A wire field: its name (`"a.b"`: field b of object a), or how the value is read from the body. */
export type Field<V = unknown> = string | ((body: any) => V);

/** A code table: the hub's value and the bureau's code for it, one pair a line. */
export type CodeTable<V = unknown, C = unknown> = readonly (readonly [V, C])[];

/** The value at a field name (`"a.b"` looks inside a). */
export function fieldOf(body: unknown, name: string): any {
  return name.split(".").reduce<any>((o, k) => (o == null ? undefined : o[k]), body);
}

/** Sets a field (`"a.b"` inside a, made when missing); an undefined value sets nothing. */
export function setField(body: Record<string, unknown>, name: string, value: unknown): void {
  if (value === undefined) return;
  const keys = name.split(".");
  let o: Record<string, unknown> = body;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys.at(-1)!] = value;
}

/** A body from values and the field each goes into (`{taskId: "gdbh"}`): only the values that are defined. */
export function writeFields(fields: Record<string, string>, values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, name] of Object.entries(fields)) setField(body, name, values[k]);
  return body;
}

/** A reading from a body: each value from its field (a name, or a function of the body); the undefined ones left out. */
export function readFields<R>(fields: { [K in keyof R]?: Field<R[K]> }, body: unknown): R {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(fields) as [string, Field][]) out[k] = typeof f === "function" ? f(body) : fieldOf(body, f);
  return compact(out) as R;
}

/** The bureau's code of a hub value (its table has every value). */
export function encode<V, C>(table: CodeTable<V, C>, value: V): C {
  const f = table.find(([v]) => v === value);
  if (!f) throw new Error(`no wire code for ${String(value)} / 无对应代码`);
  return f[1];
}

/** The hub value of a bureau's code; `fallback` for a code the table does not have, else an error. */
export function decode<V, C>(table: CodeTable<V, C>, code: C, ...fallback: [V?]): V {
  const f = table.find(([, c]) => c === code);
  if (f) return f[0];
  if (fallback.length) return fallback[0] as V;
  throw new Error(`unknown code ${String(code)} / 未知代码`);
}

/** The hub's values in their order, for ordinal code tables: urgencies, urge levels, outcomes. */
export const URGENCIES = ["一般", "较急", "紧急"] as const satisfies readonly HandlerTask["urgency"][];
export const URGE_LEVELS = ["预警", "催办", "督办"] as const satisfies readonly HandlerUrge["level"][];
export const OUTCOMES = [0, 1, 2, 3] as const satisfies readonly Outcome[];

/** A table of ordinal codes: the values in order coded "1", "2", … (from `first`). */
export function numbered<V>(values: readonly V[], first = 1): CodeTable<V, string> {
  return values.map((v, i) => [v, String(first + i)] as const);
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------------------------------------
// The wire

/** The notice (抄告单 / 撤销抄告) as the bureau files it, and its reminders (催签收/催反馈). */
export interface NoticeWire {
  /** where the hub posts notices: "/txz/cgd" */
  path: string;
  /** the notice's number */
  noticeId: string;
  /** the kind: the field and its codes */
  kind: { field: string; notice: unknown; revocation: unknown };
  /** the number of the notice a revocation lifts */
  revokes: string;
}

/** 催签收/催反馈: POST <notice path>/<noticeId>/<action>. */
export interface ReminderWire {
  action: string;
  noticeId: string;
  /** what is due: the field and its codes */
  what: { field: string; receipt: unknown; feedback: unknown };
  dueAt: string;
  text: string;
  sentAt: string;
  /** the bureau's word for the notice in the default text: 「请于 … 前签收<noun> NT-1」 */
  noun: string;
}

/** The values of a task a bureau's work order carries, by name (`taskValues`). */
export interface TaskValues {
  taskId: string;
  caseId: string;
  role: HandlerTask["role"];
  rework: number;
  unitId: string;
  /** absent when the city data has no name for the unit */
  unitName?: string;
  title: string;
  content: string;
  appealType: HandlerTask["appealType"];
  /** the category path joined with "/" */
  category: string;
  categoryCode?: string;
  address: string;
  districtCode?: string;
  street?: string;
  community?: string;
  gridCode?: string;
  lng?: number;
  lat?: number;
  urgency: HandlerTask["urgency"];
  signDeadline?: string;
  handleDeadline?: string;
  confidential: boolean;
  reporterName?: string;
  reporterPhone?: string;
  note?: string;
  sentAt: string;
}

/** The case line's wire: work orders, urges and recalls out; 签收, 办结, 延期, 退回 back. */
export interface CaseWire {
  /** where the hub posts tasks: "/jqgd"; urges and recalls go to <path>/<taskId>/<action> */
  path: string;
  /** where the bureau answers, under /api/v1/<system> */
  hub: CaseHubPaths;
  /** the field of each task value */
  task: Record<keyof TaskValues, string>;
  /** 预警/催办/督办: its action and fields (the task and case by the task's own fields unless named) */
  urge: { action: string; taskId?: string; caseId?: string; level: string; text: string; at: string };
  /** 撤回: likewise */
  recall: { action: string; taskId?: string; caseId?: string; reason: string; at: string };
  /** the unit's code in every answer */
  unitId: string;
  accept: { handler?: Field<string | undefined>; at: Field<string | undefined> };
  result: {
    /** the field of the outcome code (codes.outcome) */
    outcome: string;
    text: Field<string>;
    /** a note the bureau adds to its text: 「text（label：note）」 when given */
    note?: { field: string; label: string };
    handler?: Field<string | undefined>;
    at: Field<string | undefined>;
  };
  extension: { until: string; reason: string };
  refuse: { reason: string; legalBasis: string };
  codes: {
    role: CodeTable<HandlerTask["role"]>;
    urgency: CodeTable<HandlerTask["urgency"]>;
    urge: CodeTable<HandlerUrge["level"]>;
    outcome: CodeTable<Outcome>;
    /** 保密: the bureau's codes for true/false (none: the boolean itself) */
    confidential?: CodeTable<boolean>;
  };
}

/** A bureau's whole wire. */
export interface BureauWire {
  /** the adapter's system; its contracts are tongguan:<system>/<name> */
  system: string;
  notice: NoticeWire;
  reminder: ReminderWire;
  /** who signed and when */
  receipt: { signer?: Field<string | undefined>; department?: Field<string | undefined>; at: Field<string | undefined> };
  cases?: CaseWire;
}

/** The contracts of a bureau: tongguan:<system>/notice, reminder, receipt, feedback. */
export function bureauSchemas(system: string) {
  const s = (name: string) => `tongguan:${system}/${name}`;
  return { notice: s("notice"), reminder: s("reminder"), receipt: s("receipt"), feedback: s("feedback") };
}

/** The contracts of its case line: tongguan:<system>/case-task, case-urge, … */
export function caseSchemas(system: string) {
  const s = (name: string) => `tongguan:${system}/case-${name}`;
  return { task: s("task"), urge: s("urge"), recall: s("recall"), accept: s("accept"), result: s("result"), extension: s("extension"), refuse: s("refuse") };
}

// ---------------------------------------------------------------------------------------------
// The adapter's side: builders and readers

/** The head of a notice body: its number, its kind's code and the notice it revokes. */
export function noticeHead(w: NoticeWire, n: BureauNotice): Record<string, unknown> {
  return compact({ [w.noticeId]: n.noticeId, [w.kind.field]: isRevocation(n) ? w.kind.revocation : w.kind.notice, [w.revokes]: n.revokes });
}

/** 催签收/催反馈 → POST <notice path>/<noticeId>/<action>. */
export function buildReminder(w: BureauWire, r: ReceiptRequest): OutboundRequest {
  const m = w.reminder;
  return {
    method: "POST",
    path: `${w.notice.path}/${enc(r.noticeId)}/${m.action}`,
    body: { [m.noticeId]: r.noticeId, [m.what.field]: m.what[r.what], [m.dueAt]: r.dueAt, [m.text]: reminderText(r, m.noun), [m.sentAt]: r.sentAt },
  };
}

/** 签收: who signed and when. */
export function readReceipt(w: BureauWire, b: unknown): ReceiptReading {
  return readFields<ReceiptReading>(w.receipt, b);
}

/** A task's values by name, for the target unit. */
export function taskValues(t: HandlerTask, unit: UnitInfo): TaskValues {
  const l = t.location;
  return {
    taskId: t.taskId,
    caseId: t.caseId,
    role: t.role,
    rework: t.rework,
    unitId: unit.id,
    unitName: unit.name !== unit.id ? unit.name : undefined,
    title: t.title,
    content: t.content,
    appealType: t.appealType,
    category: t.category.path.join("/"),
    categoryCode: t.category.code ?? undefined,
    address: l.address,
    districtCode: l.districtCode,
    street: l.street,
    community: l.community,
    gridCode: l.gridCode,
    lng: l.lng,
    lat: l.lat,
    urgency: t.urgency,
    signDeadline: t.signDeadline ?? undefined,
    handleDeadline: t.handleDeadline ?? undefined,
    confidential: t.reporter.confidential,
    reporterName: t.reporter.name,
    reporterPhone: t.reporter.phone,
    note: t.note,
    sentAt: t.sentAt,
  };
}

/** 派发工单 → POST <path>: the task's values in the bureau's fields and codes, with what the bureau's own builder extracted (`own`). */
export function buildTask(w: CaseWire, t: HandlerTask, unit: UnitInfo, own: Record<string, unknown> = {}): OutboundRequest {
  const v = taskValues(t, unit);
  const coded = {
    ...v,
    role: encode(w.codes.role, v.role),
    urgency: encode(w.codes.urgency, v.urgency),
    confidential: w.codes.confidential ? encode(w.codes.confidential, v.confidential) : v.confidential,
  };
  return { method: "POST", path: w.path, body: { ...writeFields(w.task, coded), ...compact(own) } };
}

/** The fields of the task and case numbers (an urge's and a recall's, unless they name others). */
const ids = (w: CaseWire) => ({ taskId: w.task.taskId, caseId: w.task.caseId });

/** 预警/催办/督办 → POST <path>/<taskId>/<urge action>. */
export function buildUrge(w: CaseWire, u: HandlerUrge): OutboundRequest {
  const { action, ...fields } = { ...ids(w), ...w.urge };
  return {
    method: "POST",
    path: `${w.path}/${enc(u.taskId)}/${action}`,
    body: writeFields(fields, { taskId: u.taskId, caseId: u.caseId, level: encode(w.codes.urge, u.level), text: u.text, at: u.urgedAt }),
  };
}

/** 撤回 → POST <path>/<taskId>/<recall action>. */
export function buildRecall(w: CaseWire, r: HandlerRecall): OutboundRequest {
  const { action, ...fields } = { ...ids(w), ...w.recall };
  return { method: "POST", path: `${w.path}/${enc(r.taskId)}/${action}`, body: writeFields(fields, { taskId: r.taskId, caseId: r.caseId, reason: r.reason, at: r.recalledAt }) };
}

/** 「text（label：note）」 when the note is there, else the text. */
function withNote(text: string, note: string | undefined, label: string): string {
  return note?.trim() ? `${text.trim()}（${label}：${note.trim()}）` : text;
}

/** The four answers read into the kit's readings (kit/bureau.ts toCase…Params turns them into the cases.* params). */
export function caseReaders(w: CaseWire) {
  const unitId = w.unitId;
  const r = w.result;
  return {
    accept: (b: any): CaseAcceptReading => readFields<CaseAcceptReading>({ unitId, ...w.accept }, b),
    result: (b: any): CaseResultReading =>
      readFields<CaseResultReading>(
        {
          unitId,
          outcome: (x) => decode(w.codes.outcome, fieldOf(x, r.outcome)),
          text: (x) => {
            const text = typeof r.text === "function" ? r.text(x) : fieldOf(x, r.text);
            return r.note ? withNote(text, fieldOf(x, r.note.field), r.note.label) : text;
          },
          handler: r.handler,
          at: r.at,
        },
        b,
      ),
    extension: (b: any): CaseExtensionReading => readFields<CaseExtensionReading>({ unitId, ...w.extension }, b),
    refuse: (b: any): CaseRefuseReading => readFields<CaseRefuseReading>({ unitId, ...w.refuse }, b),
  };
}

// ---------------------------------------------------------------------------------------------
// The whole spec

type Summaries<K extends string> = Record<K, string>;

/** What a bureau's spec says beyond its wire: titles, summaries, its own builders and readers, its simulator. */
export interface BureauAbout<F> {
  title: string;
  /** the Chinese label of its caller role */
  callerLabel: string;
  urlExample: string;
  /** its 条线 tag (default: the system) */
  bureau?: string;
  /** summaries of the receipt route and the reminder command (both read/built from the wire) */
  receipt: string;
  receiptRequest: string;
  feedback: { summary: string; needs?: { fields: string[]; zh: string; en: string }[]; read(body: F): FeedbackReading };
  notice: { summary: string; build(n: BureauNotice): OutboundRequest };
  /** the case line (with `wire.cases`): the task builder (the bureau's own extraction) and the summaries */
  cases?: { task: { summary: string; build(t: HandlerTask, unit: UnitInfo, units: UnitDirectory): OutboundRequest } } & Summaries<"urge" | "recall" | "accept" | "result" | "extension" | "refuse">;
  /** its simulator, given the hub's simulator settings */
  simulator(opts: BureauSimSettings): AdapterSimulator;
}

/** A bureau's AdapterSpec from its wire and what is its own. */
export function bureauAdapter<F>(w: BureauWire, about: BureauAbout<F>): AdapterSpec {
  const schema = bureauSchemas(w.system);
  let cases: CaseLine | undefined;
  if (w.cases && about.cases) {
    const cw = w.cases;
    const c = about.cases;
    const cs = caseSchemas(w.system);
    const read = caseReaders(cw);
    cases = {
      hub: cw.hub,
      task: { schema: cs.task, summary: c.task.summary, build: c.task.build },
      urge: { schema: cs.urge, summary: c.urge, build: (u) => buildUrge(cw, u) },
      recall: { schema: cs.recall, summary: c.recall, build: (r) => buildRecall(cw, r) },
      accept: { schema: cs.accept, summary: c.accept, read: read.accept },
      result: { schema: cs.result, summary: c.result, read: read.result },
      extension: { schema: cs.extension, summary: c.extension, read: read.extension },
      refuse: { schema: cs.refuse, summary: c.refuse, read: read.refuse },
    };
  }
  const line: BureauLine<unknown, F> = {
    system: w.system,
    title: about.title,
    bureau: about.bureau ?? w.system,
    callerLabel: about.callerLabel,
    urlExample: about.urlExample,
    receipt: { schema: schema.receipt, summary: about.receipt, read: (b) => readReceipt(w, b) },
    feedback: { schema: schema.feedback, ...about.feedback },
    notice: { schema: schema.notice, ...about.notice },
    receiptRequest: { schema: schema.reminder, summary: about.receiptRequest, build: (r) => buildReminder(w, r) },
    cases,
    simulator: (s: SimSettings, log) => about.simulator({ receiptDelayMs: s.unitAcceptMs, feedbackDelayMs: s.unitWorkMs, log }),
  };
  return bureauSpec(line);
}

// ---------------------------------------------------------------------------------------------
// The simulator's side

/** What a bureau's simulator is started with (the rest comes from its wire and its own bodies). */
export type BureauSimSettings = Pick<BureauSimulatorOptions, "hubUrl" | "apiKey" | "receiptDelayMs" | "feedbackDelayMs" | "behaviour" | "log">;

/** The notice and reminder routes of a bureau's simulator, read by the wire. */
export function simNoticeRoutes(w: BureauWire): SimWireRoute[] {
  const n = w.notice;
  const m = w.reminder;
  const schema = bureauSchemas(w.system);
  return [
    {
      path: n.path,
      schema: schema.notice,
      read: (b) => ({
        what: "notice",
        noticeId: fieldOf(b, n.noticeId),
        revocation: fieldOf(b, n.kind.field) === n.kind.revocation,
        ...(fieldOf(b, n.revokes) ? { revokes: fieldOf(b, n.revokes) } : {}),
      }),
    },
    {
      path: `${n.path}/:noticeId/${m.action}`,
      schema: schema.reminder,
      read: (b) => ({ what: "reminder", noticeId: fieldOf(b, m.noticeId), of: fieldOf(b, m.what.field) === m.what.receipt ? "receipt" : "feedback" }),
    },
  ];
}

/** What the simulated bureau reads of a work order, by the wire. */
export function simTaskReading(w: CaseWire, b: unknown): Extract<SimCaseMessage, { what: "task" }> {
  const f = (k: keyof TaskValues) => fieldOf(b, w.task[k]);
  const deadline = f("handleDeadline");
  return {
    what: "task",
    taskId: f("taskId"),
    caseId: f("caseId"),
    unitId: f("unitId"),
    role: decode(w.codes.role, f("role"), "co"),
    rework: f("rework"),
    title: f("title"),
    category: String(f("category")).split("/"),
    confidential: w.codes.confidential ? decode(w.codes.confidential, f("confidential"), false) : f("confidential"),
    ...(deadline ? { handleDeadline: deadline } : {}),
  };
}

/** The bodies of 签收 and 办结 the simulated bureau writes (its own: who signs, what it did); 延期 and 退回 come from the wire. */
export interface SimCaseAnswers {
  acceptBody(t: SimCaseTask, at: string): unknown;
  resultBody(t: SimCaseTask, outcome: Outcome, text: string, at: string): unknown;
}

/** The case line of a bureau's simulator: its routes (work orders, urges, recalls) and the 延期/退回 bodies by the wire, its own 签收/办结 bodies. */
export function simCaseOptions(system: string, w: CaseWire, own: SimCaseAnswers): SimCaseOptions {
  const cs = caseSchemas(system);
  const urge = { ...ids(w), ...w.urge };
  const recall = { ...ids(w), ...w.recall };
  return {
    hub: w.hub,
    routes: [
      { path: w.path, schema: cs.task, read: (b) => simTaskReading(w, b) },
      {
        path: `${w.path}/:taskId/${urge.action}`,
        schema: cs.urge,
        read: (b) => ({ what: "urge", taskId: fieldOf(b, urge.taskId), level: decode(w.codes.urge, fieldOf(b, urge.level)), text: fieldOf(b, urge.text) }),
      },
      { path: `${w.path}/:taskId/${recall.action}`, schema: cs.recall, read: (b) => ({ what: "recall", taskId: fieldOf(b, recall.taskId), reason: fieldOf(b, recall.reason) }) },
    ],
    ...own,
    extensionBody: (t, until, reason) => writeFields({ unitId: w.unitId, ...w.extension }, { unitId: t.unitId, until, reason }),
    refuseBody: (t, reason, legalBasis) => writeFields({ unitId: w.unitId, ...w.refuse }, { unitId: t.unitId, reason, legalBasis }),
  };
}

/** What is a bureau simulator's own: its name in the log, its receipt and feedback bodies, its case answers. */
export interface BureauSimOwn<N> {
  label: string;
  receiptBody(notice: N, at: string): unknown;
  feedbackBody(notice: N, at: string, partial: boolean): unknown;
  cases?: SimCaseAnswers;
}

/** A bureau's simulator: its routes and case line from the wire, its own bodies, the settings. */
export function bureauSimulator<N>(w: BureauWire, own: BureauSimOwn<N>, settings: BureauSimSettings = {}): BureauSimulator<N> {
  const cases = w.cases && own.cases ? simCaseOptions(w.system, w.cases, own.cases) : undefined;
  return new BureauSimulator<N>({ system: w.system, label: own.label, routes: simNoticeRoutes(w), receiptBody: own.receiptBody, feedbackBody: own.feedbackBody, cases, ...settings });
}
