/**
 * Tables owned by the `intake` service: every inbound request as received (accepted or
 * rejected), and the answers given to Idempotency-Key'd requests.
 */
import { sql } from "drizzle-orm";
import { pgTable, text, integer, jsonb, timestamp, boolean, index, primaryKey } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const inboundMessages = pgTable(
  "inbound_messages",
  {
    id: text("id").primaryKey(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    system: text("system").notNull(),
    kind: text("kind").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    role: text("role"),
    /** only headers that matter (content-type, user-agent, idempotency-key, request id); never the API key */
    headers: jsonb("headers").$type<Record<string, string>>().notNull(),
    contentType: text("content_type"),
    /** raw body as received, cut at RAW_KEEP_BYTES */
    body: text("body").notNull(),
    bodyBytes: integer("body_bytes").notNull(),
    truncated: boolean("truncated").notNull().default(false),
    outcome: text("outcome").notNull(), // accepted | duplicate | rejected | error
    httpStatus: integer("http_status").notNull(),
    errorCode: text("error_code"),
    errors: jsonb("errors"),
    caseId: text("case_id"),
    /** the answer given, for a request with an Idempotency-Key (what a repeat of it gets again) */
    response: jsonb("response"),
  },
  (t) => [
    index("inbound_received_idx").on(t.receivedAt),
    // engineers look for what was refused; accepted messages (most of them) are read by time or case
    index("inbound_outcome_idx").on(t.outcome, t.receivedAt).where(sql`outcome <> 'accepted'`),
    index("inbound_case_idx").on(t.caseId).where(sql`case_id IS NOT NULL`),
  ],
);

/**
 * A claimed key names the inbound message its request is kept as (`inbound_id`, chosen before the
 * request is handled); the answer is that message's `http_status` and `response`, written once
 * with it — so the key is one row written once. Keys claimed before migration 0011 carry their
 * answer here (`http_status` 0 while in progress).
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    inboundId: text("inbound_id"),
    httpStatus: integer("http_status").notNull(),
    response: jsonb("response").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);
