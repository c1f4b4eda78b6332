/**
 * The cases service's commands: every step of a case's lifecycle. Each one reads the case with
 * its tasks (one statement), asks the lifecycle whether the step is legal (409 with a Chinese and
 * English reason if not), plans the change in memory and writes it — case, timeline, tasks and
 * outbound messages — as ONE statement guarded by the version it read; the messages it claimed
 * are handed to delivery right after.
 */
import type { Context } from "moleculer";
import type { CaseDraft, CaseStatus } from "../../contracts/types";
import { labels } from "../../contracts";
import { deliverer, originOf, verifier } from "../../adapters";
import { transition, type CaseAction } from "../../domain/lifecycle";
import type { RoutingDecision } from "../../domain/routing";
import type { LoopDeadline } from "../../domain/loop";
import { bestMaster, NOT_MASTER, type MergeCase, type MergeSettings } from "../../domain/merge";
import { config } from "../../lib/config";
import { handOff } from "../../lib/handoff";
import { newId } from "../../lib/ids";
import { HubError, conflict, notFound } from "../../kit/errors";
import { attachmentsOf, CaseWriter, loadCase, MAX_ATTACHMENTS_SENT, type Actor, type CaseRef, type CaseRow, type TaskRow, type UnitRef } from "../../store/cases.repo";
import type { CasesMixin, CasesThis } from "../cases.service";

type Decided = { decision: RoutingDecision; categoryCode: string | null; districtCode: string | null; merging?: MergeSettings; loopClass?: Record<string, unknown> };
type Plan = (w: CaseWriter) => Promise<void> | void;

const outcomeLabel = labels("Outcome");
const satisfactionLabel = labels("Satisfaction");
const ROUTER: Actor = { kind: "hub", id: "routing" };
const localTime = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
/** 核查时限: a supervisor confirms the owner's feedback within this long (a working-calendar limit comes with the deadline jobs) */
const VERIFY_WITHIN_MS = 4 * 3600_000;
/** One verification per round of a case: its id names both, so the result finds its case. */
export const verificationIdOf = (caseId: string, round: number) => `VF${caseId}R${round}`;
/** A new case as the merge decision reads it. */
const mergeCaseOf = (r: CaseRow): MergeCase => ({
  id: r.id,
  originSystem: r.originSystem,
  externalId: r.externalId,
  receivedAt: r.receivedAt.toISOString(),
  cityCode: r.cityCode ?? "",
  categoryCode: r.categoryCode ?? "",
  categoryPath: r.categoryPath,
  title: r.title,
  content: r.content,
  location: r.location as MergeCase["location"],
  status: r.status,
});

/** What the supervisor who verifies sees: the report photos (上报) and the disposal photos (处置), this change's included. */
function verifierPhotos(w: CaseWriter): { attachments?: NonNullable<CaseRow["attachments"]> } {
  const all = (w.patch.attachments ?? w.c.attachments ?? []).filter((a) => a.kind === "上报" || a.kind === "处置");
  return all.length ? { attachments: all.slice(-MAX_ATTACHMENTS_SENT) } : {};
}

/** whether the case's origin system takes a reply (12345, 12319: yes; the grid system, as reporter: no) */
const deliversReply = (system: string) => deliverer("reply", { origin: system }) !== null;
const caseOfVerification = (id: string): { caseId: string; round: number } | null => {
  const m = /^VF(.+)R(\d+)$/.exec(id);
  return m ? { caseId: m[1], round: Number(m[2]) } : null;
};

export type RoutedFields = Pick<CaseRow, "categoryPath" | "categoryCode" | "appealType" | "urgency" | "location" | "originSystem" | "title" | "content">;

const routingInput = (c: RoutedFields) => ({
  category: { path: c.categoryPath, code: c.categoryCode },
  appealType: c.appealType,
  urgency: c.urgency,
  location: c.location,
  system: c.originSystem,
  title: c.title,
  content: c.content,
});

function routingOf(d: Extract<RoutingDecision, { matched: true }>, now: Date): Record<string, unknown> {
  return {
    decidedBy: "rules",
    ruleId: d.ruleId,
    ruleName: d.ruleName,
    principle: d.principle,
    reason: d.reason,
    decidedAt: now.toISOString(),
    ...(d.alternatives?.length ? { alternatives: d.alternatives } : {}),
  };
}

/** A triage decision as kept on the case: the reason and the proposals the agent sees. */
function triageOf(d: Extract<RoutingDecision, { matched: false }>, now: Date): Record<string, unknown> {
  return { decidedBy: "rules", ruleId: null, ruleName: null, principle: null, reason: d.reason, decidedAt: now.toISOString(), ...(d.proposals?.length ? { proposals: d.proposals } : {}) };
}

/** The owner's open task named in a unit's message; 404/409 when it is not (or no longer) theirs. */
function ownerTask(w: CaseWriter, unitId: string, taskId: string): TaskRow {
  const t = w.tasks.find((x) => x.id === taskId);
  if (!t || t.unitId !== unitId) throw notFound("任务", "task", `${unitId}/${taskId}`);
  if (t.status === "recalled") throw conflict("TASK_RECALLED", "该任务已撤回（案件已改派或退单），无需再处理", "this task was recalled (the case moved or was returned)");
  if (t.status === "refused") throw conflict("TASK_REFUSED", "该任务已被本单位退回", "this task was already refused by the unit");
  if (t.status === "done") throw conflict("TASK_DONE", "该任务已反馈办理结果", "this task already has a result");
  return t;
}

function recallOpen(w: CaseWriter, reason: string, except?: string) {
  for (const t of w.openTasks()) {
    if (t.id === except || w.settled(t.id)) continue;
    w.setTask(t.id, "recalled");
    w.toUnit("recall", t.unitId, { taskId: t.id, caseId: w.c.id, reason, recalledAt: w.now.toISOString() });
  }
}

/** Owner + co-units get fresh tasks, open tasks of this case are recalled first; optionally sign at the origin. */
function dispatch(w: CaseWriter, owner: UnitRef, coUnits: UnitRef[], routing: Record<string, unknown>, opts: { signOrigin: boolean; round: number; note?: string }) {
  recallOpen(w, `案件已改由${owner.unitName}承办`);
  w.patch.ownerUnitId = owner.unitId;
  w.patch.ownerUnitName = owner.unitName;
  w.patch.coUnits = coUnits;
  w.patch.routing = routing;
  if (opts.signOrigin) w.toOrigin("sign", { unitId: owner.unitId, unitName: owner.unitName, signedAt: w.now.toISOString() });
  w.newTask(owner, "owner", opts.round, opts.note);
  for (const u of coUnits) w.newTask(u, "co", opts.round, opts.note);
}

export const CaseCommands: CasesMixin = {
  actions: {
    /** A new case from an adapter: route, keep, sign — one statement; the same (origin, id) again is a duplicate. */
    open: {
      async handler(this: CasesThis, ctx: Context<{ draft: CaseDraft }>) {
        const d = ctx.params.draft;
        const base: RoutedFields = {
          categoryPath: d.category.path as string[],
          categoryCode: d.category.code ?? null,
          appealType: d.appealType,
          urgency: d.urgency,
          location: d.location as Record<string, unknown>,
          originSystem: d.origin.system,
          title: d.title,
          content: d.content,
        };
        const { decision, categoryCode, districtCode, merging, loopClass } = await this.decide(ctx, base, []);
        const now = new Date();
        // a city-management case from a source configured to enter the loop (LOOP_SOURCES): its grid class, as a grid event would carry
        if (!d.cityManagement && loopClass && config().loopSources.includes(d.origin.system)) d.cityManagement = loopClass as unknown as CaseDraft["cityManagement"];
        // 7-step loop: without a deadline from the platform, the 小类's disposal limit on the working calendar
        const loop =
          d.cityManagement && !d.cityManagement.fixedOnSite && !d.handleDeadline && decision.cityCode
            ? await ctx.call<LoopDeadline, { cityCode: string; cityManagement: unknown; from: string }>("routing.loopDeadline", {
                cityCode: decision.cityCode,
                cityManagement: d.cityManagement,
                from: d.receivedAt,
              })
            : null;
        // the district code routing derived (grid code, district or street name) is kept with the place
        const location = (districtCode && !d.location.districtCode ? { ...d.location, districtCode } : d.location) as Record<string, unknown>;
        const row: CaseRow = {
          id: newId("TG", now),
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
          location,
          reporter: d.reporter,
          urgency: d.urgency,
          receivedAt: new Date(d.receivedAt),
          signDeadline: d.signDeadline ? new Date(d.signDeadline) : null,
          handleDeadline: d.handleDeadline ? new Date(d.handleDeadline) : loop && "at" in loop ? new Date(loop.at) : null,
          ownerUnitId: null,
          ownerUnitName: null,
          coUnits: [],
          routing: null,
          cityManagement: (d.cityManagement as Record<string, unknown> | undefined) ?? null,
          outcome: null,
          replyText: null,
          satisfaction: null,
          reworkCount: 0,
          urgeCount: 0,
          triageSince: null,
          signUrgedAt: null,
          overdueUrgedAt: null,
          deadlineWarnedAt: null,
          supervisedAt: null,
          masterId: null,
          merge: null,
          // 照片: a grid report's photos (上报), kept on the case and sent on with its tasks
          attachments: attachmentsOf(
            d.cityManagement?.photos,
            "上报",
            [d.cityManagement?.reporterRole, d.cityManagement?.reporterId].filter(Boolean).join(" ") || originOf(d.origin.system).label,
            new Date(d.receivedAt).toISOString(),
          ),
          createdAt: now,
          updatedAt: now,
          version: 0,
        };
        // 并案: the same incident already reported through another channel (per-city distance, time, category and text)
        const match = merging && row.cityCode && !d.cityManagement?.fixedOnSite ? bestMaster(mergeCaseOf(row), await this.mergeCandidates(row, merging), merging) : null;
        if (match?.suggestions.length) {
          const possible = match.suggestions.slice(0, 3).map((s) => ({ caseId: s.case.id, score: s.comparison.score, why: s.comparison.why }));
          row.routing = { ...(row.routing ?? {}), possibleDuplicates: possible };
        }
        const w = new CaseWriter(row, [], { kind: "system", id: d.origin.system });
        const via = originOf(d.origin.system);
        w.event("RECEIVED", `收到${via.label}${via.noun} ${d.origin.externalId}：${d.title}`, { channel: d.origin.channel }, null, "RECEIVED");
        if (match?.master) {
          const m = match.master;
          const to = transition("RECEIVED", "merge");
          if (!to.ok) throw new Error(to.messageEn);
          w.patch.status = to.to;
          w.patch.masterId = m.case.id;
          w.patch.merge = { score: m.comparison.score, why: m.comparison.why, reasons: m.comparison.reasons, at: w.now.toISOString(), by: "hub" };
          w.patch.routing = {
            ...((row.routing as Record<string, unknown>) ?? {}),
            decidedBy: "rules",
            ruleId: null,
            ruleName: null,
            principle: null,
            reason: `与案件 ${m.case.id} 并案：${m.comparison.why}`,
            decidedAt: w.now.toISOString(),
          };
          w.event(
            "MERGED",
            `与${originOf(m.case.originSystem).label}案件 ${m.case.id}（${m.case.title}）并案：${m.comparison.why}；主案办结时一并答复`,
            { masterId: m.case.id, score: m.comparison.score, reasons: m.comparison.reasons },
            "RECEIVED",
            to.to,
            ROUTER,
          );
        } else if (d.cityManagement?.fixedOnSite) {
          // 即时处理: the inspector fixed it on the spot, below the 立案 standard — recorded, not opened
          const to = transition("RECEIVED", "record");
          if (!to.ok) throw new Error(to.messageEn);
          w.patch.status = to.to;
          w.event(
            "RECORDED",
            `即时处理：${d.cityManagement.minorName ?? d.title}已由${d.cityManagement.reporterRole ?? "监督员"}现场处理，记录备查，不立案`,
            { reporterId: d.cityManagement.reporterId ?? null },
            "RECEIVED",
            to.to,
          );
        } else if (decision.matched) {
          if (loop && "at" in loop) w.event("DEADLINE_SET", `${loop.text}，处置时限至 ${localTime(new Date(loop.at))}`, { deadline: loop.at, limit: loop.limit }, "RECEIVED", "RECEIVED", ROUTER);
          if (loop && "gap" in loop) {
            this.logger.warn(loop.gap.message);
            w.event("DEADLINE_SET", `处置时限无法计算：${loop.gap.message}`, { gap: loop.gap }, "RECEIVED", "RECEIVED", ROUTER);
          }
          const to = transition("RECEIVED", "route");
          if (!to.ok) throw new Error(to.messageEn);
          w.patch.status = to.to;
          dispatch(w, decision.owner, decision.coUnits, routingOf(decision, w.now), { signOrigin: true, round: 0 });
          w.event("ROUTED", decision.reason, { ruleId: decision.ruleId, owner: decision.owner, coUnits: decision.coUnits }, "RECEIVED", to.to, ROUTER);
        } else {
          w.patch.status = "TRIAGE";
          w.patch.triageSince = w.now;
          w.patch.routing = triageOf(decision, w.now);
          w.event(
            "TRIAGED",
            `未能自动派单，转人工分拨：${decision.reason}`,
            { proposals: (decision.proposals ?? []).map((p) => ({ unitId: p.unitId, categoryCode: p.categoryCode, confidence: p.confidence })) },
            "RECEIVED",
            "TRIAGE",
            ROUTER,
          );
        }
        const claimed = await w.insert(this.sql);
        if (!claimed) {
          const again = await loadCase(this.sql, { system: d.origin.system, externalId: d.origin.externalId });
          return { caseId: again!.c.id, duplicate: true };
        }
        handOff(this.broker, claimed);
        if (match?.master) {
          // the master's timeline names the linked report (a timeline-only step; the link itself is on this case)
          const m = match.master;
          await this.step(
            { id: m.case.id },
            ROUTER,
            (mw) => {
              mw.event(
                "LINKED",
                `${via.label}${via.noun} ${d.origin.externalId}（案件 ${row.id}）报告同一事件，已并入本案：${m.comparison.why}`,
                { caseId: row.id, score: m.comparison.score },
                mw.c.status as CaseStatus,
                mw.c.status as CaseStatus,
              );
              return null;
            },
            () => undefined,
          ).catch(() => undefined);
        }
        return { caseId: row.id, duplicate: false };
      },
    },

    /** An agent assigns a triage case to a unit: dispatched and signed for at the origin. */
    /** An agent assigns a triage case to a unit (one of the proposals, or any unit): dispatched and signed for at the origin. */
    assign: {
      params: { id: "string", unitId: "string", categoryCode: { type: "string", optional: true, pattern: /^([0-9]{2}){1,4}$/ }, note: { type: "string", optional: true, max: 500 } },
      async handler(this: CasesThis, ctx: Context<{ id: string; unitId: string; categoryCode?: string; note?: string }, { user?: { role: string } }>) {
        const unit = await ctx.call<UnitRef | null, { unitId: string }>("routing.unit", { unitId: ctx.params.unitId });
        if (!unit) throw notFound("承办单位", "handling unit", ctx.params.unitId);
        return this.change({ id: ctx.params.id }, "assign", { kind: "agent", id: ctx.meta.user?.role ?? "agent" }, (w) => {
          const proposals = ((w.c.routing as { proposals?: { unitId: string; categoryCode: string }[] } | null)?.proposals ?? []) as { unitId: string; categoryCode: string }[];
          const rank = proposals.findIndex((p) => p.unitId === unit.unitId && (!ctx.params.categoryCode || p.categoryCode === ctx.params.categoryCode));
          const categoryCode = ctx.params.categoryCode ?? (rank >= 0 ? proposals[rank].categoryCode : null);
          const taken = rank >= 0 ? `（采纳派单建议 ${rank + 1}）` : "";
          const reason = `人工派单至${unit.unitName}${taken}${ctx.params.note ? `：${ctx.params.note}` : ""}`;
          dispatch(w, unit, [], { decidedBy: "agent", ruleId: null, ruleName: null, principle: "人工", reason, decidedAt: w.now.toISOString() }, { signOrigin: true, round: w.c.reworkCount });
          if (categoryCode) w.patch.categoryCode = categoryCode;
          w.patch.triageSince = null;
          w.event("ASSIGNED", reason, { unitId: unit.unitId, categoryCode, proposal: rank >= 0 ? rank + 1 : null }, "TRIAGE", w.status);
        });
      },
    },

    /** An agent forwards a dispatched case to another unit (改派); the old task is recalled. */
    reassign: {
      params: { id: "string", unitId: "string", reason: { type: "string", min: 1, max: 500 } },
      async handler(this: CasesThis, ctx: Context<{ id: string; unitId: string; reason: string }, { user?: { role: string } }>) {
        const unit = await ctx.call<UnitRef | null, { unitId: string }>("routing.unit", { unitId: ctx.params.unitId });
        if (!unit) throw notFound("承办单位", "handling unit", ctx.params.unitId);
        return this.change({ id: ctx.params.id }, "reassign", { kind: "agent", id: ctx.meta.user?.role ?? "agent" }, (w) => {
          if (w.c.ownerUnitId === unit.unitId) throw conflict("SAME_OWNER", `案件已由${unit.unitName}承办`, `the case is already owned by ${unit.unitId}`);
          const from = w.c.status as CaseStatus;
          const reason = `改派至${unit.unitName}：${ctx.params.reason}`;
          dispatch(w, unit, [], { decidedBy: "agent", ruleId: null, ruleName: null, principle: "人工", reason, decidedAt: w.now.toISOString() }, { signOrigin: false, round: w.c.reworkCount });
          w.event("REASSIGNED", reason, { from: w.c.ownerUnitId, to: unit.unitId }, from, w.status);
        });
      },
    },

    /** An agent returns a case to its origin (退单) with a reason. */
    returnCase: {
      params: { id: "string", reason: { type: "string", min: 1, max: 500 } },
      async handler(this: CasesThis, ctx: Context<{ id: string; reason: string }, { user?: { role: string } }>) {
        return this.change({ id: ctx.params.id }, "returnCase", { kind: "agent", id: ctx.meta.user?.role ?? "agent" }, (w) => {
          recallOpen(w, "案件已退单");
          w.toOrigin("return", { reason: ctx.params.reason, returnedAt: w.now.toISOString() });
          w.event("RETURNED", `退单：${ctx.params.reason}`, {}, w.c.status as CaseStatus, "RETURNED");
        });
      },
    },

    unitAccept: {
      async handler(this: CasesThis, ctx: Context<{ unitId: string; taskId: string; at?: string; handler?: string }>) {
        const { unitId, taskId } = ctx.params;
        const actor: Actor = { kind: "handler", id: unitId };
        return this.step(
          { taskId },
          actor,
          (w) => {
            const t = w.tasks.find((x) => x.id === taskId);
            if (t?.role === "co") return coUnitStep(w, t, unitId, "accepted", `协办单位${t.unitName}已签收`);
            return "accept";
          },
          (w) => {
            const t = ownerTask(w, unitId, taskId);
            w.setTask(t.id, "accepted");
            w.event("ACCEPTED", `${t.unitName}已签收${ctx.params.handler ? `（经办人 ${ctx.params.handler}）` : ""}`, { taskId }, "DISPATCHED", w.status);
          },
        );
      },
    },

    unitResult: {
      async handler(this: CasesThis, ctx: Context<{ unitId: string; taskId: string; outcome: 0 | 1 | 2 | 3; text: string; handler?: string; at?: string; photos?: string[] }>) {
        const { unitId, taskId, outcome, text } = ctx.params;
        // 处置照片 (a grid unit's feedback carries them): kept on the case, shown to the supervisor who verifies
        const photos = (w: CaseWriter, unitName: string) =>
          w.attach(attachmentsOf(ctx.params.photos, "处置", `${unitName}${ctx.params.handler ? `（经办人 ${ctx.params.handler}）` : ""}`, ctx.params.at ?? w.now.toISOString()));
        return this.step(
          { taskId },
          { kind: "handler", id: unitId },
          (w) => {
            const t = w.tasks.find((x) => x.id === taskId);
            if (t?.role === "co") {
              const r = coUnitStep(w, t, unitId, "done", `协办单位${t.unitName}反馈：${text}`, { outcome, text });
              photos(w, t.unitName);
              return r;
            }
            return w.c.cityManagement && verifier() && outcome !== 3 ? "replyForVerification" : "reply";
          },
          (w) => {
            const t = ownerTask(w, unitId, taskId);
            w.setTask(t.id, "done");
            w.patch.outcome = outcome;
            w.patch.replyText = text;
            photos(w, t.unitName);
            if (w.status === "VERIFYING") {
              // 7-step loop: 反馈 → 核查结案 — the origin hears the outcome only once a supervisor has confirmed it
              const verificationId = verificationIdOf(w.c.id, w.c.reworkCount);
              w.toSystem(verifier()!, "verification", {
                verificationId,
                caseId: w.c.id,
                externalId: w.c.originSystem === verifier() ? w.c.externalId : null,
                title: w.c.title,
                location: w.c.location,
                ...(w.c.cityManagement ? { cityManagement: w.c.cityManagement } : {}),
                ownerUnitId: w.c.ownerUnitId,
                ownerUnitName: w.c.ownerUnitName,
                ...verifierPhotos(w),
                reply: text,
                dueAt: new Date(w.now.getTime() + VERIFY_WITHIN_MS).toISOString(),
                sentAt: w.now.toISOString(),
              });
              w.event("REPLIED", `${t.unitName}处置反馈「${outcomeLabel[outcome]}」：${text}`, { outcome }, "IN_PROGRESS", "VERIFYING");
              w.event("VERIFICATION_REQUESTED", `提请监督员核查（核查编号 ${verificationId}）`, { verificationId }, "VERIFYING", "VERIFYING");
              return;
            }
            w.toOrigin("reply", { outcome, text, unitName: t.unitName, repliedAt: w.now.toISOString() });
            w.event("REPLIED", `${t.unitName}回复办理结果「${outcomeLabel[outcome]}」：${text}`, { outcome }, "IN_PROGRESS", "REPLIED");
          },
        ).then(async (r) => {
          if (r.status === "REPLIED") await this.answerLinked(r.caseId);
          return r;
        });
      },
    },

    unitExtension: {
      async handler(this: CasesThis, ctx: Context<{ unitId: string; taskId: string; until: string; reason: string }>) {
        const { unitId, taskId, reason } = ctx.params;
        const until = new Date(ctx.params.until);
        return this.change({ taskId }, "extend", { kind: "handler", id: unitId }, (w) => {
          const t = ownerTask(w, unitId, taskId);
          const deadline = w.c.handleDeadline;
          if (deadline && deadline.getTime() < w.now.getTime())
            throw conflict(
              "DEADLINE_PASSED",
              `办理时限 ${deadline.toISOString()} 已过，不能再申请延期`,
              `the handling deadline ${deadline.toISOString()} has passed; extensions must be asked before it`,
            );
          if (deadline && until.getTime() <= deadline.getTime())
            throw conflict("EXTENSION_NOT_LATER", `申请延期至 ${until.toISOString()} 不晚于现有时限 ${deadline.toISOString()}`, `the requested date is not after the current deadline`);
          w.patch.handleDeadline = until;
          w.toOrigin("extension", { until: until.toISOString(), reason, unitName: t.unitName, requestedAt: w.now.toISOString() });
          w.event(
            "EXTENSION_REQUESTED",
            `${t.unitName}申请延期至 ${until.toISOString()}：${reason}`,
            { until: until.toISOString(), previous: deadline?.toISOString() ?? null },
            "IN_PROGRESS",
            "IN_PROGRESS",
          );
        });
      },
    },

    /**
     * The owner says the case is not theirs: try the next owner the rules allow, else 退单 — unless
     * REFUSALS_BEFORE_ADJUDICATION units have now refused it: then the centre decides (派单审定).
     */
    unitRefuse: {
      async handler(this: CasesThis, ctx: Context<{ unitId: string; taskId: string; reason: string; legalBasis?: string }>) {
        const { unitId, taskId, reason } = ctx.params;
        const legalBasis = ctx.params.legalBasis ?? null;
        const pre = await loadCase(this.sql, { taskId }, { fresh: true });
        if (!pre || !pre.tasks.some((t) => t.id === taskId && t.unitId === unitId)) throw notFound("任务", "task", `${unitId}/${taskId}`);
        const excluded = [...new Set([...(((pre.c.routing as { excluded?: string[] }) ?? {}).excluded ?? []), unitId])];
        const { decision } = await this.decide(ctx, pre.c, excluded);
        const threshold = config().refusalsBeforeAdjudication;
        const earlier = await refusalReasons(this.sql, pre.c.id);
        return this.step(
          { id: pre.c.id },
          { kind: "handler", id: unitId },
          (w) => (refusedUnits(w, taskId).length >= threshold ? "requestAdjudication" : decision.matched ? "refuse" : "returnCase"),
          (w) => {
            const t = ownerTask(w, unitId, taskId);
            w.setTask(t.id, "refused");
            const from = w.c.status as CaseStatus;
            const why = `${t.unitName}退回：${reason}${legalBasis ? `（依据：${legalBasis}）` : ""}`;
            w.event("REFUSED", why, { taskId, unitId: t.unitId, reason, legalBasis }, from, from);
            if (w.status === "ADJUDICATION") {
              earlier.set(t.id, { reason, legalBasis });
              const refusals = refusedUnits(w, taskId).map((u) => ({ ...u, ...(earlier.get(u.taskId) ?? { reason: null, legalBasis: null }) }));
              recallOpen(w, "案件已提请派单审定", t.id);
              w.patch.ownerUnitId = null;
              w.patch.ownerUnitName = null;
              w.patch.coUnits = [];
              w.patch.routing = { ...((w.c.routing as Record<string, unknown>) ?? {}), excluded };
              const list = refusals.map((u) => `${u.unitName}${u.reason ? `（${u.reason}）` : ""}`).join("；");
              w.event(
                "ADJUDICATION_REQUESTED",
                `已有${refusals.length}个单位退回，提请派单审定：${list}`,
                { refusals, threshold, nextByRules: decision.matched ? decision.owner : null },
                from,
                "ADJUDICATION",
                ROUTER,
              );
            } else if (decision.matched) {
              dispatch(w, decision.owner, decision.coUnits, { ...routingOf(decision, w.now), excluded }, { signOrigin: false, round: w.c.reworkCount });
              w.event("ROUTED", `重新派单：${decision.reason}`, { ruleId: decision.ruleId, owner: decision.owner }, from, w.status, ROUTER);
            } else {
              recallOpen(w, "案件已退单", t.id);
              const text = `${why}；无其他派单规则适用`;
              w.toOrigin("return", { reason: text, returnedAt: w.now.toISOString() });
              w.event("RETURNED", `退单：${text}`, { excluded }, from, "RETURNED");
            }
          },
        );
      },
    },

    /**
     * 核查结案: a supervisor's verification of the owner's feedback. Passed → 结案: the origin is
     * answered now in its own format (a 12345/12319 case then waits for its 回访), or the case is
     * archived when the origin takes no reply (a grid event). Failed → 返工: the owner gets the case
     * again, a new round, with the supervisor's note.
     */
    verification: {
      params: {
        system: "string",
        verificationId: "string",
        passed: "boolean",
        note: { type: "string", optional: true, max: 2000 },
        inspectorId: { type: "string", optional: true, max: 64 },
        at: { type: "string", optional: true },
        photos: { type: "array", optional: true, items: "string" },
      },
      async handler(this: CasesThis, ctx: Context<{ system: string; verificationId: string; passed: boolean; note?: string; inspectorId?: string; at?: string; photos?: string[] }>) {
        const { verificationId, passed, note, inspectorId } = ctx.params;
        const ref = caseOfVerification(verificationId);
        if (!ref) throw notFound("核查任务", "verification", verificationId);
        const actor: Actor = { kind: "system", id: ctx.params.system };
        return this.step(
          { id: ref.caseId },
          actor,
          (w) => {
            if (w.c.reworkCount !== ref.round) throw conflict("VERIFICATION_STALE", "该核查任务已过期（案件已返工或已结案）", "this verification belongs to an earlier round");
            if (!passed) return "verifyRework";
            return w.c.originSystem !== ctx.params.system && originOf(w.c.originSystem) && deliversReply(w.c.originSystem) ? "verifyReply" : "verifyClose";
          },
          (w) => {
            const by = inspectorId ? `监督员 ${inspectorId}` : "监督员";
            w.attach(attachmentsOf(ctx.params.photos, "核查", by, ctx.params.at ?? w.now.toISOString()));
            if (!passed) {
              const round = w.c.reworkCount + 1;
              w.patch.reworkCount = round;
              w.patch.outcome = null;
              w.patch.replyText = null;
              const reason = `核查未通过，返工：${note ?? "现场未整改到位"}`;
              w.event("REWORK", `${by}${reason}（第${round}次返工）`, { verificationId, inspectorId: inspectorId ?? null, note: note ?? null, round }, "VERIFYING", "DISPATCHED");
              const owner = { unitId: w.c.ownerUnitId!, unitName: w.c.ownerUnitName ?? w.c.ownerUnitId! };
              w.newTask(owner, "owner", round, reason);
              return;
            }
            w.event("VERIFIED", `${by}核查通过${note ? `：${note}` : ""}，结案`, { verificationId, inspectorId: inspectorId ?? null }, "VERIFYING", w.status);
            if (w.status === "REPLIED") {
              w.toOrigin("reply", { outcome: w.c.outcome ?? 0, text: w.c.replyText ?? "", unitName: w.c.ownerUnitName ?? "", repliedAt: w.now.toISOString() });
            } else {
              w.event("ARCHIVED", "核查结案，办结归档", {}, "VERIFYING", "ARCHIVED");
            }
          },
        ).then(async (r) => {
          if (passed) await this.answerLinked(r.caseId);
          return r;
        });
      },
    },

    /** 撤销并案: an engineer undoes a merge; the case is routed on its own now. */
    unmerge: {
      params: { id: "string", reason: { type: "string", min: 1, max: 500 } },
      async handler(this: CasesThis, ctx: Context<{ id: string; reason: string }, { user?: { role: string } }>) {
        const pre = await loadCase(this.sql, { id: ctx.params.id }, { fresh: true });
        if (!pre) throw notFound("案件", "case", ctx.params.id);
        const { decision } = await this.decide(ctx, pre.c, []);
        const actor: Actor = { kind: "agent", id: ctx.meta.user?.role ?? "engineer" };
        return this.step(
          { id: ctx.params.id },
          actor,
          () => (decision.matched ? "unmergeRoute" : "unmergeTriage"),
          (w) => {
            const master = w.c.masterId;
            w.patch.masterId = null;
            w.patch.merge = null;
            w.event("UNMERGED", `撤销与案件 ${master} 的并案：${ctx.params.reason}`, { masterId: master, reason: ctx.params.reason, previous: w.c.merge }, "MERGED", w.status);
            if (decision.matched) {
              dispatch(w, decision.owner, decision.coUnits, routingOf(decision, w.now), { signOrigin: true, round: w.c.reworkCount });
              w.event("ROUTED", decision.reason, { ruleId: decision.ruleId, owner: decision.owner, coUnits: decision.coUnits }, "MERGED", w.status, ROUTER);
            } else {
              w.patch.triageSince = w.now;
              w.patch.routing = triageOf(decision, w.now);
              w.event("TRIAGED", `未能自动派单，转人工分拨：${decision.reason}`, {}, "MERGED", "TRIAGE", ROUTER);
            }
          },
        );
      },
    },

    /** 派单审定: the centre names the owner of a case several units refused, and the basis it relies on. */
    adjudicate: {
      params: { id: "string", unitId: "string", basis: { type: "string", min: 1, max: 500 }, note: { type: "string", optional: true, max: 500 } },
      async handler(this: CasesThis, ctx: Context<{ id: string; unitId: string; basis: string; note?: string }, { user?: { role: string } }>) {
        const { basis, note } = ctx.params;
        const unit = await ctx.call<UnitRef | null, { unitId: string }>("routing.unit", { unitId: ctx.params.unitId });
        if (!unit) throw notFound("承办单位", "handling unit", ctx.params.unitId);
        const decidedBy = ctx.meta.user?.role ?? "agent";
        return this.change({ id: ctx.params.id }, "adjudicate", { kind: "agent", id: decidedBy }, (w) => {
          const refusals = refusedUnits(w).length;
          const reason = `派单审定：交${unit.unitName}承办，依据：${basis}${note ? `；${note}` : ""}`;
          const excluded = ((w.c.routing as { excluded?: string[] }) ?? {}).excluded ?? [];
          const routing = { decidedBy: "agent", ruleId: null, ruleName: null, principle: "人工", reason, decidedAt: w.now.toISOString(), excluded };
          dispatch(w, unit, [], routing, { signOrigin: false, round: w.c.reworkCount, note: reason });
          w.event("ADJUDICATED", reason, { unitId: unit.unitId, unitName: unit.unitName, basis, note: note ?? null, decidedBy, refusals }, "ADJUDICATION", w.status);
        });
      },
    },

    /** 回访: satisfied → archived; 不满意 → 重办 (a new round for the owner). */
    callback: {
      async handler(this: CasesThis, ctx: Context<{ system: string; externalId: string; satisfaction: 0 | 1 | 2 | 3; comment?: string }>) {
        const { system, externalId, satisfaction, comment } = ctx.params;
        const action: CaseAction = satisfaction === 0 ? "callbackDissatisfied" : "callbackSatisfied";
        return this.change({ system, externalId }, action, { kind: "system", id: system }, (w) => {
          w.patch.satisfaction = satisfaction;
          const said = `回访结果「${satisfactionLabel[satisfaction]}」${comment ? `：${comment}` : ""}`;
          w.event("CALLBACK", said, { satisfaction, comment: comment ?? null }, "REPLIED", "REPLIED");
          if (satisfaction === 0) {
            const round = w.c.reworkCount + 1;
            w.patch.reworkCount = round;
            w.patch.outcome = null;
            w.patch.replyText = null;
            const owner = { unitId: w.c.ownerUnitId!, unitName: w.c.ownerUnitName ?? w.c.ownerUnitId! };
            dispatch(w, owner, w.c.coUnits, (w.c.routing as Record<string, unknown>) ?? {}, { signOrigin: false, round, note: `重办（第${round}次）：${said}` });
            w.event("REOPENED", `市民不满意，重办（第${round}次），重新交${owner.unitName}办理`, { round }, "REPLIED", "DISPATCHED");
          } else {
            w.event("ARCHIVED", "办结归档", {}, "REPLIED", "ARCHIVED");
          }
        });
      },
    },

    /** 催办/督办 from the origin: on the timeline and raised with the owner. */
    urge: {
      async handler(this: CasesThis, ctx: Context<{ system: string; externalId: string; level: "催办" | "督办"; text?: string }>) {
        const { system, externalId, level } = ctx.params;
        const text = ctx.params.text ?? "";
        return this.change({ system, externalId }, "urge", { kind: "system", id: system }, (w) => {
          w.patch.urgeCount = w.c.urgeCount + 1;
          const owner = w.openTasks().find((t) => t.role === "owner");
          if (owner) w.toUnit("urge", owner.unitId, { taskId: owner.id, caseId: w.c.id, level, text: text || level, urgedAt: w.now.toISOString() });
          w.event(
            "URGED",
            `${originOf(system).label}${level}${text ? `：${text}` : ""}${owner ? `，已转${owner.unitName}` : w.c.status === "ADJUDICATION" ? "（案件待派单审定，尚无承办单位）" : "（案件待分拨，尚无承办单位）"}`,
            { level, count: w.c.urgeCount + 1 },
            w.c.status as CaseStatus,
            w.c.status as CaseStatus,
          );
        });
      },
    },
  },

  methods: {
    /**
     * Open cases of the same city, from another channel, received within the merging window of
     * `row` (candidates for its master). Repeat calls on one channel (重复件) are that platform's to
     * handle; the hub merges across channels.
     */
    async mergeCandidates(this: CasesThis, row: CaseRow, s: MergeSettings): Promise<MergeCase[]> {
      const window = s.withinMinutes * 60_000;
      const rows = await this.sql.query<Record<string, unknown>>(
        `SELECT id, origin_system, external_id, received_at, city_code, category_code, category_path, title, content, location, status FROM cases
          WHERE city_code = $1 AND received_at BETWEEN $2 AND $3 AND status <> ALL($4::text[]) AND origin_system <> $5 ORDER BY received_at LIMIT 200`,
        [row.cityCode, new Date(row.receivedAt.getTime() - window).toISOString(), new Date(row.receivedAt.getTime() + window).toISOString(), [...NOT_MASTER], row.originSystem],
      );
      const j = <T>(v: unknown) => (typeof v === "string" ? JSON.parse(v) : v) as T;
      return rows.map((r) => ({
        id: r.id as string,
        originSystem: r.origin_system as string,
        externalId: r.external_id as string,
        receivedAt: new Date(r.received_at as string).toISOString(),
        cityCode: r.city_code as string,
        categoryCode: (r.category_code as string | null) ?? "",
        categoryPath: j<string[]>(r.category_path),
        title: r.title as string,
        content: r.content as string,
        location: j<MergeCase["location"]>(r.location),
        status: r.status as string,
      }));
    },

    /**
     * The master of linked cases has been answered (回复) or closed (结案): each linked case's origin
     * gets its own answer in its own format now; an origin that takes no reply sees its case archived.
     * Also run by the deadline sweep, so an answer a crash interrupted is given later.
     */
    async answerLinked(this: CasesThis, masterId: string) {
      const rows = await this.sql.query<{ id: string }>(`SELECT id FROM cases WHERE master_id = $1 AND status = 'MERGED'`, [masterId]);
      if (!rows.length) return 0;
      const master = await loadCase(this.sql, { id: masterId }, { fresh: true });
      if (!master || !["REPLIED", "ARCHIVED"].includes(master.c.status)) return 0;
      let answered = 0;
      for (const { id } of rows) {
        await this.step(
          { id },
          ROUTER,
          (w) => (deliversReply(w.c.originSystem) ? "answerMerged" : "answerMergedClose"),
          (w) => {
            w.patch.outcome = master.c.outcome;
            w.patch.replyText = master.c.replyText;
            w.patch.ownerUnitId = master.c.ownerUnitId;
            w.patch.ownerUnitName = master.c.ownerUnitName;
            const text = master.c.replyText ?? "已办结";
            if (w.status === "REPLIED") w.toOrigin("reply", { outcome: master.c.outcome ?? 0, text, unitName: master.c.ownerUnitName ?? "", repliedAt: w.now.toISOString() });
            w.event(
              "MERGED_ANSWERED",
              `主案 ${masterId} 已办结（${master.c.ownerUnitName ?? ""}）：${text}${w.status === "REPLIED" ? "，已答复来源平台" : "，归档"}`,
              { masterId },
              "MERGED",
              w.status,
            );
          },
        )
          .then(() => answered++)
          .catch((e) => {
            if (!(e instanceof HubError)) throw e;
          });
      }
      return answered;
    },

    /** A lifecycle step on an existing case (see the file's comment); retried when the case moved meanwhile. */
    async change(this: CasesThis, ref: CaseRef, action: CaseAction, actor: Actor, plan: Plan) {
      return this.step(ref, actor, () => action, plan);
    },

    /**
     * The general form: `choose` looks at the case and answers the lifecycle action to check, or
     * plans a change that moves no status itself (a co-unit's step) and answers null.
     */
    async step(this: CasesThis, ref: CaseRef, actor: Actor, choose: (w: CaseWriter) => CaseAction | null, plan: Plan) {
      for (let attempt = 0, fresh = false; attempt < 8; attempt++) {
        const loaded = await loadCase(this.sql, ref, { fresh });
        if (!loaded) throw "taskId" in ref ? notFound("任务", "task", ref.taskId) : notFound("案件", "case", "id" in ref ? ref.id : `${ref.system}/${ref.externalId}`);
        const w = new CaseWriter(loaded.c, loaded.tasks, actor);
        try {
          const action = choose(w);
          if (action) {
            const t = transition(loaded.c.status as CaseStatus, action);
            if (!t.ok) throw conflict("ILLEGAL_TRANSITION", t.message, t.messageEn, { caseId: loaded.c.id, status: loaded.c.status, action });
            w.patch.status = t.to;
            await plan(w);
          }
        } catch (e) {
          // a refusal planned on this process's copy is only given once a fresh read agrees
          if (loaded.cached && e instanceof HubError) {
            fresh = true;
            continue;
          }
          throw e;
        }
        fresh = false;
        const claimed = await w.flush(this.sql);
        if (claimed) {
          handOff(this.broker, claimed);
          return { caseId: loaded.c.id, status: w.status };
        }
      }
      throw new HubError(409, "CASE_BUSY", "案件正被同时修改，请稍后重试", "the case is being changed concurrently; try again");
    },

    async decide(this: CasesThis, ctx: Context, c: RoutedFields, exclude: string[]): Promise<Decided> {
      return (await ctx.call("routing.decide", { input: routingInput(c), exclude })) as Decided;
    },
  },
};

/** The units that refused this case as its owner (each once, first refusal first), `taskId`'s unit included. */
function refusedUnits(w: CaseWriter, taskId?: string): { unitId: string; unitName: string; taskId: string }[] {
  const seen = new Map<string, { unitId: string; unitName: string; taskId: string }>();
  for (const t of w.tasks) if (t.role === "owner" && (t.status === "refused" || t.id === taskId) && !seen.has(t.unitId)) seen.set(t.unitId, { unitId: t.unitId, unitName: t.unitName, taskId: t.id });
  return [...seen.values()];
}

/** The reasons units gave when they refused this case, by task (the REFUSED timeline entries). */
async function refusalReasons(sql: CasesThis["sql"], caseId: string): Promise<Map<string, { reason: string | null; legalBasis: string | null }>> {
  const rows = await sql.query<{ data: { taskId?: string; reason?: string; legalBasis?: string | null } | null }>("SELECT data FROM case_events WHERE case_id = $1 AND type = 'REFUSED' ORDER BY id", [
    caseId,
  ]);
  const out = new Map<string, { reason: string | null; legalBasis: string | null }>();
  for (const r of rows) if (r.data?.taskId) out.set(r.data.taskId, { reason: r.data.reason ?? null, legalBasis: r.data.legalBasis ?? null });
  return out;
}

/** A co-unit's accept or feedback: recorded on the timeline, the case status does not move. */
function coUnitStep(w: CaseWriter, task: TaskRow, unitId: string, status: "accepted" | "done", summary: string, data: Record<string, unknown> = {}): null {
  if (task.unitId !== unitId) throw notFound("任务", "task", `${unitId}/${task.id}`);
  if (task.status === "recalled") throw conflict("TASK_RECALLED", "该任务已撤回，无需再处理", "this task was recalled");
  w.setTask(task.id, status);
  w.event(status === "done" ? "CO_UNIT_RESULT" : "ACCEPTED", summary, { taskId: task.id, role: "co", ...data }, w.c.status as CaseStatus, w.c.status as CaseStatus);
  return null;
}
