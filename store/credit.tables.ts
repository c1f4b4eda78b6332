/**
 * Tables owned by the `credit` service: the sanctions it received (双公示 records with their
 * publication periods), the subjects they are about (a company by its credit code, a person by
 * ID number), the joint-punishment rules that fired, the notices (抄告单) sent to bureaus with
 * their receipts and feedback, and list entries (黑名单/严重失信主体名单). Outbound messages go
 * to the shared outbox in the same transaction.
 */
import { sql } from "drizzle-orm";
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
    /** when the outbox delivered the 双公示 record to the platform (learnt by the notice sweep from outbox.ofSubjects) */
    publicationSentAt: ts("publication_sent_at"),
    /** when the sweep first found the record undelivered past publication_due: the alarm */
    publicationOverdueAt: ts("publication_overdue_at"),
    /** the record's outbox message as last seen: {outboxId, status, attempts, lastError} (null: none queued) */
    publicationDelivery: jsonb("publication_delivery").$type<Record<string, unknown> | null>(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sanctions_decision_uq").on(t.decisionNo),
    index("sanctions_subject_idx").on(t.subjectKey, t.decisionDate),
    // the records still to be confirmed delivered (live rows only, so the sweep does not slow down as delivered ones accumulate)
    index("sanctions_undelivered_idx").on(t.id).where(sql`published = 1 AND publication_sent_at IS NULL AND repaired_at IS NULL`),
  ],
);

export const creditSubjects = pgTable("credit_subjects", {
  key: text("key").primaryKey(),
  type: text("type").notNull(),
  name: text("name").notNull(),
  /** the platform's comprehensive credit level, when it sent one */
  level: text("level"),
  levelSource: text("level_source"),
  levelAt: ts("level_at"),
  /** the latest industry evaluation (行业信用评价, e.g. 住建·物业服务企业信用评价): A–D, its source and date */
  industryLevel: text("industry_level"),
  industryLevelSource: text("industry_level_source"),
  industryLevelAt: ts("industry_level_at"),
  /** 所属行业, from the subject's sanctions and commitments (graded supervision draws by industry) */
  industries: jsonb("industries").$type<string[]>().notNull().default([]),
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
  // the subject first: every read of firings is by subject (a sanction's read, a repair); the rule within it
  (t) => [uniqueIndex("rule_firings_subject_uq").on(t.subjectKey, t.ruleId, t.decisionSet)],
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

/**
 * 信用承诺: an owner's no-illegal-building pledge (不违建承诺), a property company's responsibility
 * letter (物业服务企业责任书) … — who pledged, what, which violation kinds it covers and for how
 * long. A later sanction on the same subject for one of those kinds, decided within the pledge's
 * validity, breaches it (written in the sanction's transaction).
 */
export const commitments = pgTable(
  "credit_commitments",
  {
    id: text("id").primaryKey(),
    /** 承诺书编号: the sender's number, the idempotency key */
    commitmentNo: text("commitment_no").notNull(),
    /** 不违建承诺 | 物业服务企业责任书 | 市容和环境卫生责任书 | 信用修复承诺 | 其他信用承诺 */
    kind: text("kind").notNull(),
    subjectKey: text("subject_key").notNull(),
    subjectType: text("subject_type").notNull(),
    /** the canonical commitment, whole (personal data masked only in views) */
    commitment: jsonb("commitment").$type<Record<string, unknown>>().notNull(),
    violationKinds: jsonb("violation_kinds").$type<string[]>().notNull(),
    signedDate: date("signed_date", { mode: "string" }).notNull(),
    validUntil: date("valid_until", { mode: "string" }),
    /** active | breached */
    status: text("status").notNull(),
    /** the sanctions that broke it: [{sanctionId, decisionNo, violationType, decisionDate, at}] */
    breaches: jsonb("breaches").$type<Record<string, unknown>[]>().notNull().default([]),
    breachedAt: ts("breached_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("credit_commitments_no_uq").on(t.commitmentNo), index("credit_commitments_subject_idx").on(t.subjectKey)],
);

/**
 * 双随机 draws of graded supervision, as made: the population with each subject's level and why,
 * the rates used and the subjects drawn. One per (city, industry, period, seed): asking again
 * answers the recorded draw; anyone can re-run domain/credit drawInspections over the recorded
 * population and get the same list.
 */
export const inspectionDraws = pgTable(
  "inspection_draws",
  {
    id: text("id").primaryKey(),
    cityCode: text("city_code").notNull(),
    industry: text("industry").notNull(),
    period: text("period").notNull(),
    seed: text("seed").notNull(),
    method: text("method").notNull(),
    /** the rates file and its levels as used */
    rates: jsonb("rates").$type<Record<string, unknown>>().notNull(),
    population: jsonb("population").$type<Record<string, unknown>[]>().notNull(),
    levels: jsonb("levels").$type<Record<string, unknown>>().notNull(),
    selected: jsonb("selected").$type<Record<string, unknown>[]>().notNull(),
    drawnBy: text("drawn_by"),
    drawnAt: ts("drawn_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("inspection_draws_uq").on(t.cityCode, t.industry, t.period, t.seed), index("inspection_draws_period_idx").on(t.industry, t.period)],
);
