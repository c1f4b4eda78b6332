/**
 * The cases service's sweeps, called by `schedule` (node-cron): cases left in triage too long are
 * returned to their origin; missed deadlines earn the owner an automatic 催办 (sign-for) or 督办
 * (handling), once each, and the origin system is told (时限通报, the `overdue` command — an origin
 * whose adapter does not take it hears nothing). Each case moves through the same one-statement
 * change as any command: the urge to the unit and the notice to the origin are queued together.
 */

import type { Context } from "moleculer";
import { and, eq, inArray, isNotNull, isNull, lt } from "drizzle-orm";
import { CalendarGapError } from "../../domain/calendar";
import { loadCities } from "../../domain/routing";
import { calendarOf } from "../../lib/calendars";
import type { CaseStatus } from "../../contracts/types";
import { originOf } from "../../adapters";
import { config } from "../../lib/config";
import { durationZh } from "../../lib/format";
import { HubError } from "../../kit/errors";
import type { CaseWriter } from "../../store/cases.repo";
import { cases } from "../../store/cases.tables";
import type { CasesMixin, CasesThis } from "../cases.service";

const SCHEDULE = { kind: "hub", id: "schedule" } as const;

export const CaseSweeps: CasesMixin = {
  actions: {
    /** Cases left in triage past TRIAGE_TIMEOUT are returned to their origin. */
    sweepTriage: {
      params: { now: { type: "string", optional: true } },
      async handler(this: CasesThis, ctx: Context<{ now?: string }>) {
        const now = ctx.params.now ? new Date(ctx.params.now) : new Date();
        const limit = new Date(now.getTime() - config().triageTimeoutMs);
        const due = await this.db
          .select({ id: cases.id })
          .from(cases)
          .where(and(eq(cases.status, "TRIAGE"), lt(cases.triageSince, limit)));
        const waited = durationZh(config().triageTimeoutMs);
        let returned = 0;
        for (const { id } of due) {
          try {
            await this.change({ id }, "triageExpire", SCHEDULE, (w) => {
              const reason = `无派单规则适用，且超过${waited}未人工分拨，退回${originOf(w.c.originSystem).label}重新派单`;
              w.toOrigin("return", { reason, returnedAt: w.now.toISOString() });
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
     * Deadlines (每一步都有时限): a unit that has not signed for its task by the sign-for deadline
     * is urged (催办) once; a case still with its unit after the handling deadline is supervised
     * (督办) once. Both land on the timeline and reach the owner as an urge.
     */
    sweepDeadlines: {
      params: { now: { type: "string", optional: true } },
      async handler(this: CasesThis, ctx: Context<{ now?: string }>) {
        const now = ctx.params.now ? new Date(ctx.params.now) : new Date();
        const signLate = await this.db
          .select({ id: cases.id })
          .from(cases)
          .where(and(eq(cases.status, "DISPATCHED"), lt(cases.signDeadline, now), isNull(cases.signUrgedAt)));
        const handleLate = await this.db
          .select({ id: cases.id })
          .from(cases)
          .where(and(inArray(cases.status, ["DISPATCHED", "IN_PROGRESS"]), lt(cases.handleDeadline, now), isNull(cases.overdueUrgedAt), isNull(cases.cityManagement)));
        // a case late on both counts is supervised for the handling deadline first, urged to sign next time
        const late = [...handleLate.map((c) => ({ id: c.id, handle: true })), ...signLate.filter((c) => !handleLate.some((h) => h.id === c.id)).map((c) => ({ id: c.id, handle: false }))];
        let urged = 0;
        for (const { id, handle } of late) {
          try {
            await this.change({ id }, "urge", SCHEDULE, (w) => {
              const level = handle ? "督办" : "催办";
              const deadline = handle ? w.c.handleDeadline! : w.c.signDeadline!;
              const text = handle ? `已超过办理时限（${deadline.toISOString()}），请尽快办理并回复` : `已超过签收时限（${deadline.toISOString()}）仍未签收，请立即签收`;
              if (handle) w.patch.overdueUrgedAt = w.now;
              else w.patch.signUrgedAt = w.now;
              const owner = w.openTasks().find((t) => t.role === "owner");
              if (owner) w.toUnit("urge", owner.unitId, { taskId: owner.id, caseId: w.c.id, level, text, urgedAt: w.now.toISOString() });
              const told = tellOrigin(w, { level, deadlineKind: handle ? "handle" : "sign", deadline, overdue: true, unitName: owner?.unitName, text, at: now });
              w.event(
                "URGED",
                `系统自动${level}：${text}${owner ? `，已发${owner.unitName}` : ""}${told}`,
                { level, auto: true, deadline: deadline.toISOString() },
                w.c.status as CaseStatus,
                w.c.status as CaseStatus,
              );
            });
            urged++;
          } catch (e) {
            if (!(e instanceof HubError)) throw e; // moved on meanwhile
          }
        }
        const loop = await this.loopDeadlines(now);
        // 并案: linked cases whose master was answered but whose own answer a crash interrupted
        const waiting = await this.sql.query<{ master_id: string }>(
          `SELECT DISTINCT l.master_id FROM cases l JOIN cases m ON m.id = l.master_id WHERE l.status = 'MERGED' AND m.status IN ('REPLIED', 'ARCHIVED')`,
        );
        for (const { master_id } of waiting) await this.answerLinked(master_id);
        return { urged: urged + loop.urged + loop.supervised, warned: loop.warned, supervised: loop.supervised, gaps: loop.gaps };
      },
    },
  },

  methods: {
    /**
     * 7-step loop cases (处置时限 on the city's working calendar): 预警 to the owner when at most
     * WARN_WORKING_HOURS of office time are left, 催办 to the owner once the deadline has passed,
     * 督办 to the owner's supervisor (units.json `supervisor`) once SUPERVISE_AFTER_WORKING_HOURS
     * more have passed. Each once, on the timeline, sent as an urge. A city whose calendar lacks
     * the year is an alarm (`gaps`), never a guess.
     */
    async loopDeadlines(this: CasesThis, now: Date) {
      const open = await this.db
        .select({ id: cases.id, cityCode: cases.cityCode, deadline: cases.handleDeadline, warned: cases.deadlineWarnedAt, urged: cases.overdueUrgedAt })
        .from(cases)
        .where(and(inArray(cases.status, ["DISPATCHED", "IN_PROGRESS"]), isNotNull(cases.cityManagement), isNotNull(cases.handleDeadline), isNull(cases.supervisedAt)));
      const out = { warned: 0, urged: 0, supervised: 0, gaps: [] as { caseId: string; year: number; message: string }[] };
      for (const c of open) {
        const cal = calendarOf(c.cityCode);
        if (!cal || !c.deadline) continue;
        let level: "预警" | "催办" | "督办" | null = null;
        try {
          if (now >= c.deadline) level = !c.urged ? "催办" : cal.workingHoursBetween(c.deadline, now) >= SUPERVISE_AFTER_WORKING_HOURS ? "督办" : null;
          else if (!c.warned && cal.workingHoursBetween(now, c.deadline) <= WARN_WORKING_HOURS) level = "预警";
        } catch (e) {
          if (!(e instanceof CalendarGapError)) throw e;
          out.gaps.push({ caseId: c.id, year: e.year, message: e.messageZh });
          continue;
        }
        if (!level) continue;
        const chosen = level;
        try {
          await this.change({ id: c.id }, "urge", SCHEDULE, (w) => {
            const deadline = w.c.handleDeadline!;
            const owner = w.openTasks().find((t) => t.role === "owner");
            const due = localTime(deadline);
            const text =
              chosen === "预警"
                ? `距处置时限（${due}）不足 ${WARN_WORKING_HOURS} 个工作时，请抓紧处置并反馈`
                : chosen === "催办"
                  ? `已超过处置时限（${due}），请立即处置并反馈`
                  : `超过处置时限（${due}）已满 ${SUPERVISE_AFTER_WORKING_HOURS} 个工作时仍未处置反馈，督办`;
            if (chosen === "预警") w.patch.deadlineWarnedAt = now;
            if (chosen === "催办") w.patch.overdueUrgedAt = now;
            if (chosen === "督办") w.patch.supervisedAt = now;
            let to = owner?.unitId;
            let toName = owner?.unitName;
            if (chosen === "督办" && w.c.ownerUnitId) {
              const sup = supervisorOf(w.c.ownerUnitId);
              if (sup) {
                to = sup.id;
                toName = sup.name;
              }
            }
            if (owner && to)
              w.toUnit("urge", to, {
                taskId: owner.id,
                caseId: w.c.id,
                level: chosen,
                text: chosen === "督办" ? `${owner.unitName}承办的案件${text}` : text,
                urgedAt: now.toISOString(),
                // to the supervisor, which does not hold the task: it is told whose task it is
                ...(to !== owner.unitId ? { ownerUnitId: owner.unitId, ownerUnitName: owner.unitName } : {}),
              });
            const told = tellOrigin(w, {
              level: chosen,
              deadlineKind: "handle",
              deadline,
              overdue: chosen !== "预警",
              unitName: owner?.unitName ?? w.c.ownerUnitName ?? undefined,
              supervisorName: chosen === "督办" && to !== owner?.unitId ? toName : undefined,
              text,
              at: now,
            });
            w.event(
              "URGED",
              `系统自动${chosen}：${text}${toName ? `，已发${toName}` : ""}${told}`,
              { level: chosen, auto: true, deadline: deadline.toISOString(), to: to ?? null, at: now.toISOString() },
              w.c.status as CaseStatus,
              w.c.status as CaseStatus,
            );
          });
          if (chosen === "预警") out.warned++;
          else if (chosen === "催办") out.urged++;
          else out.supervised++;
        } catch (e) {
          if (!(e instanceof HubError)) throw e;
        }
      }
      if (out.gaps.length) this.logger.warn(`工作日历缺少年度数据，${out.gaps.length} 件案件的处置时限无法判断：${out.gaps[0].message}`);
      return out;
    },
  },
};

/**
 * 时限通报: the origin hears of the deadline job's 预警/催办/督办 (the `overdue` command, in its own
 * wire format), in the same change as the urge. An origin whose adapter takes no `overdue` is told
 * nothing (the outbox writes no row); the timeline says which happened. Answers the timeline's tail.
 */
function tellOrigin(
  w: CaseWriter,
  n: { level: "预警" | "催办" | "督办"; deadlineKind: "sign" | "handle"; deadline: Date; overdue: boolean; unitName?: string; supervisorName?: string; text: string; at?: Date },
): string {
  if (!n.unitName) return "";
  const sent = w.toOrigin("overdue", {
    caseId: w.c.id,
    level: n.level,
    deadlineKind: n.deadlineKind,
    deadline: n.deadline.toISOString(),
    overdue: n.overdue,
    unitName: n.unitName,
    ...(n.supervisorName ? { supervisorName: n.supervisorName } : {}),
    text: n.text,
    notifiedAt: (n.at ?? w.now).toISOString(),
  });
  return sent ? `；已通报${originOf(w.c.originSystem).label}` : "";
}

/** 预警 when at most this many office hours are left */
const WARN_WORKING_HOURS = 1;
/** 督办 this many office hours (one working day) after the deadline */
const SUPERVISE_AFTER_WORKING_HOURS = 8;

const localTime = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");

let supervisors: Map<string, { id: string; name: string }> | undefined;
/** The unit 督办 goes to for an owner: its `supervisor` in the city data. */
function supervisorOf(unitId: string): { id: string; name: string } | undefined {
  if (!supervisors) {
    supervisors = new Map();
    const cities = loadCities();
    const byId = new Map(cities.flatMap((c) => c.units.map((u) => [u.id, u] as const)));
    for (const u of byId.values()) {
      const sup = u.supervisor ? byId.get(u.supervisor) : undefined;
      if (sup) supervisors.set(u.id, { id: sup.id, name: sup.name });
    }
  }
  return supervisors.get(unitId);
}
