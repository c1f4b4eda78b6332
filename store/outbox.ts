/**
 * The outbox, as a piece any service that owns outbound messages uses (store/outbox.tables.ts).
 *
 * Writing: an `OutboxBatch` collects the commands one change queues. Each is a canonical
 * command (contracts/canonical/command.schema.json) validated right here, when it is queued — a
 * bad one fails the change that queues it, never first at delivery. The batch's rows are written
 * by the owner's own statement (`OUTBOX_INSERT` as one of its CTEs) so they commit or vanish with
 * the change. A row whose (subject, system, target) has no live message before it is written
 * already claimed (inflight, leased) and is handed to delivery in memory right after commit; the
 * others wait their turn as pending.
 *
 * After that the `outbox` service owns the rows: results (in batches), the next message of a
 * key once the one before it is settled, retries with backoff, and recovery of expired leases.
 */
import { assertValid } from "../contracts";
import { deliverer, type Destination } from "../adapters";
import { COMMANDS, type CommandName, type OutboundCommand, type SubjectRef } from "../kit/adapter";
import { newId } from "../lib/ids";
import type { Row, Sql } from "./sql";

/** How long a message handed to delivery may stay unreported before it is sent again. */
export const LEASE_MS = 30_000;

interface QueuedRow {
  id: string;
  subject_type: string;
  subject_id: string;
  system: string;
  target: string | null;
  kind: CommandName;
  payload: Record<string, unknown>;
  idempotency_key: string;
  /** an earlier row of this batch has the same key: this one waits for it */
  hold: boolean;
  created_at: string;
}

export class OutboxBatch {
  readonly rows: QueuedRow[] = [];
  constructor(
    readonly subject: SubjectRef,
    readonly now: Date,
  ) {}

  /**
   * Queues command C for destination D (a case's origin, or a handling target). Returns the
   * message id, or null when that destination's system does not take that command.
   */
  send(command: CommandName, to: Destination, payload: Record<string, unknown>): string | null {
    const d = deliverer(command, to);
    if (!d) return null;
    assertValid(COMMANDS[command], payload, `outbound ${command} for ${this.subject.type} ${this.subject.id}`);
    const id = newId("OB", this.now);
    const hold = this.rows.some((r) => r.system === d.system && r.target === d.target);
    this.rows.push({
      id,
      subject_type: this.subject.type,
      subject_id: this.subject.id,
      system: d.system,
      target: d.target,
      kind: command,
      payload,
      idempotency_key: `tongguan-${id}`,
      hold,
      created_at: this.now.toISOString(),
    });
    return id;
  }

  get size(): number {
    return this.rows.length;
  }

  /** The rows that the insert returned as claimed, as commands for delivery. */
  claimed(returned: { id: string; status: string }[]): OutboundCommand[] {
    const inflight = new Set(returned.filter((r) => r.status === "inflight").map((r) => r.id));
    return this.rows.filter((r) => inflight.has(r.id)).map(toCommand);
  }
}

function toCommand(r: Pick<QueuedRow, "id" | "subject_type" | "subject_id" | "system" | "target" | "kind" | "payload" | "idempotency_key"> & { attempts?: number }): OutboundCommand {
  return {
    id: r.id,
    subject: { type: r.subject_type, id: r.subject_id },
    system: r.system,
    target: r.target,
    kind: r.kind,
    payload: r.payload,
    idempotencyKey: r.idempotency_key,
    attempts: r.attempts ?? 1,
  };
}

/** "a live row of the same key exists": the ordering check, on the live-key partial index */
const LIVE_BEFORE = (o: string, extra = "") => `EXISTS (SELECT 1 FROM outbox p WHERE p.subject_id = ${o}.subject_id AND p.system = ${o}.system
  AND p.target IS NOT DISTINCT FROM ${o}.target AND p.status IN ('pending', 'inflight')${extra})`;

/**
 * The outbox rows of a batch as one data-modifying CTE of the owner's statement: `$param` is the
 * batch's rows as jsonb, `gate` a FROM item that is empty when the owner's change did not happen
 * (e.g. the CTE of the case insert), so the messages are written exactly when the change is.
 */
export function OUTBOX_INSERT(param: string, gate: string): string {
  return `INSERT INTO outbox (id, subject_type, subject_id, system, target, kind, payload, idempotency_key, status, attempts, due_at, created_at)
    SELECT x.id, x.subject_type, x.subject_id, x.system, x.target, x.kind, x.payload, x.idempotency_key,
      CASE WHEN w.wait THEN 'pending' ELSE 'inflight' END, CASE WHEN w.wait THEN 0 ELSE 1 END,
      CASE WHEN w.wait THEN x.created_at ELSE x.created_at + interval '${LEASE_MS} milliseconds' END, x.created_at
    FROM jsonb_to_recordset(${param}::jsonb) AS x(id text, subject_type text, subject_id text, system text, target text, kind text,
      payload jsonb, idempotency_key text, hold boolean, created_at timestamptz)
    CROSS JOIN LATERAL (SELECT x.hold OR ${LIVE_BEFORE("x")} AS wait) w, ${gate}
    RETURNING id, status`;
}

/** Writes a batch on its own (a subject whose change is only the messages). */
export async function insertBatch(sql: Sql, batch: OutboxBatch): Promise<OutboundCommand[]> {
  if (!batch.size) return [];
  const rows = await sql.query<{ id: string; status: string }>(OUTBOX_INSERT("$1", "(SELECT 1) AS one"), [JSON.stringify(batch.rows)]);
  return batch.claimed(rows);
}

// ---------------------------------------------------------------------------------------------
// After commit: the `outbox` service's queries

const CLAIMED_COLUMNS = "id, subject_type, subject_id, system, target, kind, payload, idempotency_key, attempts";
const asCommands = (rows: Row[]) => rows.map((r) => toCommand({ ...(r as QueuedRow), attempts: Number(r.attempts) }));

/**
 * Recovery: pending rows whose time has come and whose turn it is, and inflight rows whose lease
 * ran out (the delivering node died). Reads only the live-row indexes.
 */
export async function claimDue(sql: Sql, limit: number): Promise<OutboundCommand[]> {
  const rows = await sql.query(
    `UPDATE outbox SET status = 'inflight', attempts = attempts + 1, due_at = now() + interval '${LEASE_MS} milliseconds'
     WHERE id IN (
       SELECT o.id FROM outbox o
       WHERE o.status IN ('pending', 'inflight') AND o.due_at <= now()
         AND NOT ${LIVE_BEFORE("o", " AND p.seq < o.seq")}
       ORDER BY o.due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING ${CLAIMED_COLUMNS}`,
    [limit],
  );
  return asCommands(rows);
}

/** One delivery attempt's outcome, as delivery reports it. */
export interface AttemptResult {
  id: string;
  ok: boolean;
  /** the other side refused this message (4xx): sending it again will not help */
  permanent?: boolean;
  error?: string;
  response?: unknown;
  /** when not ok: wait this long before the next attempt */
  retryMs?: number;
}

export interface Settled {
  id: string;
  subjectType: string;
  subjectId: string;
  system: string;
  target: string | null;
  kind: string;
  status: "sent" | "dead" | "pending";
  attempts: number;
  lastError: string | null;
}

/**
 * Writes a batch of results and claims what they free, in ONE statement: each result is sent,
 * dead (refused, or out of attempts) or pending again after its backoff; for every key whose
 * message was sent or given up, the next waiting message is claimed (its turn now). A late answer
 * for a message already settled changes nothing. Answers how many were sent, the rows that were
 * not (dead, or pending again: what callers act on) and the next messages claimed — the sent
 * rows themselves are not read back (most of the results: parsing them was a share of the hub's CPU).
 */
export async function settle(sql: Sql, results: AttemptResult[], maxAttempts: number): Promise<{ sent: number; settled: Settled[]; next: OutboundCommand[] }> {
  if (!results.length) return { sent: 0, settled: [], next: [] };
  const rows = await sql.query(SETTLE, [
    JSON.stringify(results.map((r) => ({ id: r.id, ok: r.ok, permanent: r.permanent ?? false, error: r.error ?? null, response: r.response ?? null, retry_ms: r.retryMs ?? null }))),
    maxAttempts,
  ]);
  let sent = 0;
  const settled: Settled[] = [];
  const next: Row[] = [];
  for (const r of rows) {
    if (r.part === 0) sent = Number(r.sent);
    else if (r.part === 2) next.push(r);
    else
      settled.push({
        id: r.id,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        system: r.system,
        target: r.target,
        kind: r.kind,
        status: r.status,
        attempts: Number(r.attempts),
        lastError: r.last_error,
      });
  }
  return { sent, settled, next: asCommands(next) };
}

const FINAL = "(v.ok OR coalesce(v.permanent, false) OR o.attempts >= $2)";
const SETTLE = `WITH v AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id text, ok boolean, permanent boolean, error text, response jsonb, retry_ms integer)),
  s AS (
    UPDATE outbox o SET
      status = CASE WHEN v.ok THEN 'sent' WHEN ${FINAL} THEN 'dead' ELSE 'pending' END,
      due_at = CASE WHEN ${FINAL} THEN o.due_at ELSE now() + coalesce(v.retry_ms, 1000) * interval '1 millisecond' END,
      settled_at = CASE WHEN ${FINAL} THEN now() ELSE NULL END,
      last_error = CASE WHEN v.ok THEN NULL ELSE v.error END,
      response = v.response
    FROM v WHERE o.id = v.id AND o.status = 'inflight'
    RETURNING o.id, o.subject_type, o.subject_id, o.system, o.target, o.kind, o.status, o.attempts, o.last_error),
  n AS (
    SELECT DISTINCT ON (o.subject_id, o.system, o.target) o.id, o.due_at FROM outbox o
    JOIN s ON s.status <> 'pending' AND o.subject_id = s.subject_id AND o.system = s.system AND o.target IS NOT DISTINCT FROM s.target
    WHERE o.status = 'pending'
    ORDER BY o.subject_id, o.system, o.target, o.seq),
  c AS (
    UPDATE outbox o SET status = 'inflight', attempts = o.attempts + 1, due_at = now() + interval '${LEASE_MS} milliseconds'
    FROM n WHERE o.id = n.id AND n.due_at <= now() AND o.status = 'pending'
      AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.subject_id = o.subject_id AND p.system = o.system AND p.target IS NOT DISTINCT FROM o.target
        AND p.status = 'inflight' AND p.id NOT IN (SELECT id FROM s))
    RETURNING o.id, o.subject_type, o.subject_id, o.system, o.target, o.kind, o.payload, o.idempotency_key, o.attempts)
  SELECT 0 AS part, (SELECT count(*) FROM s WHERE s.status = 'sent')::integer AS sent, NULL::text AS id, NULL::text AS subject_type, NULL::text AS subject_id,
    NULL::text AS system, NULL::text AS target, NULL::text AS kind, NULL::text AS status, NULL::integer AS attempts, NULL::text AS last_error, NULL::jsonb AS payload, NULL::text AS idempotency_key
  UNION ALL
  SELECT 1, NULL, s.id, s.subject_type, s.subject_id, s.system, s.target, s.kind, s.status, s.attempts, s.last_error, NULL, NULL FROM s WHERE s.status <> 'sent'
  UNION ALL
  SELECT 2, NULL, c.id, c.subject_type, c.subject_id, c.system, c.target, c.kind, 'inflight', c.attempts, NULL, c.payload, c.idempotency_key FROM c`;

/** 1 s, 2 s, 4 s … capped at 5 minutes, with ±20 % jitter. */
export function backoffMs(attempts: number): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
