/**
 * 月度考核 from the cases service's own tables, read-only: the facts of a month (its cases and
 * the timeline entries the assessment replays, none after `asOf`) for `domain/assessment.ts`,
 * and the month's and the year's report (JSON, or CSV with a UTF-8 BOM for Excel) for the API and
 * the monthly job. Nothing is written: any past month is recomputed from the store; the same
 * `asOf` gives the same answer (the timeline is append-only, and the deadline a case started
 * with is the `previous` of its first extension, or its `handle_deadline` when it has none).
 */
import type { Context } from "moleculer";
import { assessmentLevels } from "../../adapters";
import {
  assess,
  assessYear,
  FACT_EVENT_TYPES,
  MONTH,
  monthCsv,
  monthRange,
  monthsOfYear,
  previousMonth,
  summaryLine,
  yearCsv,
  type AssessmentFacts,
  type AssessmentReport,
  type CaseFact,
  type UnitInfo,
} from "../../domain/assessment";
import { invalidQuery } from "../../kit/errors";
import type { CasesMixin, CasesThis } from "../cases.service";

type Meta = { $responseType?: string; $responseHeaders?: Record<string, string> };

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

function asOfOf(raw: string | undefined): Date {
  if (raw === undefined) return new Date();
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw invalidQuery([{ pointer: "/query/asOf", message: `「截至时间」（asOf）不是合法的时间：${raw}`, messageEn: `asOf is not a date-time: ${raw}` }]);
  return d;
}

/** Reads the facts of one month as of `asOf`. */
async function factsOf(self: CasesThis, month: string, asOf: Date): Promise<AssessmentFacts> {
  const { from, to } = monthRange(month);
  const cases = await self.sql.query<Record<string, unknown>>(
    `SELECT c.id, c.origin_system, c.received_at, c.handle_deadline,
            (SELECT e.data->>'previous' FROM case_events e WHERE e.case_id = c.id AND e.type = 'EXTENSION_REQUESTED' ORDER BY e.id LIMIT 1) AS first_previous,
            EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = 'EXTENSION_REQUESTED') AS extended
       FROM cases c
      WHERE c.received_at >= $1 AND c.received_at < $2 AND c.status <> 'RECORDED'
      ORDER BY c.received_at, c.id`,
    [from, to],
  );
  const events = await self.sql.query<Record<string, unknown>>(
    `SELECT e.case_id, e.type, e.at, e.data->>'until' AS until,
            CASE e.type WHEN 'ROUTED' THEN e.data->'owner'->>'unitId'
                        WHEN 'ASSIGNED' THEN e.data->>'unitId'
                        WHEN 'ADJUDICATED' THEN e.data->>'unitId'
                        WHEN 'REASSIGNED' THEN e.data->>'to'
                        WHEN 'EXTENSION_REQUESTED' THEN e.actor_id
                        WHEN 'REPLIED' THEN e.actor_id
                        ELSE NULL END AS unit_id
       FROM case_events e JOIN cases c ON c.id = e.case_id
      WHERE c.received_at >= $1 AND c.received_at < $2 AND c.status <> 'RECORDED'
        AND e.at <= $3 AND e.type IN (${FACT_EVENT_TYPES.map((t) => `'${t}'`).join(", ")})
      ORDER BY e.case_id, e.id`,
    [from, to, asOf.toISOString()],
  );
  const byCase = new Map<string, CaseFact>();
  for (const r of cases)
    byCase.set(r.id as string, {
      caseId: r.id as string,
      originSystem: r.origin_system as string,
      receivedAt: iso(r.received_at)!,
      // the deadline the origin sent: before the first extension moved it
      deadline: r.extended === true || r.extended === "t" ? iso(r.first_previous) : iso(r.handle_deadline),
      events: [],
    });
  for (const e of events)
    byCase.get(e.case_id as string)?.events.push({ type: e.type as string, at: iso(e.at)!, unitId: (e.unit_id as string | null) ?? null, ...(e.until ? { until: iso(e.until) } : {}) });
  return { month, from, to, asOf: asOf.toISOString(), cases: [...byCase.values()] };
}

async function unitsOf(ctx: Context): Promise<UnitInfo[]> {
  return (await ctx.call<{ items: UnitInfo[] }>("routing.units")).items;
}

function asCsv(ctx: Context<unknown, Meta>, name: string, body: string): string {
  ctx.meta.$responseType = "text/csv; charset=utf-8";
  ctx.meta.$responseHeaders = { "Content-Disposition": `attachment; filename="${name}.csv"` };
  return body;
}

const monthParam = { type: "string", pattern: MONTH, optional: true } as const;
const asOfParam = { type: "string", optional: true } as const;
const formatParam = { type: "enum", values: ["json", "csv"], optional: true } as const;

export const CaseAssessment: CasesMixin = {
  actions: {
    /** The facts of a month (default: last month, Asia/Shanghai) as of `asOf` (default: now). */
    assessmentFacts: {
      params: { month: monthParam, asOf: asOfParam },
      async handler(this: CasesThis, ctx: Context<{ month?: string; asOf?: string }>): Promise<AssessmentFacts> {
        const asOf = asOfOf(ctx.params.asOf);
        return factsOf(this, ctx.params.month ?? previousMonth(asOf), asOf);
      },
    },

    /** 月度考核: per street and department; `format=csv` answers the sheet. */
    assessment: {
      params: { month: monthParam, asOf: asOfParam, format: formatParam },
      async handler(this: CasesThis, ctx: Context<{ month?: string; asOf?: string; format?: "json" | "csv" }, Meta>): Promise<AssessmentReport | string> {
        const asOf = asOfOf(ctx.params.asOf);
        const month = ctx.params.month ?? previousMonth(asOf);
        const [facts, units] = await Promise.all([factsOf(this, month, asOf), unitsOf(ctx)]);
        const report = assess(facts, units, { levels: assessmentLevels() });
        return ctx.params.format === "csv" ? asCsv(ctx, `assessment-${month}`, monthCsv(report)) : report;
      },
    },

    /**
     * The monthly job (schedule: the 1st, 01:30 Asia/Shanghai): last month's assessment as of the
     * time the job runs for, answered as a small summary and its Chinese line (the run record keeps
     * only that; the report is recomputed on demand).
     */
    assessmentJob: {
      params: { now: { type: "string", optional: true } },
      async handler(this: CasesThis, ctx: Context<{ now?: string }>) {
        const asOf = asOfOf(ctx.params.now);
        const month = previousMonth(asOf);
        const [facts, units] = await Promise.all([factsOf(this, month, asOf), unitsOf(ctx)]);
        const r = assess(facts, units, { levels: assessmentLevels() });
        const { opened, due, closed, onTime, unassigned, ratings } = r.totals;
        return { month, asOf: r.asOf, units: r.totals.units, opened, due, closed, onTime, unassigned, ratings, line: summaryLine(r) };
      },
    },

    /** 年度考核: every month of the year that has ended by `asOf`, and each unit's average. */
    assessmentYear: {
      params: { year: { type: "number", integer: true, min: 2000, max: 2100, convert: true }, asOf: asOfParam, format: formatParam },
      async handler(this: CasesThis, ctx: Context<{ year: number; asOf?: string; format?: "json" | "csv" }, Meta>) {
        const asOf = asOfOf(ctx.params.asOf);
        const units = await unitsOf(ctx);
        const reports: AssessmentReport[] = [];
        for (const month of monthsOfYear(ctx.params.year, asOf)) reports.push(assess(await factsOf(this, month, asOf), units, { levels: assessmentLevels() }));
        const year = assessYear(ctx.params.year, reports, asOf.toISOString());
        return ctx.params.format === "csv" ? asCsv(ctx, `assessment-${ctx.params.year}`, yearCsv(year)) : year;
      },
    },
  },
};
