/**
 * The cases service's read side, for agents and engineers: a case with its timeline, tasks and
 * outbound messages, the filtered list, the triage queue and the counts flow health shows.
 * A case's delivery history (送达 / 发送失败) comes from the outbox at read time: it is derived
 * from the messages' state, not written twice.
 */
import type { Context } from "moleculer";
import { and, asc, count, desc, eq, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { CaseEvent, CaseStatus } from "../../contracts/types";
import { adapterBySystem } from "../../adapters";
import type { CommandName } from "../../kit/adapter";
import { OVERDUE_STATUSES, STATUS_LABEL } from "../../domain/lifecycle";
import { config } from "../../lib/config";
import { notFound } from "../../kit/errors";
import { caseView, eventView } from "../../store/cases.repo";
import { cases, caseEvents, caseTasks } from "../../store/cases.tables";
import type { CasesMixin, CasesThis } from "../cases.service";

/** 超期: still with a unit (or in triage) after its handling deadline. */
export const OVERDUE = and(inArray(cases.status, OVERDUE_STATUSES), lt(cases.handleDeadline, sql`now()`))!;

interface OutboundView {
  id: string;
  system: string;
  target: string | null;
  kind: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  settledAt: string | null;
}

/** Timeline entries for delivered and given-up messages (negative ids: they are not stored events). */
function deliveryEvents(caseId: string, status: CaseStatus, out: OutboundView[]): CaseEvent[] {
  return out
    .filter((o) => o.settledAt && (o.status === "sent" || o.status === "dead"))
    .map((o, i) => {
      const spec = adapterBySystem(o.system);
      const label = `${spec?.commands[o.kind as CommandName]?.summary.split(/[：:/]/)[0].trim() ?? o.kind}${o.target ? `（${o.target}）` : ""}`;
      const sent = o.status === "sent";
      return {
        id: -(i + 1),
        caseId,
        type: sent ? "OUTBOUND_DELIVERED" : "OUTBOUND_FAILED",
        at: o.settledAt!,
        actor: { kind: "hub", id: "delivery" },
        fromStatus: status,
        toStatus: status,
        summary: sent ? `${label}：已送达` : `${label}：发送失败（已尝试 ${o.attempts} 次），需人工处理：${o.lastError ?? ""}`,
        data: { outboxId: o.id, system: o.system, kind: o.kind, attempts: o.attempts, ...(sent ? {} : { error: o.lastError }) },
      } satisfies CaseEvent;
    });
}

export const CaseQueries: CasesMixin = {
  actions: {
    get: {
      params: { id: "string" },
      async handler(this: CasesThis, ctx: Context<{ id: string }>) {
        const rows = await this.db.select().from(cases).where(eq(cases.id, ctx.params.id));
        if (!rows.length) throw notFound("案件", "case", ctx.params.id);
        const [events, tasks, out] = await Promise.all([
          this.db.select().from(caseEvents).where(eq(caseEvents.caseId, ctx.params.id)).orderBy(asc(caseEvents.id)),
          this.db.select().from(caseTasks).where(eq(caseTasks.caseId, ctx.params.id)).orderBy(asc(caseTasks.createdAt)),
          ctx.call<OutboundView[], { type: string; id: string }>("outbox.bySubject", { type: "case", id: ctx.params.id }),
        ]);
        const status = rows[0].status as CaseStatus;
        const timeline = [...events.map(eventView), ...deliveryEvents(rows[0].id, status, out)].sort((a, b) => a.at.localeCompare(b.at) || (a.id > 0 && b.id > 0 ? a.id - b.id : 0));
        return {
          ...caseView(rows[0]),
          statusLabel: STATUS_LABEL[status],
          // 照片: every photo the case's messages carried (上报, 处置, 核查), with who sent it and when
          attachments: rows[0].attachments ?? [],
          timeline,
          tasks: tasks.map((t) => ({
            id: t.id,
            unitId: t.unitId,
            unitName: t.unitName,
            role: t.role,
            round: t.round,
            status: t.status,
            createdAt: t.createdAt.toISOString(),
            updatedAt: t.updatedAt.toISOString(),
          })),
          outbound: out.map((o) => ({
            id: o.id,
            system: o.system,
            target: o.target,
            kind: o.kind,
            status: o.status,
            attempts: o.attempts,
            lastError: o.lastError,
            createdAt: o.createdAt,
            sentAt: o.status === "sent" ? o.settledAt : null,
          })),
        };
      },
    },

    list: {
      params: {
        status: { type: "string", optional: true },
        owner: { type: "string", optional: true },
        origin: { type: "string", optional: true },
        from: { type: "date", convert: true, optional: true },
        to: { type: "date", convert: true, optional: true },
        page: { type: "number", integer: true, positive: true, convert: true, optional: true },
        pageSize: { type: "number", integer: true, positive: true, max: 200, convert: true, optional: true },
        overdue: { type: "boolean", convert: true, optional: true },
      },
      async handler(this: CasesThis, ctx: Context<{ status?: string; owner?: string; origin?: string; from?: Date; to?: Date; page?: number; pageSize?: number; overdue?: boolean }>) {
        const p = ctx.params;
        const where: SQL[] = [];
        if (p.overdue) where.push(OVERDUE);
        if (p.status) where.push(inArray(cases.status, p.status.split(",")));
        if (p.owner) where.push(eq(cases.ownerUnitId, p.owner));
        if (p.origin) where.push(eq(cases.originSystem, p.origin));
        if (p.from) where.push(gte(cases.receivedAt, p.from));
        if (p.to) where.push(lte(cases.receivedAt, p.to));
        const page = p.page ?? 1;
        const pageSize = p.pageSize ?? 20;
        const cond = where.length ? and(...where) : undefined;
        const [rows, total] = await Promise.all([
          this.db
            .select()
            .from(cases)
            .where(cond)
            .orderBy(desc(cases.receivedAt), desc(cases.id))
            .limit(pageSize)
            .offset((page - 1) * pageSize),
          this.db.select({ n: count() }).from(cases).where(cond),
        ]);
        return { items: rows.map((r) => ({ ...caseView(r), statusLabel: STATUS_LABEL[r.status as CaseStatus] })), total: Number(total[0].n), page, pageSize };
      },
    },

    /** 待人工分拨: cases no rule owns, oldest first, with the time they will be returned. */
    triage: {
      async handler(this: CasesThis) {
        const rows = await this.db.select().from(cases).where(eq(cases.status, "TRIAGE")).orderBy(asc(cases.triageSince));
        const timeout = config().triageTimeoutMs;
        return {
          items: rows.map((r) => ({ ...caseView(r), triageSince: r.triageSince?.toISOString() ?? null, returnAt: r.triageSince ? new Date(r.triageSince.getTime() + timeout).toISOString() : null })),
          total: rows.length,
        };
      },
    },

    /** Flow health: cases by status and the overdue count (outbound messages: outbox.stats). */
    stats: {
      async handler(this: CasesThis, ctx: Context) {
        const [byStatus, overdue, out] = await Promise.all([
          this.db.select({ status: cases.status, n: count() }).from(cases).groupBy(cases.status),
          this.db.select({ n: count() }).from(cases).where(OVERDUE),
          ctx.call("outbox.stats").catch((e: Error) => ({ unavailable: e.message })),
        ]);
        return { cases: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])), overdue: Number(overdue[0].n), outbox: out };
      },
    },
  },
};
