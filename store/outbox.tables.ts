/**
 * The outbox: every message the hub must deliver to an external system, whatever it is about.
 * A shared piece (like the migrations table): the service that owns a subject (cases, notices …)
 * writes its messages here in the same statement or transaction as the change that causes them
 * (store/outbox.ts), and the `outbox` service owns everything after that — hand-off, results,
 * retries, lease recovery, the engineers' views.
 *
 * Order: messages of one (subject, system, target) are delivered one after another in `seq`
 * order, so 12345 never sees a reply before the sign-for. Only live rows (pending, inflight)
 * are in the partial indexes the relay and the ordering check use, so they do not slow down as
 * sent and dead rows accumulate.
 */
import { sql } from "drizzle-orm";
import { pgTable, text, integer, bigserial, jsonb, timestamp, index } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const outbox = pgTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    seq: bigserial("seq", { mode: "number" }).notNull(),
    /** what the message is about: "case", "notice", "sanction" … and its id (no foreign key) */
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    system: text("system").notNull(),
    target: text("target"),
    /** the canonical command (contracts/canonical/command.schema.json) */
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** `tongguan-<id>`: unique with the id, so it has no index of its own (migration 0011 dropped outbox_idem_uq) */
    idempotencyKey: text("idempotency_key").notNull(),
    /** pending (waiting: for its turn or a retry) | inflight (handed to delivery, leased) | sent | dead */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** pending: when it may be tried; inflight: when its lease runs out */
    dueAt: ts("due_at").notNull().defaultNow(),
    lastError: text("last_error"),
    response: jsonb("response"),
    createdAt: ts("created_at").notNull().defaultNow(),
    settledAt: ts("settled_at"),
  },
  (t) => [
    index("outbox_live_due_idx").on(t.dueAt).where(sql`status IN ('pending', 'inflight')`),
    index("outbox_live_key_idx").on(t.subjectId, t.system, t.target, t.seq).where(sql`status IN ('pending', 'inflight')`),
    index("outbox_subject_idx").on(t.subjectType, t.subjectId, t.seq),
    index("outbox_status_idx").on(t.status, t.seq),
  ],
);
