/**
 * cases — owns cases, their timeline and their tasks (store/cases.tables.ts); queues the
 * messages each change causes in the shared outbox, in the same statement.
 *
 * One service, one file per job: commands (every lifecycle step, services/cases/commands.ts),
 * queries (services/cases/queries.ts), sweeps for the schedule (services/cases/sweeps.ts),
 * Prometheus gauges (services/cases/metrics.ts) and what routing learns from (services/cases/learning.ts). What happens to a message after commit belongs
 * to the `outbox` and `delivery` services.
 */
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { CaseAction } from "../domain/lifecycle";
import type { RoutingDecision } from "../domain/routing";
import { config } from "../lib/config";
import { openDb, type Db } from "../lib/db";
import type { Actor, CaseRef, CaseRow, CaseWriter } from "../store/cases.repo";
import { sqlOf, type Sql } from "../store/sql";
import { CaseCommands } from "./cases/commands";
import { CaseQueries } from "./cases/queries";
import { CaseSweeps } from "./cases/sweeps";
import { CaseMetrics } from "./cases/metrics";
import { CaseLearning } from "./cases/learning";
import { CaseAssessment } from "./cases/assessment";

export interface CasesVars {
  db: Db;
  sql: Sql;
  gaugeTimer?: NodeJS.Timeout;
}
export interface CasesMethods {
  change(ref: CaseRef, action: CaseAction, actor: Actor, plan: (w: CaseWriter) => Promise<void> | void): Promise<{ caseId: string; status: string }>;
  step(ref: CaseRef, actor: Actor, choose: (w: CaseWriter) => CaseAction | null, plan: (w: CaseWriter) => Promise<void> | void): Promise<{ caseId: string; status: string }>;
  mergeCandidates(row: CaseRow, s: import("../domain/merge").MergeSettings): Promise<import("../domain/merge").MergeCase[]>;
  answerLinked(masterId: string): Promise<number>;
  loopDeadlines(now: Date): Promise<{ warned: number; urged: number; supervised: number; gaps: { caseId: string; year: number; message: string }[] }>;
  decide(
    ctx: Context,
    c: Pick<CaseRow, "categoryPath" | "categoryCode" | "appealType" | "urgency" | "location" | "originSystem" | "title" | "content">,
    exclude: string[],
  ): Promise<{ decision: RoutingDecision; categoryCode: string | null; districtCode: string | null; merging?: import("../domain/merge").MergeSettings; loopClass?: Record<string, unknown> }>;
}
/** `this` inside the cases service's files. */
export type CasesThis = Service<ServiceSettingSchema> & CasesVars & CasesMethods;
/** One job's part of the cases service. */
export type CasesMixin = Partial<ServiceSchema<ServiceSettingSchema, CasesMethods & Record<string, never>, CasesVars>>;

const CasesService: CasesMixin & { name: string } = {
  name: "cases",
  dependencies: ["routing"],
  mixins: [CaseCommands, CaseQueries, CaseSweeps, CaseMetrics, CaseLearning, CaseAssessment] as Partial<ServiceSchema>[],

  async started(this: CasesThis) {
    this.db = (await openDb(config())).db;
    this.sql = sqlOf(this.db);
  },
};

export default CasesService;
