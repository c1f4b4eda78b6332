/**
 * Tables owned by the `credit` service: the sanctions it received (双公示 records with their
 * publication periods), the subjects they are about (a company by its credit code, a person by
 * ID number), the joint-punishment rules that fired, the notices (抄告单) sent to bureaus with
 * their receipts and feedback, and list entries (黑名单/严重失信主体名单). Outbound messages go
 * to the shared outbox in the same transaction.
 */
import { pgTable, text, jsonb, timestamp, date, integer, index, uniqueIndex } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const sanctions = pgTable(
  "sanctions",
  {
    id: text("id").primaryKey(),
    decisionNo: text("decision_no").notNull(),
    /** 统一社会信用代码 (or an old code) of an organisation, the ID number of a person */
    subjectKey: text("subject_key").notNull(),
    partyType: text("party_type").notNull(),
    partyName: text("party_name").notNull(),
    violationType: text("violation_type").notNull(),
    severity: text("severity").notNull(),
    decisionDate: date("decision_date", { mode: "string" }).notNull(),
    /** the canonical sanction, whole (personal data masked only in views) */
    sanction: jsonb("sanction").$type<Record<string, unknown>>().notNull(),
    /** e.g. creditCodeChecksumFailedButVerified: flagged for review */
    flags: jsonb("flags").$type<string[]>().notNull().default([]),
    published: integer("published").notNull(),
    publishFrom: date("publish_from", { mode: "string" }),
    minUntil: date("min_until", { mode: "string" }),
    maxUntil: date("max_until", { mode: "string" }),
    /** 双公示 within 7 working days of the decision */
    publicationDue: ts("publication_due"),
    repairedAt: ts("repaired_at"),
    repair: jsonb("repair").$type<Record<string, unknown> | null>(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("sanctions_decision_uq").on(t.decisionNo), index("sanctions_subject_idx").on(t.subjectKey, t.decisionDate)],
);

export const creditSubjects = pgTable("credit_subjects", {
  key: text("key").primaryKey(),
  type: text("type").notNull(),
  name: text("name").notNull(),
  /** the platform's comprehensive credit level, when it sent one */
  level: text("level"),
  levelSource: text("level_source"),
  levelAt: ts("level_at"),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** A rule that fired for a subject on a set of decisions (so it never fires twice on the same set). */
export const ruleFirings = pgTable(
  "rule_firings",
  {
    id: text("id").primaryKey(),
    ruleId: text("rule_id").notNull(),
    subjectKey: text("subject_key").notNull(),
    decisions: jsonb("decisions").$type<string[]>().notNull(),
    /** the decisions sorted and joined: the firing's identity */
    decisionSet: text("decision_set").notNull(),
    firedAt: ts("fired_at").notNull(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("rule_firings_uq").on(t.ruleId, t.subjectKey, t.decisionSet)],
);

export const notices = pgTable(
  "notices",
  {
    id: text("id").primaryKey(),
    firingId: text("firing_id").notNull(),
    /** notice 抄告 | revocation 撤销抄告 */
    kind: text("kind").notNull(),
    revokes: text("revokes"),
    subjectKey: text("subject_key").notNull(),
    subject: jsonb("subject").$type<Record<string, unknown>>().notNull(),
    /** the 条线 tag (housing, police, transport, cityManagement …) and where it went */
    bureau: text("bureau").notNull(),
    system: text("system"),
    target: text("target"),
    ruleId: text("rule_id").notNull(),
    decisions: jsonb("decisions").$type<string[]>().notNull(),
    measures: jsonb("measures").$type<string[]>().notNull(),
    /** sent | received | done | revoked */
    status: text("status").notNull(),
    receiptDue: ts("receipt_due").notNull(),
    feedbackDue: ts("feedback_due").notNull(),
    receivedAt: ts("received_at"),
    receivedBy: text("received_by"),
    feedback: jsonb("feedback").$type<Record<string, unknown> | null>(),
    feedbackAt: ts("feedback_at"),
    remindedAt: ts("reminded_at"),
    escalatedAt: ts("escalated_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("notices_subject_idx").on(t.subjectKey), index("notices_bureau_idx").on(t.bureau, t.status), index("notices_due_idx").on(t.status, t.receiptDue)],
);

export const listEntries = pgTable(
  "list_entries",
  {
    id: text("id").primaryKey(),
    subjectKey: text("subject_key").notNull(),
    /** black 黑名单/严重失信主体名单 | red 红名单 */
    list: text("list").notNull(),
    name: text("name").notNull(),
    firingId: text("firing_id"),
    ruleId: text("rule_id"),
    basis: text("basis").notNull(),
    decisions: jsonb("decisions").$type<string[]>().notNull(),
    fromDate: date("from_date", { mode: "string" }).notNull(),
    untilDate: date("until_date", { mode: "string" }),
    removedAt: ts("removed_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("list_entries_subject_idx").on(t.subjectKey)],
);
