/**
 * cases — owns cases, their timeline, their tasks and the outbox.
 *
 * Every change goes through `change()`: lock the case row, ask the lifecycle whether the action
 * is legal (409 with a Chinese and English reason if not), then write the case, its timeline
 * events, its tasks and its outbound messages in ONE transaction. After commit the relay hands
 * due outbound messages to the bus (channel `tg.outbound`); `delivery` reports each result back
 * with `cases.outboxResult`, which schedules retries with backoff. Nothing is sent from memory
 * only: a crash at any point leaves the message in the outbox, and its lease expiry sends it again.
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, sql, type SQL } from "drizzle-orm";
import type { CaseDraft, CaseStatus } from "../contracts/types";
import { labels } from "../contracts";
import { transition, STATUS_LABEL, type CaseAction } from "../domain/lifecycle";
import type { RoutingDecision } from "../domain/routing";
import { config } from "../lib/config";
import { openDb, type Db } from "../lib/db";
import { newId } from "../lib/ids";
import { durationZh } from "../lib/format";
import { HubError, conflict, notFound } from "../kit/errors";
import { cases, caseEvents, caseTasks, outbox } from "../store/cases.tables";
import {
  caseView,
  eventView,
  lockCase,
  openTasks,
  claimDue,
  unclaim,
  backoffMs,
  TxWriter,
  type Actor,
  type CaseRow,
  type TaskRow,
  type UnitRef,
  type Tx,
} from "../store/cases.repo";

/** 超期: still with a unit (or in triage) after its handling deadline. */
const OVERDUE = and(inArray(cases.status, ["TRIAGE", "DISPATCHED", "IN_PROGRESS"]), lt(cases.handleDeadline, sql`now()`))!;

/** How long a claimed outbound message may stay unreported before it is sent again. */
const LEASE_MS = 30_000;

type Decided = { decision: RoutingDecision; categoryCode: string | null };

interface Vars {
  db: Db;
  relayTimer?: NodeJS.Timeout;
  gaugeTimer?: NodeJS.Timeout;
  relayRunning: boolean;
  relayAgain: boolean;
}

interface Methods {
  change(
    ref: { id: string } | { system: string; externalId: string },
    action: CaseAction,
    actor: Actor,
    plan: (w: TxWriter, tx: Tx) => Promise<void> | void,
  ): Promise<{ caseId: string; status: CaseStatus }>;
  decide(ctx: Context, c: Pick<CaseRow, "categoryPath" | "categoryCode" | "appealType" | "urgency" | "location">, exclude: string[]): Promise<Decided>;
  dispatch(w: TxWriter, tx: Tx, owner: UnitRef, coUnits: UnitRef[], routing: Record<string, unknown>, opts: { signOrigin: boolean; round: number; note?: string }): Promise<void>;
  ownerTask(tx: Tx, unitId: string, taskId: string): Promise<TaskRow>;
  relay(): Promise<void>;
  kickRelay(): void;
}

type This = Vars & Methods & { broker: Context["broker"]; logger: Context["broker"]["logger"] };

const routingInput = (c: Pick<CaseRow, "categoryPath" | "categoryCode" | "appealType" | "urgency" | "location">) => ({
  category: { path: c.categoryPath, code: c.categoryCode },
  appealType: c.appealType,
  urgency: c.urgency,
  location: c.location,
});

const ORIGIN_LABEL: Record<string, string> = { hotline12345: "12345", line12319: "12319", grid: "网格化平台" };
const outcomeLabel = labels("Outcome");
const satisfactionLabel = labels("Satisfaction");

const CasesService: ServiceSchema<ServiceSettingSchema, Methods, Vars> = {
  name: "cases",
  dependencies: ["routing"],

  actions: {
    /** A new case from an adapter: dedupe on (origin system, external id), route, keep, sign. */
    open: {
      async handler(this: This, ctx: Context<{ draft: CaseDraft }>) {
        const d = ctx.params.draft;
        const found = await this.db
          .select({ id: cases.id })
          .from(cases)
          .where(and(eq(cases.originSystem, d.origin.system), eq(cases.externalId, d.origin.externalId)));
        if (found.length) return { caseId: found[0].id, duplicate: true };

        const base = { categoryPath: d.category.path as string[], categoryCode: d.category.code ?? null, appealType: d.appealType, urgency: d.urgency, location: d.location as Record<string, unknown> };
        const { decision, categoryCode } = await this.decide(ctx, base, []);
        const id = newId("TG");
        const result = await this.db.transaction(async (tx) => {
          const inserted = await tx
            .insert(cases)
            .values({
              id,
              originSystem: d.origin.system,
              externalId: d.origin.externalId,
              channel: d.origin.channel ?? null,
              status: "RECEIVED",
              cityCode: decision.cityCode ?? null,
              appealType: d.appealType,
              categoryCode: categoryCode ?? d.category.code ?? null,
              categoryPath: d.category.path as string[],
              title: d.title,
              content: d.content,
              location: d.location as Record<string, unknown>,
              reporter: d.reporter,
              urgency: d.urgency,
              receivedAt: new Date(d.receivedAt),
              signDeadline: d.signDeadline ? new Date(d.signDeadline) : null,
              handleDeadline: d.handleDeadline ? new Date(d.handleDeadline) : null,
            })
            .onConflictDoNothing()
            .returning();
          if (!inserted.length) return null; // the same order arrived twice at once: the other insert won
          const w = new TxWriter(inserted[0], { kind: "system", id: d.origin.system });
          const via = ORIGIN_LABEL[d.origin.system] ?? d.origin.system;
          w.event("RECEIVED", `收到${via}工单 ${d.origin.externalId}：${d.title}`, { channel: d.origin.channel }, null, "RECEIVED");
          if (decision.matched) {
            const to = transition("RECEIVED", "route");
            if (!to.ok) throw new Error(to.messageEn);
            w.patch.status = to.to;
            await this.dispatch(w, tx, decision.owner, decision.coUnits, routingOf(decision, w.now), { signOrigin: true, round: 0 });
            w.event("ROUTED", decision.reason, { ruleId: decision.ruleId, owner: decision.owner, coUnits: decision.coUnits }, "RECEIVED", to.to);
          } else {
            w.patch.status = "TRIAGE";
            w.patch.triageSince = w.now;
            w.patch.routing = { decidedBy: "rules", ruleId: null, ruleName: null, principle: null, reason: decision.reason, decidedAt: w.now.toISOString() };
            w.event("TRIAGED", `未匹配到派单规则，转人工分拨：${decision.reason}`, {}, "RECEIVED", "TRIAGE");
          }
          await w.flush(tx);
          return w;
        });
        if (!result) {
          const again = await this.db.select({ id: cases.id }).from(cases).where(and(eq(cases.originSystem, d.origin.system), eq(cases.externalId, d.origin.externalId)));
          return { caseId: again[0].id, duplicate: true };
        }
        this.kickRelay();
        return { caseId: id, duplicate: false };
      },
    },

    get: {
      params: { id: "string" },
      async handler(this: This, ctx: Context<{ id: string }>) {
        const rows = await this.db.select().from(cases).where(eq(cases.id, ctx.params.id));
        if (!rows.length) throw notFound("案件", "case", ctx.params.id);
        const [events, tasks, out] = await Promise.all([
          this.db.select().from(caseEvents).where(eq(caseEvents.caseId, ctx.params.id)).orderBy(asc(caseEvents.id)),
          this.db.select().from(caseTasks).where(eq(caseTasks.caseId, ctx.params.id)).orderBy(asc(caseTasks.createdAt)),
          this.db
            .select({ id: outbox.id, system: outbox.system, target: outbox.target, kind: outbox.kind, status: outbox.status, attempts: outbox.attempts, lastError: outbox.lastError, createdAt: outbox.createdAt, sentAt: outbox.sentAt })
            .from(outbox)
            .where(eq(outbox.caseId, ctx.params.id))
            .orderBy(asc(outbox.seq)),
        ]);
        return {
          ...caseView(rows[0]),
          statusLabel: STATUS_LABEL[rows[0].status as CaseStatus],
          timeline: events.map(eventView),
          tasks: tasks.map((t) => ({ id: t.id, unitId: t.unitId, unitName: t.unitName, role: t.role, round: t.round, status: t.status, createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString() })),
          outbound: out.map((o) => ({ ...o, createdAt: o.createdAt.toISOString(), sentAt: o.sentAt?.toISOString() ?? null })),
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
      async handler(this: This, ctx: Context<{ status?: string; owner?: string; origin?: string; from?: Date; to?: Date; page?: number; pageSize?: number; overdue?: boolean }>) {
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
          this.db.select().from(cases).where(cond).orderBy(desc(cases.receivedAt), desc(cases.id)).limit(pageSize).offset((page - 1) * pageSize),
          this.db.select({ n: count() }).from(cases).where(cond),
        ]);
        return { items: rows.map((r) => ({ ...caseView(r), statusLabel: STATUS_LABEL[r.status as CaseStatus] })), total: Number(total[0].n), page, pageSize };
      },
    },

    /** 待人工分拨: cases no rule owns, oldest first, with the time they will be returned. */
    triage: {
      async handler(this: This) {
        const rows = await this.db.select().from(cases).where(eq(cases.status, "TRIAGE")).orderBy(asc(cases.triageSince));
        const timeout = config().triageTimeoutMs;
        return {
          items: rows.map((r) => ({ ...caseView(r), triageSince: r.triageSince?.toISOString() ?? null, returnAt: r.triageSince ? new Date(r.triageSince.getTime() + timeout).toISOString() : null })),
          total: rows.length,
        };
      },
    },

    /** An agent assigns a triage case to a unit: dispatched and signed for at the origin. */
    assign: {
      params: { id: "string", unitId: "string", note: { type: "string", optional: true, max: 500 } },
      async handler(this: This, ctx: Context<{ id: string; unitId: string; note?: string }, { user?: { role: string } }>) {
        const unit = await ctx.call<UnitRef | null, { unitId: string }>("routing.unit", { unitId: ctx.params.unitId });
        if (!unit) throw notFound("承办单位", "unit", ctx.params.unitId);
        const agent = ctx.meta.user?.role ?? "agent";
        return this.change({ id: ctx.params.id }, "assign", { kind: "agent", id: agent }, async (w, tx) => {
          const reason = `人工派单至${unit.unitName}${ctx.params.note ? `：${ctx.params.note}` : ""}`;
          await this.dispatch(w, tx, unit, [], { decidedBy: "agent", ruleId: null, ruleName: null, principle: "人工", reason, decidedAt: w.now.toISOString() }, { signOrigin: true, round: w.c.reworkCount });
          w.patch.triageSince = null;
          w.event("ASSIGNED", reason, { unitId: unit.unitId }, "TRIAGE", w.status);
        });
      },
    },

    /** An agent forwards a dispatched case to another unit (改派); the old task is recalled. */
    reassign: {
      params: { id: "string", unitId: "string", reason: { type: "string", min: 1, max: 500 } },
      async handler(this: This, ctx: Context<{ id: string; unitId: string; reason: string }, { user?: { role: string } }>) {
        const unit = await ctx.call<UnitRef | null, { unitId: string }>("routing.unit", { unitId: ctx.params.unitId });
        if (!unit) throw notFound("承办单位", "unit", ctx.params.unitId);
        return this.change({ id: ctx.params.id }, "reassign", { kind: "agent", id: ctx.meta.user?.role ?? "agent" }, async (w, tx) => {
          if (w.c.ownerUnitId === unit.unitId) throw conflict("SAME_OWNER", `案件已由${unit.unitName}承办`, `the case is already owned by ${unit.unitId}`);
          const from = w.c.status as CaseStatus;
          const reason = `改派至${unit.unitName}：${ctx.params.reason}`;
          await this.dispatch(w, tx, unit, [], { decidedBy: "agent", ruleId: null, ruleName: null, principle: "人工", reason, decidedAt: w.now.toISOString() }, { signOrigin: false, round: w.c.reworkCount });
          w.event("REASSIGNED", reason, { from: w.c.ownerUnitId, to: unit.unitId }, from, w.status);
        });
      },
    },

    /** An agent returns a case to the platform (退单) with a reason. */
    returnCase: {
      params: { id: "string", reason: { type: "string", min: 1, max: 500 } },
      async handler(this: This, ctx: Context<{ id: string; reason: string }, { user?: { role: string } }>) {
        return this.change({ id: ctx.params.id }, "returnCase", { kind: "agent", id: ctx.meta.user?.role ?? "agent" }, async (w, tx) => {
          for (const t of await openTasks(tx, w.c.id)) {
            w.setTask(t.id, "recalled");
            w.send("unit", t.unitId, "recall", { taskId: t.id, caseId: w.c.id, reason: "案件已退单", recalledAt: w.now.toISOString() });
          }
          w.sendToOrigin("return", { reason: ctx.params.reason, returnedAt: w.now.toISOString() });
          w.event("RETURNED", `退单：${ctx.params.reason}`, {}, w.c.status as CaseStatus, "RETURNED");
        });
      },
    },

    unitAccept: {
      async handler(this: This, ctx: Context<{ unitId: string; taskId: string; at?: string; handler?: string }>) {
        const { unitId, taskId } = ctx.params;
        const task = await this.db.select().from(caseTasks).where(eq(caseTasks.id, taskId));
        if (task[0]?.role === "co") return coUnitStep(this, task[0], unitId, "accepted", `协办单位${task[0].unitName}已签收`);
        return this.change(await caseOfTask(this, unitId, taskId), "accept", { kind: "unit", id: unitId }, async (w, tx) => {
          const t = await this.ownerTask(tx, unitId, taskId);
          w.setTask(t.id, "accepted");
          w.event("ACCEPTED", `${t.unitName}已签收${ctx.params.handler ? `（经办人 ${ctx.params.handler}）` : ""}`, { taskId }, "DISPATCHED", w.status);
        });
      },
    },

    unitResult: {
      async handler(this: This, ctx: Context<{ unitId: string; taskId: string; outcome: 0 | 1 | 2 | 3; text: string; handler?: string }>) {
        const { unitId, taskId, outcome, text } = ctx.params;
        const task = await this.db.select().from(caseTasks).where(eq(caseTasks.id, taskId));
        if (task[0]?.role === "co") return coUnitStep(this, task[0], unitId, "done", `协办单位${task[0].unitName}反馈：${text}`, { outcome, text });
        return this.change(await caseOfTask(this, unitId, taskId), "reply", { kind: "unit", id: unitId }, async (w, tx) => {
          const t = await this.ownerTask(tx, unitId, taskId);
          w.setTask(t.id, "done");
          w.patch.outcome = outcome;
          w.patch.replyText = text;
          w.sendToOrigin("reply", { outcome, text, unitName: t.unitName, repliedAt: w.now.toISOString() });
          w.event("REPLIED", `${t.unitName}回复办理结果「${outcomeLabel[outcome]}」：${text}`, { outcome }, "IN_PROGRESS", "REPLIED");
        });
      },
    },

    unitExtension: {
      async handler(this: This, ctx: Context<{ unitId: string; taskId: string; until: string; reason: string }>) {
        const { unitId, taskId, reason } = ctx.params;
        const until = new Date(ctx.params.until);
        return this.change(await caseOfTask(this, unitId, taskId), "extend", { kind: "unit", id: unitId }, async (w, tx) => {
          const t = await this.ownerTask(tx, unitId, taskId);
          const deadline = w.c.handleDeadline;
          if (deadline && deadline.getTime() < w.now.getTime())
            throw conflict("DEADLINE_PASSED", `办理时限 ${deadline.toISOString()} 已过，不能再申请延期`, `the handling deadline ${deadline.toISOString()} has passed; extensions must be asked before it`);
          if (deadline && until.getTime() <= deadline.getTime())
            throw conflict("EXTENSION_NOT_LATER", `申请延期至 ${until.toISOString()} 不晚于现有时限 ${deadline.toISOString()}`, `the requested date is not after the current deadline`);
          w.patch.handleDeadline = until;
          w.sendToOrigin("extension", { until: until.toISOString(), reason, unitName: t.unitName, requestedAt: w.now.toISOString() });
          w.event("EXTENSION_REQUESTED", `${t.unitName}申请延期至 ${until.toISOString()}：${reason}`, { until: until.toISOString(), previous: deadline?.toISOString() ?? null }, "IN_PROGRESS", "IN_PROGRESS");
        });
      },
    },

    /** The owner says the case is not theirs: try the next owner the rules allow, else 退单. */
    unitRefuse: {
      async handler(this: This, ctx: Context<{ unitId: string; taskId: string; reason: string; legalBasis?: string }>) {
        const { unitId, taskId, reason } = ctx.params;
        const ref = await caseOfTask(this, unitId, taskId);
        const pre = await this.db.select().from(cases).where(eq(cases.id, ref.id));
        const excluded = [...new Set([...(((pre[0]?.routing as { excluded?: string[] }) ?? {}).excluded ?? []), unitId])];
        const { decision } = pre[0] ? await this.decide(ctx, pre[0], excluded) : { decision: { matched: false, cityCode: null, reason: "" } as RoutingDecision };
        const action: CaseAction = decision.matched ? "refuse" : "returnCase";
        return this.change(ref, action, { kind: "unit", id: unitId }, async (w, tx) => {
          const t = await this.ownerTask(tx, unitId, taskId);
          w.setTask(t.id, "refused");
          const from = w.c.status as CaseStatus;
          const why = `${t.unitName}退回：${reason}${ctx.params.legalBasis ? `（依据：${ctx.params.legalBasis}）` : ""}`;
          w.event("REFUSED", why, { taskId, reason, legalBasis: ctx.params.legalBasis ?? null }, from, from);
          if (decision.matched) {
            await this.dispatch(w, tx, decision.owner, decision.coUnits, { ...routingOf(decision, w.now), excluded }, { signOrigin: false, round: w.c.reworkCount });
            w.event("ROUTED", `重新派单：${decision.reason}`, { ruleId: decision.ruleId, owner: decision.owner }, from, w.status);
          } else {
            for (const o of await openTasks(tx, w.c.id)) {
              if (o.id === t.id) continue;
              w.setTask(o.id, "recalled");
              w.send("unit", o.unitId, "recall", { taskId: o.id, caseId: w.c.id, reason: "案件已退单", recalledAt: w.now.toISOString() });
            }
            const text = `${why}；无其他派单规则适用`;
            w.sendToOrigin("return", { reason: text, returnedAt: w.now.toISOString() });
            w.event("RETURNED", `退单：${text}`, { excluded }, from, "RETURNED");
          }
        });
      },
    },

    /** 回访: satisfied → archived; 不满意 → 重办 (a new round for the owner). */
    callback: {
      async handler(this: This, ctx: Context<{ system: string; externalId: string; satisfaction: 0 | 1 | 2 | 3; comment?: string }>) {
        const { system, externalId, satisfaction, comment } = ctx.params;
        const action: CaseAction = satisfaction === 0 ? "callbackDissatisfied" : "callbackSatisfied";
        return this.change({ system, externalId }, action, { kind: "system", id: system }, async (w, tx) => {
          w.patch.satisfaction = satisfaction;
          const said = `回访结果「${satisfactionLabel[satisfaction]}」${comment ? `：${comment}` : ""}`;
          w.event("CALLBACK", said, { satisfaction, comment: comment ?? null }, "REPLIED", "REPLIED");
          if (satisfaction === 0) {
            const round = w.c.reworkCount + 1;
            w.patch.reworkCount = round;
            w.patch.outcome = null;
            w.patch.replyText = null;
            const owner = { unitId: w.c.ownerUnitId!, unitName: w.c.ownerUnitName ?? w.c.ownerUnitId! };
            await this.dispatch(w, tx, owner, w.c.coUnits, (w.c.routing as Record<string, unknown>) ?? {}, { signOrigin: false, round, note: `重办（第${round}次）：${said}` });
            w.event("REOPENED", `市民不满意，重办（第${round}次），重新交${owner.unitName}办理`, { round }, "REPLIED", "DISPATCHED");
          } else {
            w.event("ARCHIVED", "办结归档", {}, "REPLIED", "ARCHIVED");
          }
        });
      },
    },

    /** 催办/督办 from the platform: on the timeline and raised with the owner. */
    urge: {
      async handler(this: This, ctx: Context<{ system: string; externalId: string; level: "催办" | "督办"; text?: string }>) {
        const { system, externalId, level } = ctx.params;
        const text = ctx.params.text ?? "";
        return this.change({ system, externalId }, "urge", { kind: "system", id: system }, async (w, tx) => {
          w.patch.urgeCount = w.c.urgeCount + 1;
          const owner = (await openTasks(tx, w.c.id)).find((t) => t.role === "owner");
          if (owner) w.send("unit", owner.unitId, "urge", { taskId: owner.id, caseId: w.c.id, level, text: text || level, urgedAt: w.now.toISOString() });
          w.event("URGED", `${ORIGIN_LABEL[system] ?? system}${level}${text ? `：${text}` : ""}${owner ? `，已转${owner.unitName}` : "（案件待分拨，尚无承办单位）"}`, { level, count: w.c.urgeCount + 1 }, w.c.status as CaseStatus, w.c.status as CaseStatus);
        });
      },
    },

    /** Schedule: cases left in triage past TRIAGE_TIMEOUT are returned to the platform. */
    sweepTriage: {
      async handler(this: This) {
        const limit = new Date(Date.now() - config().triageTimeoutMs);
        const due = await this.db.select({ id: cases.id }).from(cases).where(and(eq(cases.status, "TRIAGE"), lt(cases.triageSince, limit)));
        const waited = durationZh(config().triageTimeoutMs);
        let returned = 0;
        for (const { id } of due) {
          try {
            await this.change({ id }, "triageExpire", { kind: "hub", id: "schedule" }, (w) => {
              const reason = `无派单规则适用，且超过${waited}未人工分拨，退回12345重新派单`;
              w.sendToOrigin("return", { reason, returnedAt: w.now.toISOString() });
              w.event("TRIAGE_EXPIRED", reason, {}, "TRIAGE", "RETURNED");
            });
            returned++;
          } catch (e) {
            if (!(e instanceof HubError)) throw e; // assigned meanwhile: nothing to do
          }
        }
        return { returned };
      },
    },

    /**
     * Schedule: deadlines (每一步都有时限). A unit that has not signed for its task by the sign-for
     * deadline is urged (催办) once; a case still with its unit after the handling deadline is
     * supervised (督办) once. Both land on the timeline and reach the owner as an urge.
     */
    sweepDeadlines: {
      async handler(this: This) {
        const now = new Date();
        const signLate = await this.db
          .select({ id: cases.id })
          .from(cases)
          .where(and(eq(cases.status, "DISPATCHED"), lt(cases.signDeadline, now), isNull(cases.signUrgedAt)));
        const handleLate = await this.db
          .select({ id: cases.id })
          .from(cases)
          .where(and(inArray(cases.status, ["DISPATCHED", "IN_PROGRESS"]), lt(cases.handleDeadline, now), isNull(cases.overdueUrgedAt)));
        // a case late on both counts is supervised for the handling deadline first, urged to sign next time
        const late = [...handleLate.map((c) => ({ id: c.id, handle: true })), ...signLate.filter((c) => !handleLate.some((h) => h.id === c.id)).map((c) => ({ id: c.id, handle: false }))];
        let urged = 0;
        for (const { id, handle } of late) {
          try {
            await this.change({ id }, "urge", { kind: "hub", id: "schedule" }, async (w, tx) => {
              const level = handle ? "督办" : "催办";
              const deadline = handle ? w.c.handleDeadline! : w.c.signDeadline!;
              const text = handle ? `已超过办理时限（${deadline.toISOString()}），请尽快办理并回复` : `已超过签收时限（${deadline.toISOString()}）仍未签收，请立即签收`;
              if (handle) w.patch.overdueUrgedAt = w.now;
              else w.patch.signUrgedAt = w.now;
              const owner = (await openTasks(tx, w.c.id)).find((t) => t.role === "owner");
              if (owner) w.send("unit", owner.unitId, "urge", { taskId: owner.id, caseId: w.c.id, level, text, urgedAt: w.now.toISOString() });
              w.event("URGED", `系统自动${level}：${text}${owner ? `，已发${owner.unitName}` : ""}`, { level, auto: true, deadline: deadline.toISOString() }, w.c.status as CaseStatus, w.c.status as CaseStatus);
            });
            urged++;
          } catch (e) {
            if (!(e instanceof HubError)) throw e; // moved on meanwhile
          }
        }
        return { urged };
      },
    },

    /** delivery reports one attempt: sent, retry later, or give up (dead). */
    outboxResult: {
      async handler(this: This, ctx: Context<{ id: string; ok: boolean; permanent?: boolean; error?: string; response?: unknown; label?: string }>) {
        const p = ctx.params;
        const max = config().outboxMaxAttempts;
        await this.db.transaction(async (tx) => {
          const rows = await tx.select().from(outbox).where(eq(outbox.id, p.id)).for("update");
          const o = rows[0];
          if (!o || o.status !== "inflight") return; // a late answer for a message already settled
          const label = p.label ?? `${o.system}/${o.kind}`;
          const target = o.target ? `（${o.target}）` : "";
          const writeEvent = async (type: "OUTBOUND_DELIVERED" | "OUTBOUND_FAILED", summary: string, data: Record<string, unknown>) => {
            const c = await tx.select({ status: cases.status }).from(cases).where(eq(cases.id, o.caseId));
            await tx.insert(caseEvents).values({ caseId: o.caseId, type, actorKind: "hub", actorId: "delivery", fromStatus: c[0].status, toStatus: c[0].status, summary, data });
          };
          if (p.ok) {
            await tx.update(outbox).set({ status: "sent", sentAt: new Date(), response: (p.response ?? null) as never, leaseUntil: null, lastError: null }).where(eq(outbox.id, o.id));
            await writeEvent("OUTBOUND_DELIVERED", `${label}${target}：已送达`, { outboxId: o.id, system: o.system, kind: o.kind, attempts: o.attempts });
          } else if (p.permanent || o.attempts >= max) {
            await tx.update(outbox).set({ status: "dead", lastError: p.error ?? "unknown", response: (p.response ?? null) as never, leaseUntil: null }).where(eq(outbox.id, o.id));
            await writeEvent("OUTBOUND_FAILED", `${label}${target}：发送失败${p.permanent ? "（对方拒收）" : `（已重试 ${o.attempts} 次）`}，需人工处理：${p.error ?? ""}`, { outboxId: o.id, error: p.error ?? null });
          } else {
            await tx
              .update(outbox)
              .set({ status: "pending", lastError: p.error ?? null, leaseUntil: null, nextAttemptAt: new Date(Date.now() + backoffMs(o.attempts)) })
              .where(eq(outbox.id, o.id));
          }
        });
        this.kickRelay();
        return { ok: true };
      },
    },

    /** Engineers: outbound messages by status, newest first. */
    outboxList: {
      params: { status: { type: "string", optional: true }, limit: { type: "number", integer: true, positive: true, max: 500, convert: true, optional: true } },
      async handler(this: This, ctx: Context<{ status?: string; limit?: number }>) {
        const rows = await this.db
          .select()
          .from(outbox)
          .where(ctx.params.status ? inArray(outbox.status, ctx.params.status.split(",")) : undefined)
          .orderBy(desc(outbox.seq))
          .limit(ctx.params.limit ?? 100);
        return { items: rows };
      },
    },

    /** Engineers: send a dead (or waiting) message again now. */
    outboxRetry: {
      params: { id: "string" },
      async handler(this: This, ctx: Context<{ id: string }>) {
        const rows = await this.db
          .update(outbox)
          .set({ status: "pending", attempts: 0, nextAttemptAt: new Date(), leaseUntil: null })
          .where(and(eq(outbox.id, ctx.params.id), inArray(outbox.status, ["dead", "pending"])))
          .returning({ id: outbox.id });
        if (!rows.length) throw notFound("待重发消息", "retryable outbound message", ctx.params.id);
        this.kickRelay();
        return { id: ctx.params.id, status: "pending" };
      },
    },

    /** Flow health: cases by status, outbox by status and the age of the oldest unsent message. */
    stats: {
      async handler(this: This) {
        const byStatus = await this.db.select({ status: cases.status, n: count() }).from(cases).groupBy(cases.status);
        const overdue = await this.db.select({ n: count() }).from(cases).where(OVERDUE);
        const out = await this.db.select({ status: outbox.status, n: count(), oldest: sql<string | null>`min(${outbox.createdAt})` }).from(outbox).groupBy(outbox.status);
        const now = Date.now();
        return {
          cases: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])),
          overdue: Number(overdue[0].n),
          outbox: Object.fromEntries(out.map((r) => [r.status, { count: Number(r.n), oldestAgeSeconds: r.oldest && r.status !== "sent" ? Math.round((now - new Date(r.oldest).getTime()) / 1000) : null }])),
        };
      },
    },
  },

  methods: {
    async change(this: This, ref, action, actor, plan) {
      const res = await this.db.transaction(async (tx) => {
        const c = await lockCase(tx, ref);
        if (!c) throw notFound("案件", "case", "id" in ref ? ref.id : `${ref.system}/${ref.externalId}`);
        const t = transition(c.status as CaseStatus, action);
        if (!t.ok) throw conflict("ILLEGAL_TRANSITION", t.message, t.messageEn, { caseId: c.id, status: c.status, action });
        const w = new TxWriter(c, actor);
        w.patch.status = t.to;
        await plan(w, tx);
        await w.flush(tx);
        return { caseId: c.id, status: w.status, outbound: w.hasOutbound };
      });
      if (res.outbound) this.kickRelay();
      return { caseId: res.caseId, status: res.status };
    },

    async decide(this: This, ctx, c, exclude) {
      return (await ctx.call("routing.decide", { input: routingInput(c), exclude })) as Decided;
    },

    /** Owner + co-units get fresh tasks, open tasks of this case are recalled first; optionally sign at the origin. */
    async dispatch(this: This, w, tx, owner, coUnits, routing, opts) {
      for (const t of await openTasks(tx, w.c.id)) {
        if (w.settled(t.id)) continue;
        w.setTask(t.id, "recalled");
        w.send("unit", t.unitId, "recall", { taskId: t.id, caseId: w.c.id, reason: `案件已改由${owner.unitName}承办`, recalledAt: w.now.toISOString() });
      }
      w.patch.ownerUnitId = owner.unitId;
      w.patch.ownerUnitName = owner.unitName;
      w.patch.coUnits = coUnits;
      w.patch.routing = routing;
      if (opts.signOrigin) w.sendToOrigin("sign", { unitId: owner.unitId, unitName: owner.unitName, signedAt: w.now.toISOString() });
      w.newTask(owner, "owner", opts.round, opts.note);
      for (const u of coUnits) w.newTask(u, "co", opts.round, opts.note);
    },

    async ownerTask(this: This, tx, unitId, taskId) {
      const rows = await tx.select().from(caseTasks).where(eq(caseTasks.id, taskId));
      const t = rows[0];
      if (!t || t.unitId !== unitId) throw notFound("任务", "task", `${unitId}/${taskId}`);
      if (t.status === "recalled") throw conflict("TASK_RECALLED", "该任务已撤回（案件已改派或退单），无需再处理", "this task was recalled (the case moved or was returned)");
      if (t.status === "refused") throw conflict("TASK_REFUSED", "该任务已被本单位退回", "this task was already refused by the unit");
      if (t.status === "done") throw conflict("TASK_DONE", "该任务已反馈办理结果", "this task already has a result");
      return t;
    },

    /** Hands due outbound messages to the bus; runs on a timer and right after each commit. */
    async relay(this: This) {
      if (this.relayRunning) {
        this.relayAgain = true;
        return;
      }
      this.relayRunning = true;
      try {
        do {
          this.relayAgain = false;
          const due = await claimDue(this.db, 100, LEASE_MS);
          for (const o of due) {
            try {
              await (this.broker as unknown as { sendToChannel(n: string, p: unknown): Promise<void> }).sendToChannel("tg.outbound", {
                id: o.id,
                caseId: o.caseId,
                system: o.system,
                target: o.target,
                kind: o.kind,
                payload: o.payload,
                idempotencyKey: o.idempotencyKey,
              });
            } catch (e) {
              this.logger.warn(`outbox ${o.id}: bus refused the message, will retry: ${(e as Error).message}`);
              await unclaim(this.db, o.id, 2000);
            }
          }
          if (due.length === 100) this.relayAgain = true;
        } while (this.relayAgain);
      } catch (e) {
        this.logger.error(`outbox relay failed: ${(e as Error).message}`);
      } finally {
        this.relayRunning = false;
      }
    },

    kickRelay(this: This) {
      setImmediate(() => void this.relay());
    },
  },

  async started(this: This) {
    const cfg = config();
    this.db = (await openDb(cfg)).db;
    this.relayRunning = false;
    this.relayAgain = false;
    this.relayTimer = setInterval(() => void this.relay(), cfg.relayIntervalMs);
    this.relayTimer.unref();
    if (this.broker.isMetricsEnabled()) {
      // flow health for Prometheus: the same figures as GET /api/v1/flow, refreshed every 15 s
      const m = this.broker.metrics;
      m.register({ name: "tongguan.cases", type: "gauge", labelNames: ["status"], description: "cases by status" });
      m.register({ name: "tongguan.cases.overdue", type: "gauge", description: "cases still with a unit after their handling deadline" });
      m.register({ name: "tongguan.outbox", type: "gauge", labelNames: ["status"], description: "outbound messages by status" });
      m.register({ name: "tongguan.outbox.oldest.seconds", type: "gauge", labelNames: ["status"], description: "age of the oldest unsent outbound message" });
      const refresh = async () => {
        try {
          const s = (await (this as unknown as { actions: { stats(): Promise<unknown> } }).actions.stats()) as { cases: Record<string, number>; overdue: number; outbox: Record<string, { count: number; oldestAgeSeconds: number | null }> };
          for (const st of ["RECEIVED", "TRIAGE", "DISPATCHED", "IN_PROGRESS", "REPLIED", "ARCHIVED", "RETURNED"]) m.set("tongguan.cases", s.cases[st] ?? 0, { status: st });
          m.set("tongguan.cases.overdue", s.overdue);
          for (const st of ["pending", "inflight", "sent", "dead"]) {
            m.set("tongguan.outbox", s.outbox[st]?.count ?? 0, { status: st });
            if (st !== "sent") m.set("tongguan.outbox.oldest.seconds", s.outbox[st]?.oldestAgeSeconds ?? 0, { status: st });
          }
        } catch (e) {
          this.logger.warn(`metrics refresh failed: ${(e as Error).message}`);
        }
      };
      void refresh();
      this.gaugeTimer = setInterval(() => void refresh(), 15_000);
      this.gaugeTimer.unref();
    }
  },

  async stopped(this: This) {
    if (this.relayTimer) clearInterval(this.relayTimer);
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    // wait for a relay pass in progress, so the DB is not closed under it
    for (let i = 0; i < 50 && this.relayRunning; i++) await new Promise((r) => setTimeout(r, 20));
  },
};

function routingOf(d: Extract<RoutingDecision, { matched: true }>, now: Date): Record<string, unknown> {
  return { decidedBy: "rules", ruleId: d.ruleId, ruleName: d.ruleName, principle: d.principle, reason: d.reason, decidedAt: now.toISOString() };
}

/** The case a unit's task belongs to; 404 when the task is not this unit's. */
async function caseOfTask(svc: This, unitId: string, taskId: string): Promise<{ id: string }> {
  const rows = await svc.db.select({ caseId: caseTasks.caseId, unitId: caseTasks.unitId }).from(caseTasks).where(eq(caseTasks.id, taskId));
  if (!rows.length || rows[0].unitId !== unitId) throw notFound("任务", "task", `${unitId}/${taskId}`);
  return { id: rows[0].caseId };
}

/** A co-unit's accept or feedback: recorded on the timeline, the case status does not move. */
async function coUnitStep(svc: This, task: TaskRow, unitId: string, status: "accepted" | "done", summary: string, data: Record<string, unknown> = {}) {
  if (task.unitId !== unitId) throw notFound("任务", "task", `${unitId}/${task.id}`);
  if (task.status === "recalled") throw conflict("TASK_RECALLED", "该任务已撤回，无需再处理", "this task was recalled");
  return svc.db.transaction(async (tx) => {
    const c = await lockCase(tx, { id: task.caseId });
    await tx.update(caseTasks).set({ status, updatedAt: new Date() }).where(eq(caseTasks.id, task.id));
    await tx.insert(caseEvents).values({ caseId: task.caseId, type: status === "done" ? "CO_UNIT_RESULT" : "ACCEPTED", actorKind: "unit", actorId: unitId, fromStatus: c!.status, toStatus: c!.status, summary, data: { taskId: task.id, role: "co", ...data } });
    return { caseId: task.caseId, status: c!.status as CaseStatus };
  });
}

export default CasesService;
