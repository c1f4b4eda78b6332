/**
 * Data access for the `cases` service (its own tables, plus the rows it queues in the shared
 * outbox): row → canonical view, the one-statement read of a case with its tasks, and the writer
 * that keeps a change, its timeline events, its tasks and its outbound messages together.
 */
import { getTableColumns } from "drizzle-orm";
import type { Case, CaseEvent, CaseStatus } from "../contracts/types";
import type { CommandName, OutboundCommand } from "../kit/adapter";
import { newId } from "../lib/ids";
import { maskReporter } from "../lib/mask";
import { type CaseAttachment, cases, type caseEvents, type caseTasks } from "./cases.tables";
import { OUTBOX_INSERT, OutboxBatch } from "./outbox";
import { Coalescer, camel, json, snake, type Row, type Sql } from "./sql";

export type CaseRow = typeof cases.$inferSelect;
export type TaskRow = typeof caseTasks.$inferSelect;

export interface Actor {
  kind: "system" | "handler" | "agent" | "hub";
  id?: string;
}

export interface UnitRef {
  unitId: string;
  unitName: string;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The canonical Case as agents and engineers see it: the reporter is always masked. */
export function caseView(r: CaseRow): Case {
  const view: Case = {
    id: r.id,
    origin: { system: r.originSystem as Case["origin"]["system"], externalId: r.externalId, ...(r.channel ? { channel: r.channel } : {}) },
    appealType: r.appealType as Case["appealType"],
    category: { code: r.categoryCode, path: r.categoryPath },
    title: r.title,
    content: r.content,
    location: r.location as Case["location"],
    reporter: maskReporter(r.reporter),
    urgency: r.urgency as Case["urgency"],
    receivedAt: r.receivedAt.toISOString(),
    signDeadline: iso(r.signDeadline),
    handleDeadline: iso(r.handleDeadline),
    status: r.status as CaseStatus,
    owner: r.ownerUnitId ? { unitId: r.ownerUnitId, unitName: r.ownerUnitName ?? r.ownerUnitId } : null,
    coUnits: r.coUnits,
    routing: (r.routing as Case["routing"]) ?? null,
    ...(r.masterId && r.merge ? { merge: { masterId: r.masterId, ...(r.merge as Record<string, unknown>) } as NonNullable<Case["merge"]> } : {}),
    ...(r.cityManagement ? { cityManagement: r.cityManagement as unknown as NonNullable<Case["cityManagement"]> } : {}),
    outcome: (r.outcome as Case["outcome"]) ?? null,
    replyText: r.replyText,
    satisfaction: (r.satisfaction as Case["satisfaction"]) ?? null,
    reworkCount: r.reworkCount,
    urgeCount: r.urgeCount,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
  if (view.reporter.name === undefined) delete view.reporter.name;
  if (view.reporter.phone === undefined) delete view.reporter.phone;
  return view;
}

export function eventView(e: typeof caseEvents.$inferSelect): CaseEvent {
  return {
    id: e.id,
    caseId: e.caseId,
    type: e.type as CaseEvent["type"],
    at: e.at.toISOString(),
    actor: { kind: e.actorKind as CaseEvent["actor"]["kind"], ...(e.actorId ? { id: e.actorId } : {}) },
    fromStatus: (e.fromStatus as CaseStatus) ?? null,
    toStatus: (e.toStatus as CaseStatus) ?? null,
    summary: e.summary,
    ...(e.data ? { data: e.data } : {}),
  };
}

/** The task body a unit receives (adapters/unit contract `task`); a confidential reporter is left out. */
export function taskPayload(c: CaseRow, taskId: string, role: "owner" | "co", round: number, note: string | undefined, now: Date) {
  const loc = c.location as Record<string, unknown>;
  const location: Record<string, unknown> = {};
  for (const k of ["address", "districtCode", "street", "community", "gridCode", "lng", "lat"]) if (loc[k] !== undefined) location[k] = loc[k];
  const reporter = maskReporter(c.reporter, true);
  return {
    taskId,
    caseId: c.id,
    role,
    rework: round,
    title: c.title,
    content: c.content,
    appealType: c.appealType,
    category: { path: c.categoryPath, code: c.categoryCode },
    location,
    urgency: c.urgency,
    signDeadline: iso(c.signDeadline),
    handleDeadline: iso(c.handleDeadline),
    reporter: Object.fromEntries(Object.entries(reporter).filter(([, v]) => v !== undefined)),
    ...(c.cityManagement ? { cityManagement: c.cityManagement } : {}),
    ...(c.attachments?.length ? { attachments: c.attachments.slice(-MAX_ATTACHMENTS_SENT) } : {}),
    ...(note ? { note } : {}),
    sentAt: now.toISOString(),
  };
}

/** at most this many photos go with one outbound message (the latest; the contracts' maxItems) */
export const MAX_ATTACHMENTS_SENT = 60;

/** Photo URLs of one message as the case keeps them: each with its step, sender and time. */
export function attachmentsOf(urls: readonly string[] | undefined, kind: CaseAttachment["kind"], by: string, at: string): CaseAttachment[] {
  return [...new Set(urls ?? [])].map((url) => ({ url, kind, by, at }));
}

const CASE_COLUMNS = Object.values(getTableColumns(cases)).map((c) => c.name);
/** what a change may patch (identity, origin and received content never change) */
const MUTABLE = [
  "status",
  "owner_unit_id",
  "owner_unit_name",
  "co_units",
  "routing",
  "outcome",
  "reply_text",
  "satisfaction",
  "rework_count",
  "urge_count",
  "triage_since",
  "sign_urged_at",
  "overdue_urged_at",
  "deadline_warned_at",
  "supervised_at",
  "master_id",
  "merge",
  "attachments",
  "handle_deadline",
  "city_code",
  "category_code",
];
const TASK_COLUMNS = "id, case_id, unit_id, unit_name, role, round, status, created_at, updated_at";
const EVENT_COLUMNS = "case_id, type, at, actor_kind, actor_id, from_status, to_status, summary, data";

/** A case and its tasks, read in one statement. */
export interface LoadedCase {
  c: CaseRow;
  tasks: TaskRow[];
}

export type CaseRef = { id: string } | { system: string; externalId: string } | { taskId: string };

const TASKS_OF = `coalesce((SELECT json_agg(t ORDER BY t.created_at, t.id) FROM case_tasks t WHERE t.case_id = c.id), '[]'::json) AS tasks`;
/** Reads of many cases at once (group commit's read side): each answers its rows with the key it was asked by. */
const LOAD_BY_ID = `SELECT c.*, x.k AS _k, ${TASKS_OF} FROM unnest($1::text[]) AS x(k) JOIN cases c ON c.id = x.k`;
const LOAD_BY_TASK = `SELECT c.*, x.k AS _k, ${TASKS_OF} FROM unnest($1::text[]) AS x(k) JOIN case_tasks t0 ON t0.id = x.k JOIN cases c ON c.id = t0.case_id`;
const LOAD_BY_ORIGIN = `SELECT c.*, x.s || chr(31) || x.e AS _k, ${TASKS_OF} FROM unnest($1::text[], $2::text[]) AS x(s, e) JOIN cases c ON c.origin_system = x.s AND c.external_id = x.e`;

function toLoaded(r: Row): LoadedCase {
  const { tasks, _k, ...row } = r;
  const parsed = (typeof tasks === "string" ? JSON.parse(tasks) : tasks) as Row[];
  return {
    c: camel<CaseRow>(row),
    tasks: parsed.map((t) => ({ ...camel<TaskRow>(t), createdAt: new Date(t.created_at), updatedAt: new Date(t.updated_at) })),
  };
}

/** keys → rows by their `_k`, in the order asked (undefined where there is none) */
const byKey = (keys: string[], rows: Row[]) => {
  const m = new Map(rows.map((r) => [r._k as string, r]));
  return keys.map((k) => m.get(k));
};

interface Loaders {
  byId: Coalescer<string, Row | undefined>;
  byTask: Coalescer<string, Row | undefined>;
  byOrigin: Coalescer<{ system: string; externalId: string }, Row | undefined>;
}
const loaders = new WeakMap<Sql, Loaders>();
function loadersOf(sql: Sql): Loaders {
  let l = loaders.get(sql);
  if (!l) {
    l = {
      byId: new Coalescer(async (ids) => byKey(ids, await sql.query(LOAD_BY_ID, [ids]))),
      byTask: new Coalescer(async (ids) => byKey(ids, await sql.query(LOAD_BY_TASK, [ids]))),
      byOrigin: new Coalescer(async (refs) =>
        byKey(
          refs.map((r) => `${r.system}\u001f${r.externalId}`),
          await sql.query(LOAD_BY_ORIGIN, [refs.map((r) => r.system), refs.map((r) => r.externalId)]),
        ),
      ),
    };
    loaders.set(sql, l);
  }
  return l;
}

/**
 * The cases this process wrote last, as it wrote them (case row with its version, and its
 * tasks): a step on a case this process just changed needs no read. It is only a guess about
 * the store — every write is still guarded by the version it was planned on, so a case changed
 * elsewhere meanwhile makes the write do nothing and the caller plans again from a fresh read
 * (`forget`), and a refusal planned on a cached copy is checked again against a fresh read.
 */
class CaseCache {
  private readonly cases = new Map<string, LoadedCase>();
  private readonly byTask = new Map<string, string>();
  private readonly byOrigin = new Map<string, string>();
  constructor(private readonly max = 5000) {}

  idOf(ref: CaseRef): string | undefined {
    return "id" in ref ? ref.id : "taskId" in ref ? this.byTask.get(ref.taskId) : this.byOrigin.get(`${ref.system}\u001f${ref.externalId}`);
  }
  get(ref: CaseRef): LoadedCase | undefined {
    const id = this.idOf(ref);
    return id === undefined ? undefined : this.cases.get(id);
  }
  put(l: LoadedCase): void {
    const id = l.c.id;
    this.cases.delete(id); // re-insert: Map order is the eviction order
    this.cases.set(id, l);
    this.byOrigin.set(`${l.c.originSystem}\u001f${l.c.externalId}`, id);
    for (const t of l.tasks) this.byTask.set(t.id, id);
    while (this.cases.size > this.max) {
      const [old, gone] = this.cases.entries().next().value as [string, LoadedCase];
      this.cases.delete(old);
      this.byOrigin.delete(`${gone.c.originSystem}\u001f${gone.c.externalId}`);
      for (const t of gone.tasks) this.byTask.delete(t.id);
    }
  }
  forget(ref: CaseRef): void {
    const id = this.idOf(ref);
    if (id !== undefined) this.cases.delete(id);
  }
}
const caches = new WeakMap<Sql, CaseCache>();
const cacheOf = (sql: Sql) => {
  let c = caches.get(sql);
  if (!c) caches.set(sql, (c = new CaseCache()));
  return c;
};

/** A case and its tasks: as this process last wrote it, else read (concurrent reads are made together). */
export async function loadCase(sql: Sql, ref: CaseRef, opts: { fresh?: boolean } = {}): Promise<(LoadedCase & { cached: boolean }) | undefined> {
  const cache = cacheOf(sql);
  if (!opts.fresh) {
    const hit = cache.get(ref);
    if (hit) return { ...hit, cached: true };
  }
  const l = loadersOf(sql);
  const row = "id" in ref ? await l.byId.push(ref.id) : "taskId" in ref ? await l.byTask.push(ref.taskId) : await l.byOrigin.push({ system: ref.system, externalId: ref.externalId });
  if (!row) return undefined;
  const loaded = toLoaded(row);
  cache.put(loaded);
  return { ...loaded, cached: false };
}

/** The cached copy of a case is not to be trusted any more (its write found another version). */
export function forgetCase(sql: Sql, ref: CaseRef): void {
  cacheOf(sql).forget(ref);
}

/**
 * Collects everything one change writes — the case patch, timeline events, tasks and outbound
 * messages — and writes it as ONE statement guarded by the version the case was read at
 * (optimistic concurrency: a concurrent change makes it write nothing, and the caller retries).
 */
export class CaseWriter {
  readonly now = new Date();
  readonly out: OutboxBatch;
  private readonly events: Row[] = [];
  private readonly newTasks: Row[] = [];
  private readonly taskUpdates: { id: string; status: string }[] = [];
  patch: Partial<CaseRow> = {};

  constructor(
    readonly c: CaseRow,
    readonly tasks: TaskRow[],
    readonly actor: Actor,
  ) {
    this.out = new OutboxBatch({ type: "case", id: c.id }, this.now);
  }

  get status(): CaseStatus {
    return (this.patch.status ?? this.c.status) as CaseStatus;
  }

  event(type: CaseEvent["type"], summary: string, data?: Record<string, unknown>, from?: CaseStatus | null, to?: CaseStatus | null, actor: Actor = this.actor) {
    this.events.push({ case_id: this.c.id, type, at: this.now, actor_kind: actor.kind, actor_id: actor.id ?? null, from_status: from ?? null, to_status: to ?? null, summary, data: data ?? null });
  }

  /** A message to whoever raised the case, if that system takes the command (its adapter decides the wire format). */
  toOrigin(command: CommandName, payload: Record<string, unknown>): string | null {
    return this.out.send(command, { origin: this.c.originSystem }, { externalId: this.c.externalId, ...payload });
  }

  /** A message to a system in its source role that is not this case's origin (e.g. 核查 to the grid system). */
  toSystem(system: string, command: CommandName, payload: Record<string, unknown>): string | null {
    return this.out.send(command, { origin: system }, payload);
  }

  /** A message to a handling unit, through the adapter that serves it. */
  toUnit(command: CommandName, unitId: string, payload: Record<string, unknown>): string | null {
    return this.out.send(command, { target: unitId }, payload);
  }

  /** 照片: photos a message carried, kept on the case (after those it has) */
  attach(list: CaseAttachment[]): void {
    if (!list.length) return;
    const had = this.patch.attachments ?? this.c.attachments ?? [];
    this.patch.attachments = [...had, ...list.filter((a) => !had.some((h) => h.url === a.url && h.kind === a.kind))];
  }

  newTask(unit: UnitRef, role: "owner" | "co", round: number, note?: string): string {
    const id = newId("TK", this.now);
    this.newTasks.push({ id, case_id: this.c.id, unit_id: unit.unitId, unit_name: unit.unitName, role, round, status: "sent", created_at: this.now, updated_at: this.now });
    const merged = { ...this.c, ...this.patch } as CaseRow;
    this.toUnit("task", unit.unitId, taskPayload(merged, id, role, round, note, this.now));
    return id;
  }

  setTask(id: string, status: string) {
    this.taskUpdates.push({ id, status });
  }

  /** a task this change already settled (e.g. the refused one): dispatch leaves it alone */
  settled(id: string): boolean {
    return this.taskUpdates.some((u) => u.id === id);
  }

  /** the case's tasks still open (sent or accepted), as read */
  openTasks(): TaskRow[] {
    return this.tasks.filter((t) => t.status === "sent" || t.status === "accepted");
  }

  /** Writes the change; returns the messages to hand off, or null when the case moved meanwhile. */
  async flush(sql: Sql): Promise<OutboundCommand[] | null> {
    const rows = await sql.query(CHANGE, [this.c.id, json(snake(this.patch)), this.now, this.c.version, json(this.taskUpdates), json(this.newTasks), json(this.events), json(this.out.rows)]);
    if (!rows[0] || Number(rows[0].updated) !== 1) {
      forgetCase(sql, { id: this.c.id });
      return null;
    }
    this.remember(sql, { ...this.c, ...this.patch, updatedAt: this.now, version: this.c.version + 1 });
    return this.out.claimed(parseJson(rows[0].out));
  }

  /** Writes a new case with everything its arrival causes; null when (origin, external id) exists. */
  async insert(sql: Sql): Promise<OutboundCommand[] | null> {
    const row: Row = {};
    const full = snake({ ...this.c, ...this.patch, updatedAt: this.now, createdAt: this.now });
    for (const col of CASE_COLUMNS) row[col] = full[col] ?? null;
    const rows = await sql.query(INSERT, [json(row), json(this.newTasks), json(this.events), json(this.out.rows)]);
    if (!rows[0]?.id) return null;
    this.remember(sql, { ...this.c, ...this.patch, updatedAt: this.now, createdAt: this.now });
    return this.out.claimed(parseJson(rows[0].out));
  }

  /** The case and its tasks as this write left them, for the next step's plan. */
  private remember(sql: Sql, c: CaseRow): void {
    const updates = new Map(this.taskUpdates.map((u) => [u.id, u.status]));
    const tasks = [...this.tasks.map((t) => (updates.has(t.id) ? { ...t, status: updates.get(t.id)!, updatedAt: this.now } : t)), ...this.newTasks.map((t) => camel<TaskRow>(t))];
    cacheOf(sql).put({ c, tasks });
  }
}

const parseJson = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v) as { id: string; status: string }[];

const CHILDREN = (gate: string, tasks: string, events: string, out: string) => `
  ti AS (INSERT INTO case_tasks (${TASK_COLUMNS}) SELECT ${TASK_COLUMNS.split(", ")
    .map((c) => `x.${c}`)
    .join(", ")} FROM jsonb_populate_recordset(NULL::case_tasks, ${tasks}::jsonb) x, ${gate} RETURNING 1),
  e AS (INSERT INTO case_events (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS.split(", ")
    .map((c) => `x.${c}`)
    .join(", ")} FROM jsonb_populate_recordset(NULL::case_events, ${events}::jsonb) x, ${gate} RETURNING 1),
  o AS (${OUTBOX_INSERT(out, gate)})`;

const CHANGE = `WITH u AS (
    UPDATE cases c SET (${MUTABLE.join(", ")}) = (SELECT ${MUTABLE.map((m) => `p.${m}`).join(", ")} FROM jsonb_populate_record(c, $2::jsonb) p),
      updated_at = $3, version = c.version + 1
    WHERE c.id = $1 AND c.version = $4 RETURNING c.id),
  tu AS (UPDATE case_tasks t SET status = x.status, updated_at = $3 FROM jsonb_to_recordset($5::jsonb) AS x(id text, status text), u WHERE t.id = x.id RETURNING 1),
  ${CHILDREN("u", "$6", "$7", "$8")}
  SELECT (SELECT count(*) FROM u) AS updated, coalesce((SELECT json_agg(json_build_object('id', o.id, 'status', o.status)) FROM o), '[]'::json) AS out`;

const INSERT = `WITH k AS (
    INSERT INTO cases (${CASE_COLUMNS.join(", ")}) SELECT ${CASE_COLUMNS.join(", ")} FROM jsonb_populate_record(NULL::cases, $1::jsonb)
    ON CONFLICT (origin_system, external_id) DO NOTHING RETURNING id),
  ${CHILDREN("k", "$2", "$3", "$4")}
  SELECT (SELECT id FROM k) AS id, coalesce((SELECT json_agg(json_build_object('id', o.id, 'status', o.status)) FROM o), '[]'::json) AS out`;
