/**
 * What routing learns from, read from the cases service's own tables (the routing service never
 * reads them): the people's routing decisions as timeline entries (人工派单 from triage, 改派,
 * 派单审定, and a unit's 退回), with the case's text and category; the stored cases of a period for
 * the rules dry-run; and the category paths platforms sent, with counts, for the unmapped list.
 */
import type { Context } from "moleculer";
import type { FeedbackEntry } from "../../domain/learning";
import type { CasesMixin, CasesThis } from "../cases.service";

/** Timeline entries that are a person's (or a unit's) routing judgement. */
export const FEEDBACK_EVENTS: FeedbackEntry["type"][] = ["ASSIGNED", "REASSIGNED", "ADJUDICATED", "REFUSED"];

const json = <T>(v: unknown): T => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T));

export const CaseLearning: CasesMixin = {
  actions: {
    /** Feedback entries after `after` (an event id), oldest first, at most `limit`. */
    feedback: {
      params: { after: { type: "number", integer: true, min: 0, default: 0 }, limit: { type: "number", integer: true, min: 1, max: 2000, default: 500 } },
      async handler(this: CasesThis, ctx: Context<{ after: number; limit: number }>): Promise<{ items: FeedbackEntry[] }> {
        const rows = await this.sql.query<Record<string, unknown>>(
          `SELECT e.id, e.type, e.at, e.data, c.id AS case_id, c.city_code, c.origin_system, c.category_path, c.category_code, c.title, c.content, c.location, c.routing
             FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.id > $1 AND e.type IN (${FEEDBACK_EVENTS.map((t) => `'${t}'`).join(", ")})
            ORDER BY e.id LIMIT $2`,
          [ctx.params.after, ctx.params.limit],
        );
        return {
          items: rows.map((r) => ({
            eventId: Number(r.id),
            type: r.type as FeedbackEntry["type"],
            at: new Date(r.at as string).toISOString(),
            caseId: r.case_id as string,
            cityCode: (r.city_code as string | null) ?? null,
            originSystem: r.origin_system as string,
            categoryPath: json<string[]>(r.category_path),
            categoryCode: (r.category_code as string | null) ?? null,
            title: r.title as string,
            content: r.content as string,
            location: json<Record<string, unknown>>(r.location),
            data: r.data == null ? null : json<Record<string, unknown>>(r.data),
            routing: r.routing == null ? null : json<Record<string, unknown>>(r.routing),
          })),
        };
      },
    },

    /** The routing-relevant fields of the cases received in a period (for the dry-run), oldest first. */
    routingSnapshot: {
      params: { from: { type: "string", optional: true }, to: { type: "string", optional: true }, limit: { type: "number", integer: true, min: 1, max: 50000, default: 20000 } },
      async handler(this: CasesThis, ctx: Context<{ from?: string; to?: string; limit: number }>) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (ctx.params.from) where.push(`received_at >= $${params.push(ctx.params.from)}`);
        if (ctx.params.to) where.push(`received_at <= $${params.push(ctx.params.to)}`);
        params.push(ctx.params.limit);
        const rows = await this.sql.query<Record<string, unknown>>(
          `SELECT id, received_at, origin_system, title, content, category_path, category_code, appeal_type, urgency, location, owner_unit_id, owner_unit_name, status, routing
             FROM cases ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY received_at, id LIMIT $${params.length}`,
          params,
        );
        return {
          items: rows.map((r) => ({
            id: r.id,
            receivedAt: new Date(r.received_at as string).toISOString(),
            originSystem: r.origin_system,
            title: r.title,
            content: r.content,
            categoryPath: json<string[]>(r.category_path),
            categoryCode: r.category_code ?? null,
            appealType: r.appeal_type,
            urgency: r.urgency,
            location: json<Record<string, unknown>>(r.location),
            ownerUnitId: r.owner_unit_id ?? null,
            ownerUnitName: r.owner_unit_name ?? null,
            status: r.status,
            routing: r.routing == null ? null : json<Record<string, unknown>>(r.routing),
          })),
        };
      },
    },

    /** Category paths as platforms sent them, per origin system and city, with counts. */
    categoryPaths: {
      params: { since: { type: "string", optional: true } },
      async handler(this: CasesThis, ctx: Context<{ since?: string }>) {
        const params: unknown[] = [];
        const where = ctx.params.since ? `WHERE received_at >= $${params.push(ctx.params.since)}` : "";
        const rows = await this.sql.query<Record<string, unknown>>(
          `SELECT origin_system, city_code, category_path, count(*)::int AS n, max(received_at) AS last_at
             FROM cases ${where} GROUP BY origin_system, city_code, category_path ORDER BY n DESC`,
          params,
        );
        return {
          items: rows.map((r) => ({
            system: r.origin_system as string,
            cityCode: (r.city_code as string | null) ?? null,
            path: json<string[]>(r.category_path),
            count: Number(r.n),
            lastAt: new Date(r.last_at as string).toISOString(),
          })),
        };
      },
    },
  },
};
