/**
 * The cases service's sweeps, called by `schedule` (node-cron): cases left in triage too long are
 * returned to their origin; missed deadlines earn the owner an automatic 催办 (sign-for) or 督办
 * (handling), once each. Each case moves through the same one-statement change as any command.
 */

import type { Context } from "moleculer";
import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import type { CaseStatus } from "../../contracts/types";
import { originOf } from "../../adapters";
import { config } from "../../lib/config";
import { durationZh } from "../../lib/format";
import { HubError } from "../../kit/errors";
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
          .where(and(inArray(cases.status, ["DISPATCHED", "IN_PROGRESS"]), lt(cases.handleDeadline, now), isNull(cases.overdueUrgedAt)));
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
              w.event(
                "URGED",
                `系统自动${level}：${text}${owner ? `，已发${owner.unitName}` : ""}`,
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
        return { urged };
      },
    },
  },
};
