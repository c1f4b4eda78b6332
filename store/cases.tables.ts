/**
 * Tables owned by the `cases` service. No other service reads or writes them: they ask
 * `cases.*` actions. Outbound messages go to the shared outbox (store/outbox.tables.ts), written
 * in the same statement as the case change (transactional outbox).
 */
import { pgTable, text, integer, bigserial, jsonb, timestamp, index, uniqueIndex } from "drizzle-orm/pg-core";

/** A photo kept on a case (the canonical Attachment of contracts/canonical/command.schema.json). */
export interface CaseAttachment {
  url: string;
  kind: "上报" | "处置" | "核查";
  by: string;
  at: string;
}

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const cases = pgTable(
  "cases",
  {
    id: text("id").primaryKey(),
    originSystem: text("origin_system").notNull(),
    externalId: text("external_id").notNull(),
    channel: text("channel"),
    status: text("status").notNull(),
    cityCode: text("city_code"),
    appealType: text("appeal_type").notNull(),
    categoryCode: text("category_code"),
    categoryPath: jsonb("category_path").$type<string[]>().notNull(),
    title: text("title").notNull(),
    content: text("content").notNull(),
    location: jsonb("location").$type<Record<string, unknown>>().notNull(),
    /** full reporter as received; masked by every view */
    reporter: jsonb("reporter").$type<{ name?: string; phone?: string; confidential: boolean }>().notNull(),
    urgency: text("urgency").notNull(),
    receivedAt: ts("received_at").notNull(),
    signDeadline: ts("sign_deadline"),
    handleDeadline: ts("handle_deadline"),
    ownerUnitId: text("owner_unit_id"),
    ownerUnitName: text("owner_unit_name"),
    coUnits: jsonb("co_units").$type<{ unitId: string; unitName: string }[]>().notNull().default([]),
    routing: jsonb("routing").$type<Record<string, unknown> | null>(),
    /** 数字城管: the 部件/事件 class of a case in the 7-step loop (grid events, and 12345/12319 cases that belong to city management) */
    cityManagement: jsonb("city_management").$type<Record<string, unknown> | null>(),
    /** 并案: the master case this one is linked to, and the link's reasons (score, distance, minutes, category, text) */
    masterId: text("master_id"),
    merge: jsonb("merge").$type<Record<string, unknown> | null>(),
    /** 照片: photos the case's messages carried — url, kind 上报/处置/核查, from whom, when — in arrival order */
    attachments: jsonb("attachments").$type<CaseAttachment[]>().notNull().default([]),
    outcome: integer("outcome"),
    replyText: text("reply_text"),
    satisfaction: integer("satisfaction"),
    reworkCount: integer("rework_count").notNull().default(0),
    urgeCount: integer("urge_count").notNull().default(0),
    triageSince: ts("triage_since"),
    /** when the hub urged the owner for a missed sign-for deadline / a missed handling deadline (once each) */
    signUrgedAt: ts("sign_urged_at"),
    overdueUrgedAt: ts("overdue_urged_at"),
    /** 7-step loop: when the owner was warned the deadline is near (预警), and when the case was escalated to the owner's supervisor (督办) */
    deadlineWarnedAt: ts("deadline_warned_at"),
    supervisedAt: ts("supervised_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    /** optimistic concurrency: every change is one statement guarded by the version it read */
    version: integer("version").notNull().default(0),
  },
  (t) => [
    uniqueIndex("cases_origin_uq").on(t.originSystem, t.externalId),
    index("cases_status_idx").on(t.status, t.updatedAt),
    index("cases_owner_idx").on(t.ownerUnitId, t.status),
    index("cases_created_idx").on(t.createdAt),
    index("cases_deadline_idx").on(t.status, t.handleDeadline),
    index("cases_master_idx").on(t.masterId),
    index("cases_city_received_idx").on(t.cityCode, t.receivedAt),
  ],
);

export const caseEvents = pgTable(
  "case_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    caseId: text("case_id")
      .notNull()
      .references(() => cases.id),
    type: text("type").notNull(),
    at: ts("at").notNull().defaultNow(),
    actorKind: text("actor_kind").notNull(),
    actorId: text("actor_id"),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    summary: text("summary").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>(),
  },
  (t) => [index("case_events_case_idx").on(t.caseId, t.id)],
);

/** One task per (case, unit, round): what a unit was asked to do and where it stands. */
export const caseTasks = pgTable(
  "case_tasks",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id")
      .notNull()
      .references(() => cases.id),
    unitId: text("unit_id").notNull(),
    unitName: text("unit_name").notNull(),
    role: text("role").notNull(), // owner | co
    round: integer("round").notNull().default(0),
    status: text("status").notNull(), // sent | accepted | done | refused | recalled
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("case_tasks_case_idx").on(t.caseId), index("case_tasks_unit_idx").on(t.unitId, t.status)],
);
