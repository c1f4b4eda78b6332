/**
 * Data access for the `cases` service (its own tables only): row → canonical view, the
 * transaction writer that keeps a transition, its timeline events, its tasks and its outbound
 * messages together, and the outbox queries used by the relay.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Case, CaseEvent, CaseStatus } from "../contracts/types";
import { newId } from "../lib/ids";
import { maskReporter } from "../lib/mask";
import { rowsOf, type Db } from "../lib/db";
import { cases, caseEvents, caseTasks, outbox } from "./cases.tables";

export type CaseRow = typeof cases.$inferSelect;
export type TaskRow = typeof caseTasks.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface Actor {
  kind: "system" | "unit" | "agent" | "hub";
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
export function taskPayload(c: CaseRow, taskId: string, role: "owner" | "co", round: number, note?: string) {
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
    ...(note ? { note } : {}),
    sentAt: new Date().toISOString(),
  };
}

/**
 * Collects everything one transition writes and flushes it inside the caller's transaction:
 * the case patch, timeline events, tasks and outbound messages.
 */
export class TxWriter {
  readonly now = new Date();
  private readonly events: (typeof caseEvents.$inferInsert)[] = [];
  private readonly tasks: (typeof caseTasks.$inferInsert)[] = [];
  private readonly taskUpdates: { id: string; status: string }[] = [];
  private readonly out: (typeof outbox.$inferInsert)[] = [];
  patch: Partial<typeof cases.$inferInsert> = {};

  constructor(readonly c: CaseRow, readonly actor: Actor) {}

  get status(): CaseStatus {
    return (this.patch.status ?? this.c.status) as CaseStatus;
  }

  event(type: CaseEvent["type"], summary: string, data?: Record<string, unknown>, from?: CaseStatus | null, to?: CaseStatus | null) {
    this.events.push({
      caseId: this.c.id,
      type,
      at: this.now,
      actorKind: this.actor.kind,
      actorId: this.actor.id ?? null,
      fromStatus: from ?? null,
      toStatus: to ?? null,
      summary,
      data: data ?? null,
    });
  }

  send(system: string, target: string | null, kind: string, payload: Record<string, unknown>): string {
    const id = newId("OB", this.now);
    this.out.push({ id, caseId: this.c.id, system, target, kind, payload, idempotencyKey: `tongguan-${id}`, status: "pending", nextAttemptAt: this.now });
    return id;
  }

  /** Message to whoever raised the case (12345 today; the origin adapter decides the wire format). */
  sendToOrigin(kind: string, payload: Record<string, unknown>): string {
    return this.send(this.c.originSystem, null, kind, { externalId: this.c.externalId, ...payload });
  }

  newTask(unit: UnitRef, role: "owner" | "co", round: number, note?: string): string {
    const id = newId("TK", this.now);
    this.tasks.push({ id, caseId: this.c.id, unitId: unit.unitId, unitName: unit.unitName, role, round, status: "sent", createdAt: this.now, updatedAt: this.now });
    const merged = { ...this.c, ...this.patch } as CaseRow;
    this.send("unit", unit.unitId, "task", taskPayload(merged, id, role, round, note));
    return id;
  }

  setTask(id: string, status: string) {
    this.taskUpdates.push({ id, status });
  }

  /** a task this transition already settled (e.g. the refused one): dispatch leaves it alone */
  settled(id: string): boolean {
    return this.taskUpdates.some((u) => u.id === id);
  }

  get hasOutbound(): boolean {
    return this.out.length > 0;
  }

  async flush(tx: Tx): Promise<void> {
    await tx
      .update(cases)
      .set({ ...this.patch, updatedAt: this.now })
      .where(eq(cases.id, this.c.id));
    for (const u of this.taskUpdates) await tx.update(caseTasks).set({ status: u.status, updatedAt: this.now }).where(eq(caseTasks.id, u.id));
    if (this.tasks.length) await tx.insert(caseTasks).values(this.tasks);
    if (this.events.length) await tx.insert(caseEvents).values(this.events);
    if (this.out.length) await tx.insert(outbox).values(this.out);
  }
}

export async function lockCase(tx: Tx, where: { id: string } | { system: string; externalId: string }): Promise<CaseRow | undefined> {
  const cond = "id" in where ? eq(cases.id, where.id) : and(eq(cases.originSystem, where.system), eq(cases.externalId, where.externalId));
  const rows = await tx.select().from(cases).where(cond).for("update");
  return rows[0];
}

export async function openTasks(tx: Tx | Db, caseId: string): Promise<TaskRow[]> {
  return tx
    .select()
    .from(caseTasks)
    .where(and(eq(caseTasks.caseId, caseId), inArray(caseTasks.status, ["sent", "accepted"])));
}

/**
 * Claims due outbound messages for the relay: pending ones whose time has come, and in-flight
 * ones whose lease ran out (the delivering node died). A message waits while an earlier one for
 * the same (case, system, target) is unsent, so 12345 never sees a reply before the sign-for.
 */
export async function claimDue(db: Db, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const res = await db.execute(sql`
    UPDATE outbox SET status = 'inflight', attempts = attempts + 1,
      lease_until = now() + (${leaseMs} * interval '1 millisecond')
    WHERE id IN (
      SELECT o.id FROM outbox o
      WHERE ((o.status = 'pending' AND o.next_attempt_at <= now()) OR (o.status = 'inflight' AND o.lease_until < now()))
        AND NOT EXISTS (
          SELECT 1 FROM outbox p
          WHERE p.case_id = o.case_id AND p.system = o.system AND p.target IS NOT DISTINCT FROM o.target
            AND p.seq < o.seq AND p.status IN ('pending', 'inflight'))
      ORDER BY o.seq
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, case_id, system, target, kind, payload, idempotency_key, attempts`);
  return rowsOf<Record<string, unknown>>(res).map(
    (r) =>
      ({
        id: r.id,
        caseId: r.case_id,
        system: r.system,
        target: r.target,
        kind: r.kind,
        payload: r.payload,
        idempotencyKey: r.idempotency_key,
        attempts: Number(r.attempts),
      }) as OutboxRow,
  );
}

/** Puts a claimed message back (the bus refused it): not counted as an attempt. */
export async function unclaim(db: Db, id: string, delayMs: number): Promise<void> {
  await db.execute(sql`UPDATE outbox SET status = 'pending', attempts = greatest(attempts - 1, 0),
    next_attempt_at = now() + (${delayMs} * interval '1 millisecond'), lease_until = NULL
    WHERE id = ${id} AND status = 'inflight'`);
}

/** 1 s, 2 s, 4 s … capped at 5 minutes, with ±20 % jitter. */
export function backoffMs(attempts: number): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
