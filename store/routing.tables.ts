/**
 * Tables owned by the `routing` service: the labelled examples it learns from. Each row is one
 * person's (or unit's) routing judgement — a triage assignment, a 改派, a 派单审定 or a unit's 退回 —
 * read from the cases service through `cases.feedback` (never from its tables), keyed by the
 * timeline entry it came from so that reading twice stores nothing twice.
 */
import { pgTable, text, bigint, boolean, jsonb, timestamp, index } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const routingExamples = pgTable(
  "routing_examples",
  {
    /** the case timeline entry (case_events.id) this example came from */
    eventId: bigint("event_id", { mode: "number" }).primaryKey(),
    /** assigned 人工派单 | reassigned 改派 | adjudicated 派单审定 | refused 退回 */
    kind: text("kind").notNull(),
    caseId: text("case_id").notNull(),
    cityCode: text("city_code"),
    system: text("system").notNull(),
    categoryPath: jsonb("category_path").$type<string[]>().notNull(),
    /** 标题 + 诉求内容 */
    text: text("text").notNull(),
    location: jsonb("location").$type<Record<string, unknown>>().notNull(),
    /** the unit chosen (positive) or the unit that refused (negative) */
    unitId: text("unit_id").notNull(),
    positive: boolean("positive").notNull(),
    /** the catalogue item: given by the agent (a proposal taken) or inferred; null when unknown */
    categoryCode: text("category_code"),
    /** how category_code was obtained: proposal | agent | inferred */
    labelSource: text("label_source"),
    /** the unit the hub had chosen or proposed first, if any */
    hubUnitId: text("hub_unit_id"),
    at: ts("at").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("routing_examples_item_idx").on(t.cityCode, t.categoryCode), index("routing_examples_at_idx").on(t.at)],
);
