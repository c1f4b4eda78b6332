/**
 * sanctions — sanctions (行政处罚) to the public-credit platform and joint-punishment notices
 * (联合惩戒抄告) to the bureaus that must act, with their receipts and feedback; credit repair.
 * Owns store/credit.tables.ts.
 *
 * A sanction is written in ONE transaction with everything it causes, under a lock on its subject
 * (so two penalties on one company arriving together are counted together): the sanction with its
 * publication period (domain/credit publicationOf) and 双公示 deadline (7 working days), the
 * publication to the credit platform, and every joint rule it makes fire now (domain/credit
 * evaluate, the city's joint-rules.json) — the firing, its list entry, one notice per target bureau
 * with its receipt and feedback deadlines, each queued in the outbox. The same decision number
 * again changes nothing. Bureaus answer with receipts and feedback; a silent one is reminded and
 * then escalated (sweepNotices). A repair from the platform revokes every notice that rested on the
 * repaired decision.
 *
 * Decisions arriving together share that transaction (writeSanctions: four round trips per batch —
 * the subjects' locks with BEGIN, one read, one write, COMMIT); receipts and feedback arriving
 * together are one UPDATE (answerNotices). bench/README.md "Notices bench" has the figures.
 */
import path from "node:path";
import { sql as dsql, type SQL } from "drizzle-orm";
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Commitment, JointRulesFile, Sanction, SupervisionFile } from "../contracts/types";
import { bureauSystem, creditRegistry } from "../adapters";
import { CalendarGapError, type DeadlineResult } from "../domain/calendar";
import {
  breachedBy,
  type CommitmentRecord,
  type CreditGrade,
  drawInspections,
  dualPublicationDue,
  evaluate,
  inspectionRates,
  type JointNotice,
  loadJointRules,
  loadSupervision,
  noticesFor,
  PLATFORM_TARGET,
  personalScore,
  publicationOf,
  supervisionLevelOf,
} from "../domain/credit";
import { maskName, maskResidentId } from "../domain/identity";
import { loadCities, type CityData } from "../domain/routing";
import { creditSubjectOf, maskedSanction, publicationRecord, recordOf, subjectKeyOf } from "../domain/sanction";
import { ROOT } from "../contracts";
import { calendarOf } from "../lib/calendars";
import type { WorkingCalendar } from "../domain/calendar";
import { config } from "../lib/config";
import { isStoreUnavailable, openDb, rowsOf, type Db } from "../lib/db";
import { handOff } from "../lib/handoff";
import { newId } from "../lib/ids";
import { HubError, notFound } from "../kit/errors";
import { OUTBOX_INSERT, OutboxBatch } from "../store/outbox";
import { Coalescer, type Sql, sqlOf, transaction } from "../store/sql";
import type { OutboundCommand } from "../kit/adapter";

interface Vars {
  db: Db;
  /** receipts and feedback, group-committed (one UPDATE for those arriving while one is written) */
  receipts: Coalescer<NoticeAnswer, NoticeState | Error | undefined>;
  feedbacks: Coalescer<NoticeAnswer, NoticeState | Error | undefined>;
  /** sanctions, group-committed: those arriving while a batch is written go in the next (writeSanctions) */
  sanctionWriter: Coalescer<SanctionIn, SanctionAnswer | Error>;
  cities: CityData[];
  rules: Map<string, JointRulesFile>;
  /** graded supervision (cities/<city>/supervision.json), by city code */
  supervision: Map<string, { file: string; data: SupervisionFile }>;
}
interface Methods {
  cityOfSanction(s: Sanction): CityData;
  destinationOf(tag: string, city: CityData): { origin: string } | { target: string } | null;
  sweepPublications(now: Date): Promise<{ checked: number; delivered: number; overdue: number }>;
}
type This = Vars & Methods & Service<ServiceSettingSchema>;

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** `text` with $1…$n placeholders as a drizzle statement (for the transaction's raw SQL). */
function q(text: string, params: unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) chunks.push(i % 2 === 0 ? dsql.raw(parts[i]) : dsql`${params[Number(parts[i]) - 1]}`);
  return dsql.join(chunks, dsql.raw(""));
}
const run = async <T = Record<string, unknown>>(tx: Tx | Db, text: string, params: unknown[] = []) => rowsOf<T>(await tx.execute(q(text, params)));

const atOf = (d: DeadlineResult, fallback: Date) => ("at" in d ? d.at : fallback);
const localDate = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const json = <T>(v: unknown): T => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T));

/** Escalate a notice still unanswered this long after its reminder. */
const ESCALATE_AFTER_MS = 24 * 3600_000;

/** The evaluation source the platform's comprehensive level comes with (any other is an industry evaluation, 行业信用评价). */
const isComprehensive = (source: string | undefined) => !source || /公共信用综合评价/.test(source);

/** Subject keys shown to people: a person's ID number masked, an organisation's code whole. */
const shownKey = (key: string, type: unknown) => (type === "自然人" ? maskResidentId(key) : key);

/** the industries of a subject merged with new ones, in one statement (credit_subjects.industries) */
const MERGE_INDUSTRIES = "(SELECT coalesce(jsonb_agg(DISTINCT v ORDER BY v), '[]'::jsonb) FROM jsonb_array_elements_text(credit_subjects.industries || EXCLUDED.industries) v)";

/** The undelivered 双公示 records the sweep checks per round (outbox.ofSubjects takes at most 500). */
const PUBLICATION_BATCH = 500;

const CreditService: ServiceSchema<ServiceSettingSchema, Methods & Record<string, never>, Vars> = {
  name: "sanctions",

  actions: {
    /** A penalty decision in: `{ sanctionId, duplicate }`, everything it causes written with it. */
    sanction: {
      async handler(this: This, ctx: Context<{ sanction: Sanction; flags?: string[] }>) {
        const s = ctx.params.sanction;
        const city = this.cityOfSanction(s);
        // sanctions arriving together are written together (writeSanctions): one transaction, four round trips
        const r = await this.sanctionWriter.push({ s, flags: ctx.params.flags ?? [], key: subjectKeyOf(s), city, cal: calendarOf(city.code), now: new Date() });
        if (r instanceof Error) throw r;
        return r;
      },
    },

    /** One sanction, masked (a person's name and ID numbers), with its notices. */
    get: {
      params: { id: "string" },
      async handler(this: This, ctx: Context<{ id: string }>) {
        const rows = await run<Record<string, unknown>>(this.db, "SELECT * FROM sanctions WHERE id = $1 OR decision_no = $1", [ctx.params.id]);
        if (!rows.length) throw notFound("处罚决定", "sanction", ctx.params.id);
        return sanctionView(rows[0]);
      },
    },

    /**
     * Sanctions, newest first, by subject (credit code or ID number), severity or the state of their
     * 双公示 record: `overdue` — not delivered to the platform by its deadline (the alarm, found by the
     * notice sweep), `dueUnknown` — its deadline fell into a year the working calendar lacks and it is
     * not delivered yet, `undelivered`, `delivered`.
     */
    list: {
      params: {
        subject: { type: "string", optional: true },
        severity: { type: "string", optional: true },
        publication: { type: "string", optional: true, enum: ["overdue", "dueUnknown", "undelivered", "delivered"] },
        limit: { type: "number", integer: true, min: 1, max: 500, default: 50, convert: true },
      },
      async handler(this: This, ctx: Context<{ subject?: string; severity?: string; publication?: string; limit: number }>) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (ctx.params.subject) where.push(`subject_key = $${params.push(ctx.params.subject.toUpperCase())}`);
        if (ctx.params.severity) where.push(`severity = $${params.push(ctx.params.severity)}`);
        if (ctx.params.publication) where.push(PUBLICATION_STATES[ctx.params.publication as keyof typeof PUBLICATION_STATES]);
        params.push(ctx.params.limit);
        const rows = await run<Record<string, unknown>>(
          this.db,
          `SELECT * FROM sanctions ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC LIMIT $${params.length}`,
          params,
        );
        return { items: rows.map(sanctionView) };
      },
    },

    /** Notices by bureau, subject and state. */
    notices: {
      params: {
        bureau: { type: "string", optional: true },
        subject: { type: "string", optional: true },
        status: { type: "string", optional: true },
        limit: { type: "number", integer: true, min: 1, max: 500, default: 100, convert: true },
      },
      async handler(this: This, ctx: Context<{ bureau?: string; subject?: string; status?: string; limit: number }>) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (ctx.params.bureau) where.push(`bureau = $${params.push(ctx.params.bureau)}`);
        if (ctx.params.subject) where.push(`subject_key = $${params.push(ctx.params.subject.toUpperCase())}`);
        if (ctx.params.status === "escalated") where.push("escalated_at IS NOT NULL AND status IN ('sent', 'received')");
        else if (ctx.params.status) where.push(`status = $${params.push(ctx.params.status)}`);
        params.push(ctx.params.limit);
        const rows = await run<Record<string, unknown>>(
          this.db,
          `SELECT * FROM notices ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC LIMIT $${params.length}`,
          params,
        );
        return { items: rows.map(noticeView) };
      },
    },

    /** A subject's record: sanctions, list entries (a bureau asks before it issues a permit), notices, the platform's level. */
    subject: {
      params: { key: "string" },
      async handler(this: This, ctx: Context<{ key: string }>) {
        const key = ctx.params.key.toUpperCase();
        const [subj] = await run<Record<string, unknown>>(this.db, "SELECT * FROM credit_subjects WHERE key = $1", [key]);
        if (!subj) throw notFound("信用主体", "credit subject", ctx.params.key);
        const sanctionsOf = await run<Record<string, unknown>>(this.db, "SELECT * FROM sanctions WHERE subject_key = $1 ORDER BY decision_date", [key]);
        const lists = await run<Record<string, unknown>>(this.db, "SELECT * FROM list_entries WHERE subject_key = $1 ORDER BY created_at", [key]);
        const noticesOf = await run<Record<string, unknown>>(this.db, "SELECT * FROM notices WHERE subject_key = $1 ORDER BY created_at", [key]);
        const pledges = await run<Record<string, unknown>>(this.db, "SELECT * FROM credit_commitments WHERE subject_key = $1 ORDER BY signed_date, created_at", [key]);
        const person = subj.type === "自然人";
        // 个人信用分: a person's score from their decisions under the city's score rules
        const rules = person && sanctionsOf.length ? this.rules.get(this.cityOfSanction(json<Sanction>(sanctionsOf[0].sanction)).code) : undefined;
        const score =
          person && rules?.personalScore && sanctionsOf.length
            ? (() => {
                const p = personalScore(
                  sanctionsOf.map((r) => recordOf(json<Sanction>(r.sanction))),
                  rules,
                  new Date(),
                );
                return { score: p.score, start: p.start, floor: p.floor, asOf: p.asOf, deductions: p.deductions, pending: p.pending.length, basis: p.basis.map((b) => b.title) };
              })()
            : null;
        return {
          ...(person ? { personalScore: score } : {}),
          key: person ? `${key.slice(0, 6)}********${key.slice(-4)}` : key,
          type: subj.type,
          name: person ? maskName(String(subj.name)) : subj.name,
          level: subj.level ? { level: subj.level, source: subj.level_source, at: subj.level_at } : null,
          industryLevel: subj.industry_level ? { level: subj.industry_level, source: subj.industry_level_source, at: subj.industry_level_at } : null,
          industries: json<string[]>(subj.industries ?? []),
          commitments: pledges.map(commitmentView),
          lists: lists.map((l) => ({
            list: l.name,
            basis: l.basis,
            decisions: json(l.decisions),
            from: l.from_date,
            until: l.until_date,
            removedAt: l.removed_at ?? null,
            onList: l.removed_at == null,
          })),
          sanctions: sanctionsOf.map(sanctionView),
          notices: noticesOf.map(noticeView),
        };
      },
    },

    /** A bureau signed for a notice (签收). Receipts arriving together are written by one statement. */
    noticeReceipt: {
      params: { system: "string", noticeId: "string", receivedBy: { type: "string", optional: true }, at: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ system: string; noticeId: string; receivedBy?: string; at?: string }>) {
        const row = await this.receipts.push({ id: ctx.params.noticeId, system: ctx.params.system, at: ctx.params.at ?? new Date().toISOString(), received_by: ctx.params.receivedBy ?? null });
        if (row instanceof Error) throw row;
        if (!row) throw notFound("抄告单", "notice", ctx.params.noticeId);
        return { noticeId: row.id, status: row.status };
      },
    },

    /** A bureau reported the measures it took (措施落实情况). Feedback arriving together is written by one statement. */
    noticeFeedback: {
      params: { system: "string", noticeId: "string", done: "boolean", measures: { type: "array", optional: true }, text: { type: "string", optional: true }, at: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ system: string; noticeId: string; done: boolean; measures?: unknown[]; text?: string; at?: string }>) {
        const at = ctx.params.at ?? new Date().toISOString();
        const feedback = { done: ctx.params.done, measures: ctx.params.measures ?? [], text: ctx.params.text ?? null, at };
        const row = await this.feedbacks.push({ id: ctx.params.noticeId, system: ctx.params.system, done: ctx.params.done, feedback, at });
        if (row instanceof Error) throw row;
        if (!row) throw notFound("抄告单", "notice", ctx.params.noticeId);
        return { noticeId: row.id, status: row.status };
      },
    },

    /** 信用修复 from the platform: publication stops; every notice that rested on the decision is revoked (a revocation to each bureau). */
    repair: {
      params: { decisionNo: "string", repairedAt: { type: "string", optional: true }, basis: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ decisionNo: string; repairedAt?: string; basis?: string }>) {
        const now = new Date();
        const claimed: OutboundCommand[] = [];
        const result = await this.db.transaction(async (tx) => {
          const [s] = await run<Record<string, unknown>>(tx, "SELECT * FROM sanctions WHERE decision_no = $1 FOR UPDATE", [ctx.params.decisionNo]);
          if (!s) throw notFound("处罚决定", "sanction", ctx.params.decisionNo);
          if (s.repaired_at) return { sanctionId: s.id, repaired: true, revoked: 0, duplicate: true };
          await run(tx, "UPDATE sanctions SET repaired_at = $2, repair = $3 WHERE id = $1", [s.id, ctx.params.repairedAt ?? now.toISOString(), JSON.stringify({ basis: ctx.params.basis ?? null })]);
          const firings = await run<{ id: string }>(tx, "UPDATE rule_firings SET revoked_at = $3 WHERE subject_key = $1 AND decisions @> $2::jsonb AND revoked_at IS NULL RETURNING id", [
            s.subject_key,
            JSON.stringify([s.decision_no]),
            now.toISOString(),
          ]);
          const ids = firings.map((f) => f.id);
          if (ids.length)
            await run(tx, "UPDATE list_entries SET removed_at = $2 WHERE firing_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND removed_at IS NULL", [JSON.stringify(ids), now.toISOString()]);
          const open = await run<Record<string, unknown>>(tx, "UPDATE notices SET status = 'revoked' WHERE kind = 'notice' AND decisions @> $1::jsonb AND status <> 'revoked' RETURNING *", [
            JSON.stringify([s.decision_no]),
          ]);
          const batches: OutboxBatch[] = [];
          // the platform repaired the record: the hub withdraws what it published on it (the penalty and any list entry resting on it)
          const registry = creditRegistry();
          if (registry) {
            const b = new OutboxBatch({ type: "sanction", id: String(s.id) }, now);
            const why = `信用修复${ctx.params.basis ? `：${ctx.params.basis}` : ""}`;
            if (Number(s.published) === 1)
              b.send(
                "publication",
                { origin: registry },
                { recordId: String(s.id), action: "revoke", kind: "penalty", record: { 行政处罚决定书文号: s.decision_no, 撤销原因: why }, sentAt: now.toISOString() },
              );
            for (const id of ids)
              b.send("publication", { origin: registry }, { recordId: id, action: "revoke", kind: "list", record: { 行政处罚决定书文号: s.decision_no, 撤销原因: why }, sentAt: now.toISOString() });
            if (b.size) batches.push(b);
          }
          const city = this.cities.find((c) => c.code === String(s.subject_key).slice(2, 6)) ?? this.cities[0];
          const cal = calendarOf(city.code);
          for (const n of open) {
            const rid = `${n.id}-RV`.slice(0, 64);
            const receiptDue = cal ? atOf(cal.deadline(now, { amount: 2, unit: "工作日" }), new Date(now.getTime() + 2 * 86_400_000)) : new Date(now.getTime() + 2 * 86_400_000);
            await run(
              tx,
              `INSERT INTO notices (id, firing_id, kind, revokes, subject_key, subject, bureau, system, target, rule_id, decisions, measures, status, receipt_due, feedback_due)
               VALUES ($1, $2, 'revocation', $3, $4, $5, $6, $7, $8, $9, $10, $11, 'sent', $12, $12)`,
              [
                rid,
                n.firing_id,
                n.id,
                n.subject_key,
                JSON.stringify(json(n.subject)),
                n.bureau,
                n.system,
                n.target,
                n.rule_id,
                JSON.stringify(json(n.decisions)),
                JSON.stringify(["解除依据该抄告单采取的惩戒措施"]),
                receiptDue.toISOString(),
              ],
            );
            const dest = n.system ? { origin: String(n.system) } : n.target ? { target: String(n.target) } : null;
            if (!dest) continue;
            const b = new OutboxBatch({ type: "notice", id: rid }, now);
            const subj = json<{ type?: string; name?: string; creditCode?: string }>(n.subject);
            b.send("notice", dest, {
              noticeId: rid,
              kind: "revocation",
              revokes: String(n.id),
              subject: { type: subj.type ?? "subject", id: String(n.subject_key), name: subj.name ?? "" },
              decisions: json<string[]>(n.decisions),
              measures: ["信用已修复：解除依据原抄告单采取的惩戒措施"],
              receiptDeadline: receiptDue.toISOString(),
              feedbackDeadline: receiptDue.toISOString(),
              sentAt: now.toISOString(),
            });
            batches.push(b);
          }
          const rows = batches.flatMap((b) => b.rows);
          if (rows.length) {
            const out = await run<{ id: string; status: string }>(tx, OUTBOX_INSERT("$1", "(SELECT 1) AS one"), [JSON.stringify(rows)]);
            for (const b of batches) claimed.push(...b.claimed(out));
          }
          return { sanctionId: s.id, repaired: true, revoked: open.length };
        });
        handOff(this.broker, claimed);
        return result;
      },
    },

    /** The platform's comprehensive credit level of a subject. */
    level: {
      params: { subject: "object", level: "string", evaluatedAt: { type: "string", optional: true }, source: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ subject: { type?: string; code: string; name?: string }; level: string; evaluatedAt?: string; source?: string }>) {
        const s = ctx.params.subject;
        // the platform's 公共信用综合评价 and an industry's 行业信用评价 are kept apart: graded supervision combines them
        const [lv, src, at] = isComprehensive(ctx.params.source) ? ["level", "level_source", "level_at"] : ["industry_level", "industry_level_source", "industry_level_at"];
        await run(
          this.db,
          `INSERT INTO credit_subjects (key, type, name, ${lv}, ${src}, ${at}) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (key) DO UPDATE SET ${lv} = EXCLUDED.${lv}, ${src} = EXCLUDED.${src}, ${at} = EXCLUDED.${at}, updated_at = now()`,
          [s.code.toUpperCase(), s.type ?? "法人及非法人组织", s.name ?? s.code, ctx.params.level, ctx.params.source ?? "公共信用综合评价", ctx.params.evaluatedAt ?? new Date().toISOString()],
        );
        return { subject: s.code.toUpperCase(), level: ctx.params.level };
      },
    },

    /**
     * Silent bureaus: a notice unsigned past its receipt deadline (or without feedback past its
     * feedback deadline) gets a reminder (催签收/催反馈) once; still silent a day after the reminder,
     * it is escalated — listed for engineers (GET /api/v1/notices?status=escalated, flow health).
     */
    sweepNotices: {
      params: { now: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ now?: string }>) {
        const now = ctx.params.now ? new Date(ctx.params.now) : new Date();
        const late = await run<Record<string, unknown>>(
          this.db,
          `SELECT * FROM notices WHERE escalated_at IS NULL AND ((status = 'sent' AND receipt_due < $1) OR (status = 'received' AND kind = 'notice' AND feedback_due < $1))`,
          [now.toISOString()],
        );
        let reminded = 0;
        let escalated = 0;
        const claimed: OutboundCommand[] = [];
        for (const n of late) {
          const what = n.status === "sent" ? "receipt" : "feedback";
          if (!n.reminded_at) {
            const b = new OutboxBatch({ type: "notice", id: String(n.id) }, now);
            const dest = n.system ? { origin: String(n.system) } : n.target ? { target: String(n.target) } : null;
            const dueAt = new Date(String(what === "receipt" ? n.receipt_due : n.feedback_due)).toISOString();
            if (dest)
              b.send("receiptRequest", dest, {
                noticeId: String(n.id),
                what,
                dueAt,
                text: what === "receipt" ? "抄告单已超过签收时限，请立即签收" : "已超过反馈时限，请反馈措施落实情况",
                sentAt: now.toISOString(),
              });
            await this.db.transaction(async (tx) => {
              await run(tx, "UPDATE notices SET reminded_at = $2 WHERE id = $1", [n.id, now.toISOString()]);
              if (b.size) {
                const out = await run<{ id: string; status: string }>(tx, OUTBOX_INSERT("$1", "(SELECT 1) AS one"), [JSON.stringify(b.rows)]);
                claimed.push(...b.claimed(out));
              }
            });
            reminded++;
          } else if (now.getTime() - new Date(String(n.reminded_at)).getTime() >= ESCALATE_AFTER_MS) {
            await run(this.db, "UPDATE notices SET escalated_at = $2 WHERE id = $1", [n.id, now.toISOString()]);
            this.logger.warn(`抄告单 ${n.id}（${n.bureau}）催办后仍未${what === "receipt" ? "签收" : "反馈"}，已升级提醒工程人员 / notice escalated`);
            escalated++;
          }
        }
        handOff(this.broker, claimed);
        // the 双公示 records: delivered, or past their 7-working-day deadline (the alarm)
        const publications = await this.sweepPublications(now);
        return { reminded, escalated, publicationsDelivered: publications.delivered, publicationsOverdue: publications.overdue };
      },
    },

    /**
     * Flow health's 双公示 alarm: records not delivered to the credit platform by their deadline
     * (`overdue`, as the notice sweep last found them) and records whose deadline is unknown because
     * it fell into a year the working calendar lacks (`dueUnknown`), with the oldest of each.
     */
    publicationAlarms: {
      async handler(this: This) {
        const count = async (state: keyof typeof PUBLICATION_STATES) =>
          Number((await run<{ n: string }>(this.db, `SELECT count(*) AS n FROM sanctions WHERE ${PUBLICATION_STATES[state]}`))[0]?.n ?? 0);
        const oldest = async (state: keyof typeof PUBLICATION_STATES) =>
          (await run<Record<string, unknown>>(this.db, `SELECT * FROM sanctions WHERE ${PUBLICATION_STATES[state]} ORDER BY publication_due NULLS FIRST, decision_date LIMIT 10`)).map(alarmView);
        const [overdue, dueUnknown] = await Promise.all([count("overdue"), count("dueUnknown")]);
        const alarm =
          overdue || dueUnknown
            ? [
                overdue ? `${overdue} 条双公示行政处罚信息超过 7 个工作日仍未报送至公共信用信息共享平台` : "",
                dueUnknown ? `${dueUnknown} 条双公示信息的报送时限落入工作日历未覆盖的年份，无法计算（请补充节假日数据）` : "",
              ]
                .filter(Boolean)
                .join("；")
            : null;
        return {
          overdue,
          dueUnknown,
          alarm,
          items: [...(overdue ? await oldest("overdue") : []), ...(dueUnknown ? await oldest("dueUnknown") : [])],
        };
      },
    },

    /**
     * A credit commitment (信用承诺) in: recorded on the subject's record — `{ commitmentId, status }`;
     * the same number again changes nothing. A pledge filed after a sanction that already broke it
     * (a covered kind decided within its validity) is recorded breached, linked to that sanction.
     */
    commitment: {
      async handler(this: This, ctx: Context<{ commitment: Commitment }>) {
        const c = ctx.params.commitment;
        const key = (c.party.creditCode ?? c.party.idNumber ?? c.party.name).toUpperCase();
        const now = new Date();
        return this.db.transaction(async (tx) => {
          await run(tx, "SELECT pg_advisory_xact_lock(hashtext($1))", [key]);
          const [known] = await run<{ id: string; status: string }>(tx, "SELECT id, status FROM credit_commitments WHERE commitment_no = $1", [c.commitmentNo]);
          if (known) return { commitmentId: known.id, status: known.status, duplicate: true };
          const id = newId("CM", now);
          await run(
            tx,
            `INSERT INTO credit_commitments (id, commitment_no, kind, subject_key, subject_type, commitment, violation_kinds, signed_date, valid_until, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active')`,
            [id, c.commitmentNo, c.kind, key, c.party.type, JSON.stringify(c), JSON.stringify(c.violationKinds), c.signedDate, c.validUntil ?? null],
          );
          await run(tx, `INSERT INTO credit_subjects (key, type, name, industries) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET industries = ${MERGE_INDUSTRIES}, updated_at = now()`, [
            key,
            c.party.type,
            c.party.name,
            JSON.stringify(c.party.industries ?? []),
          ]);
          const record = { id, commitmentNo: c.commitmentNo, kind: c.kind, violationKinds: c.violationKinds, signedDate: c.signedDate, validUntil: c.validUntil ?? null };
          const earlier = await run<{ id: string; sanction: unknown }>(tx, "SELECT id, sanction FROM sanctions WHERE subject_key = $1 ORDER BY decision_date, created_at", [key]);
          let status = "active";
          for (const e of earlier) {
            const s = json<Sanction>(e.sanction);
            if (!breachedBy([record], recordOf(s)).length) continue;
            await markBreached(tx, id, { sanctionId: e.id, decisionNo: s.decisionNo, violationType: s.violationType, decisionDate: s.decisionDate }, now);
            status = "breached";
          }
          return { commitmentId: id, status };
        });
      },
    },

    /**
     * 分级分类监管的双随机抽查 of an industry for a period: each subject's level (platform grade, industry
     * grade, lists, broken pledges: domain/credit supervisionLevelOf) and the city's rates
     * (supervision.json) → drawInspections, seeded; recorded once per (city, industry, period, seed),
     * so asking again answers the recorded draw (`recorded: true`).
     */
    drawInspections: {
      async handler(this: This, ctx: Context<{ industry: string; period: string; seed?: string; city?: string; subjects?: string[] }, { user?: { role?: string } }>) {
        const p = ctx.params;
        const city = p.city ? this.cities.find((c) => c.code === p.city) : this.cities[0];
        if (!city) throw notFound("城市数据", "city data", String(p.city));
        const sup = this.supervision.get(city.code);
        // a city without its rates: nothing to draw by (404 names the file)
        if (!sup) throw notFound("分级分类监管数据", "supervision rates", `${city.dir}/supervision.json`);
        const seed = p.seed ?? randomSeed();
        const [known] = await run<Record<string, unknown>>(this.db, "SELECT * FROM inspection_draws WHERE city_code = $1 AND industry = $2 AND period = $3 AND seed = $4", [
          city.code,
          p.industry,
          p.period,
          seed,
        ]);
        if (known) return { ...drawView(known, false), recorded: true };

        const keys = p.subjects?.map((k) => k.trim().toUpperCase());
        const stored = keys
          ? await run<Record<string, unknown>>(this.db, "SELECT * FROM credit_subjects WHERE key IN (SELECT jsonb_array_elements_text($1::jsonb))", [JSON.stringify(keys)])
          : await run<Record<string, unknown>>(this.db, "SELECT * FROM credit_subjects WHERE industries @> jsonb_build_array($1::text)", [p.industry]);
        const byKey = new Map(stored.map((r) => [String(r.key), r]));
        const all = keys ?? [...byKey.keys()];
        const today = localDate(new Date());
        const lists = await run<{ subject_key: string; name: string }>(
          this.db,
          "SELECT subject_key, name FROM list_entries WHERE removed_at IS NULL AND (until_date IS NULL OR until_date >= $2) AND subject_key IN (SELECT jsonb_array_elements_text($1::jsonb))",
          [JSON.stringify(all), today],
        );
        const broken = await run<{ subject_key: string; commitment_no: string }>(
          this.db,
          "SELECT subject_key, commitment_no FROM credit_commitments WHERE status = 'breached' AND subject_key IN (SELECT jsonb_array_elements_text($1::jsonb))",
          [JSON.stringify(all)],
        );
        const grade = (v: unknown, source: unknown, at: unknown) => (v ? { grade: String(v) as CreditGrade, source: String(source ?? ""), at: at ? new Date(String(at)).toISOString() : null } : null);
        const population = all.map((k) => {
          const r = byKey.get(k);
          const lv = supervisionLevelOf(
            {
              key: k,
              name: String(r?.name ?? k),
              type: String(r?.type ?? ""),
              comprehensive: grade(r?.level, r?.level_source, r?.level_at),
              industry: grade(r?.industry_level, r?.industry_level_source, r?.industry_level_at),
              lists: lists.filter((l) => l.subject_key === k).map((l) => l.name),
              breachedCommitments: broken.filter((b) => b.subject_key === k).map((b) => b.commitment_no),
            },
            sup.data,
          );
          return { key: k, name: String(r?.name ?? "（名录主体，信用档案无记录）"), type: String(r?.type ?? "法人及非法人组织"), level: lv.level, why: lv.why };
        });
        const rates = inspectionRates(sup.data, p.industry);
        const draw = drawInspections(
          population.map((x) => ({ id: x.key, level: x.level })),
          p.period,
          seed,
          rates,
        );
        const of = new Map(population.map((x) => [x.key, x]));
        const selected = draw.selected.map((d) => of.get(d.id)!);
        const id = newId("ID", new Date());
        const rows = await run<Record<string, unknown>>(
          this.db,
          `INSERT INTO inspection_draws (id, city_code, industry, period, seed, method, rates, population, levels, selected, drawn_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (city_code, industry, period, seed) DO NOTHING RETURNING *`,
          [
            id,
            city.code,
            p.industry,
            p.period,
            seed,
            draw.method,
            JSON.stringify({ file: sup.file, rates, levels: sup.data.levels.map((l) => ({ level: l.level, description: l.description, grades: l.grades })) }),
            JSON.stringify(population),
            JSON.stringify(draw.levels),
            JSON.stringify(selected),
            ctx.meta?.user?.role ?? null,
          ],
        );
        // a concurrent identical draw won the insert: answer the recorded one
        const [row] = rows.length
          ? rows
          : await run<Record<string, unknown>>(this.db, "SELECT * FROM inspection_draws WHERE city_code = $1 AND industry = $2 AND period = $3 AND seed = $4", [city.code, p.industry, p.period, seed]);
        return { ...drawView(row, false), recorded: !rows.length };
      },
    },

    /** Recorded draws, newest first, by industry and period. */
    inspections: {
      params: { industry: { type: "string", optional: true }, period: { type: "string", optional: true }, limit: { type: "number", integer: true, min: 1, max: 200, default: 50, convert: true } },
      async handler(this: This, ctx: Context<{ industry?: string; period?: string; limit: number }>) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (ctx.params.industry) where.push(`industry = $${params.push(ctx.params.industry)}`);
        if (ctx.params.period) where.push(`period = $${params.push(ctx.params.period)}`);
        params.push(ctx.params.limit);
        const rows = await run<Record<string, unknown>>(
          this.db,
          `SELECT * FROM inspection_draws ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY drawn_at DESC LIMIT $${params.length}`,
          params,
        );
        return { items: rows.map((r) => drawView(r, false)) };
      },
    },

    /** One recorded draw with its whole population (each subject's level and why). */
    inspection: {
      params: { id: "string" },
      async handler(this: This, ctx: Context<{ id: string }>) {
        const [row] = await run<Record<string, unknown>>(this.db, "SELECT * FROM inspection_draws WHERE id = $1", [ctx.params.id]);
        if (!row) throw notFound("抽查记录", "inspection draw", ctx.params.id);
        return drawView(row, true);
      },
    },
  },

  methods: {
    /**
     * The 双公示 records not yet known delivered: asks the outbox (outbox.ofSubjects, the record's
     * publication message is the first of its sanction's) and notes delivery; one still undelivered
     * past its deadline becomes overdue (the alarm, once, logged). A record whose deadline was
     * unknown (calendar gap) gets it once the calendar covers the year.
     */
    async sweepPublications(this: This, now: Date) {
      let checked = 0;
      let delivered = 0;
      let overdue = 0;
      let after = "";
      for (;;) {
        const rows = await run<Record<string, unknown>>(
          this.db,
          `SELECT id, decision_no, party_name, party_type, publication_due, publication_overdue_at, sanction FROM sanctions
           WHERE published = 1 AND publication_sent_at IS NULL AND repaired_at IS NULL AND id > $1 ORDER BY id LIMIT ${PUBLICATION_BATCH}`,
          [after],
        );
        if (!rows.length) break;
        after = String(rows[rows.length - 1].id);
        checked += rows.length;
        const msgs = await this.broker.call<{ id: string; subject: { id: string }; status: string; attempts: number; lastError: string | null; settledAt: string | null }[], unknown>(
          "outbox.ofSubjects",
          {
            type: "sanction",
            ids: rows.map((r) => String(r.id)),
            kind: "publication",
          },
        );
        const first = new Map<string, (typeof msgs)[number]>();
        for (const m of msgs) if (!first.has(m.subject.id)) first.set(m.subject.id, m);
        for (const r of rows) {
          const m = first.get(String(r.id));
          const delivery = m ? JSON.stringify({ outboxId: m.id, status: m.status, attempts: m.attempts, lastError: m.lastError }) : null;
          if (m?.status === "sent") {
            await run(this.db, "UPDATE sanctions SET publication_sent_at = $2, publication_delivery = $3 WHERE id = $1", [r.id, m.settledAt ?? now.toISOString(), delivery]);
            delivered++;
            continue;
          }
          let due = r.publication_due ? new Date(String(r.publication_due)) : null;
          if (!due) {
            const cal = calendarOf(this.cityOfSanction(json<Sanction>(r.sanction)).code);
            const d = cal ? dualPublicationDue(json<Sanction>(r.sanction).decisionDate, cal) : null;
            if (d && "at" in d) {
              due = d.at;
              await run(this.db, "UPDATE sanctions SET publication_due = $2 WHERE id = $1", [r.id, due.toISOString()]);
            }
          }
          const late = due !== null && due.getTime() < now.getTime();
          if (late && !r.publication_overdue_at) {
            overdue++;
            this.logger.warn(
              `双公示信息 ${r.decision_no}（${r.party_type === "自然人" ? maskName(String(r.party_name)) : r.party_name}）超过报送时限 ${due!.toISOString()} 仍未送达公共信用信息共享平台（外发状态 ${m?.status ?? "未排队"}） / 双公示 record overdue`,
            );
          }
          await run(this.db, `UPDATE sanctions SET publication_delivery = $2${late ? ", publication_overdue_at = coalesce(publication_overdue_at, $3)" : ""} WHERE id = $1`, [
            r.id,
            delivery,
            ...(late ? [now.toISOString()] : []),
          ]);
        }
        if (rows.length < PUBLICATION_BATCH) break;
      }
      return { checked, delivered, overdue };
    },

    /** The city whose rules apply: the penalising authority's region code, else the party's, else the first city. */
    cityOfSanction(this: This, s: Sanction) {
      for (const code of [s.authority.code, s.dataSource.code, s.party.creditCode]) {
        const region = code && code.length === 18 ? code.slice(2, 6) : undefined;
        const c = region ? this.cities.find((x) => x.code === region) : undefined;
        if (c) return c;
      }
      return this.cities[0];
    },

    /** Where a notice for a 条线 tag goes: the bureau system that declares it, else the city-level unit tagged so (through its unit adapter). */
    destinationOf(this: This, tag: string, city: CityData) {
      const system = bureauSystem(tag);
      if (system) return { origin: system };
      const unit = city.units.find((u) => u.bureau === tag && u.kind === "functional" && !u.districtCode);
      return unit ? { target: unit.id } : null;
    },
  },

  async started(this: This) {
    this.db = (await openDb(config())).db;
    const sql = sqlOf(this.db);
    this.receipts = new Coalescer((items) => answerNotices(sql, RECEIPTS, items));
    this.feedbacks = new Coalescer((items) => answerNotices(sql, FEEDBACKS, items));
    this.sanctionWriter = new Coalescer((items) => writeSanctions(this, items), 2, 64);
    this.cities = loadCities();
    this.rules = new Map();
    for (const c of this.cities) {
      try {
        this.rules.set(c.code, loadJointRules(path.join(ROOT, c.dir)));
      } catch (e) {
        if (!/ENOENT|缺失|missing/.test((e as Error).message)) throw e;
      }
    }
    this.supervision = new Map();
    for (const c of this.cities) {
      try {
        this.supervision.set(c.code, { file: `${c.dir}/supervision.json`, data: loadSupervision(path.join(ROOT, c.dir)) });
      } catch (e) {
        if (!/缺失|missing/.test((e as Error).message)) throw e;
      }
    }
  },
};

/** One notice row and its outbox message (subject: the notice), written by the sanction's statement. */
function noticeOf(
  svc: This,
  n: JointNotice,
  key: string,
  firingId: string,
  city: CityData,
  listEntry: Record<string, unknown> | null,
  now: Date,
): { row: Record<string, unknown>; batch: OutboxBatch } {
  const dest = svc.destinationOf(n.target, city);
  const receiptDue = atOf(n.receiptDue, new Date(now.getTime() + 2 * 86_400_000));
  const feedbackDue = atOf(n.feedbackDue, new Date(now.getTime() + 10 * 86_400_000));
  if ("gap" in n.receiptDue || "gap" in n.feedbackDue) svc.logger.warn(`抄告单 ${n.noticeId} 的时限跨入工作日历未覆盖的年份，按自然日暂定 / deadline year not covered by the calendar`);
  const row = {
    id: n.noticeId,
    firing_id: firingId,
    kind: "notice",
    subject_key: key,
    subject: n.subject,
    bureau: n.target,
    system: dest && "origin" in dest ? dest.origin : null,
    target: dest && "target" in dest ? dest.target : null,
    rule_id: n.rule.id,
    decisions: n.decisions.map((d) => d.decisionNo),
    measures: n.measures.map((m) => m.text),
    status: "sent",
    receipt_due: receiptDue.toISOString(),
    feedback_due: feedbackDue.toISOString(),
  };
  const b = new OutboxBatch({ type: "notice", id: n.noticeId }, now);
  if (dest) {
    b.send("notice", dest, {
      noticeId: n.noticeId,
      kind: "notice",
      subject: { type: n.subject.type, id: n.subject.creditCode ?? key, name: n.subject.name },
      decisions: n.decisions.map((d) => d.decisionNo),
      rule: `${n.rule.id} ${n.rule.name}`,
      measures: n.measures.length ? n.measures.map((m) => m.text) : ["知悉并依职责采取相应措施"],
      vehicles: n.plates.map((plate) => ({ plate })),
      ...(listEntry ? { listEntry } : {}),
      receiptDeadline: receiptDue.toISOString(),
      feedbackDeadline: feedbackDue.toISOString(),
      sentAt: now.toISOString(),
    });
  }
  return { row, batch: b };
}

/** One decision to write, as the action received it. */
interface SanctionIn {
  s: Sanction;
  flags: readonly string[];
  key: string;
  city: CityData;
  cal: WorkingCalendar | undefined;
  now: Date;
}
type SanctionAnswer = { sanctionId: string; duplicate: boolean; fired?: number; breachedCommitments?: string[] };

/** A subject as the rules see it while a batch is planned: as read, plus the batch's decisions on it so far. */
interface SubjectState {
  history: Sanction[];
  firings: { ruleId: string; decisionNos: string[] }[];
  lists: string[];
  pledges: CommitmentRecord[];
}

/** Everything one decision writes (rows for SANCTIONS_WRITE) and its answer. */
interface SanctionPlan {
  sanction: Record<string, unknown>;
  breaches: { id: string; at: string; breach: Record<string, unknown> }[];
  firings: Record<string, unknown>[];
  lists: Record<string, unknown>[];
  notices: Record<string, unknown>[];
  batches: OutboxBatch[];
  answer: SanctionAnswer;
}

/** The batch could not be written as planned (a decision number committed meanwhile under another subject): write each on its own. */
class WriteAlone extends Error {}

/**
 * Writes decisions that arrived together in ONE transaction of four round trips: BEGIN with the
 * advisory lock of each subject (sorted, so two batches never wait for each other in a circle),
 * one read of every subject (SANCTIONS_READ), the rules in JavaScript decision by decision (a
 * subject's later decision in the batch sees the earlier ones, their firings and list entries, as
 * it would after their commit), one write of everything (SANCTIONS_WRITE), COMMIT. A decision that
 * fails its planning (e.g. no working calendar) gets its error and the others are written; a batch
 * the store refuses is written again decision by decision, so one bad decision fails alone.
 */
async function writeSanctions(svc: This, items: SanctionIn[]): Promise<(SanctionAnswer | Error)[]> {
  const keys = [...new Set(items.map((i) => i.key))].sort();
  try {
    const { answers, claimed } = await transaction(svc.db, (sql) => planAndWrite(svc, sql, items, keys), { lock: keys });
    handOff(svc.broker, claimed);
    return answers;
  } catch (e) {
    if (isStoreUnavailable(e)) return items.map(() => e as Error);
    if (items.length > 1) {
      const out: (SanctionAnswer | Error)[] = [];
      for (const it of items) out.push((await writeSanctions(svc, [it]))[0]);
      return out;
    }
    if (e instanceof WriteAlone) {
      // the same decision number, stored meanwhile under another subject key: a duplicate, nothing written
      const [other] = await sqlOf(svc.db).query<{ id: string }>("SELECT id FROM sanctions WHERE decision_no = $1", [items[0].s.decisionNo]);
      if (other) return [{ sanctionId: String(other.id), duplicate: true }];
    }
    return [e as Error];
  }
}

async function planAndWrite(svc: This, sql: Sql, items: SanctionIn[], keys: string[]): Promise<{ answers: (SanctionAnswer | Error)[]; claimed: OutboundCommand[] }> {
  const read = await sql.query(SANCTIONS_READ, [keys, items.map((i) => i.s.decisionNo)]);
  const known = new Map(Object.entries(json<Record<string, string>>(read[0]?.known ?? {})));
  const state = new Map<string, SubjectState>(
    read.map((r) => [
      String(r.key),
      {
        history: json<Sanction[]>(r.history),
        firings: json<{ ruleId: string; decisionNos: unknown }[]>(r.firings).map((f) => ({ ruleId: f.ruleId, decisionNos: json<string[]>(f.decisionNos) })),
        lists: json<string[]>(r.lists),
        pledges: json<CommitmentRecord[]>(r.pledges),
      },
    ]),
  );
  const answers: (SanctionAnswer | Error)[] = [];
  const plans: SanctionPlan[] = [];
  const subjects = new Map<string, { key: string; type: string; name: string; industries: string[] }>();
  const breaches = new Map<string, { id: string; at: string; breaches: Record<string, unknown>[] }>();
  for (const it of items) {
    const dup = known.get(it.s.decisionNo);
    if (dup) {
      answers.push({ sanctionId: dup, duplicate: true });
      continue;
    }
    const st = state.get(it.key)!;
    let plan: SanctionPlan;
    try {
      plan = planSanction(svc, it, st);
    } catch (e) {
      answers.push(e as Error);
      continue;
    }
    plans.push(plan);
    answers.push(plan.answer);
    known.set(it.s.decisionNo, plan.answer.sanctionId);
    // what this decision changed, for the subject's next decision in the batch
    const at = st.history.findIndex((h) => h.decisionDate > it.s.decisionDate);
    if (at < 0) st.history.push(it.s);
    else st.history.splice(at, 0, it.s);
    for (const f of plan.firings) st.firings.push({ ruleId: String(f.rule_id), decisionNos: f.decisions as string[] });
    for (const l of plan.lists) st.lists.push(String(l.name));
    const subj = subjects.get(it.key);
    const industries = it.s.party.industries ?? [];
    if (subj) {
      subj.name = it.s.party.name;
      subj.industries = [...new Set([...subj.industries, ...industries])];
    } else subjects.set(it.key, { key: it.key, type: it.s.party.type, name: it.s.party.name, industries: [...industries] });
    for (const b of plan.breaches) {
      const m = breaches.get(b.id);
      if (m) m.breaches.push(b.breach);
      else breaches.set(b.id, { id: b.id, at: b.at, breaches: [b.breach] });
    }
  }
  if (!plans.length) return { answers, claimed: [] };
  const batches = plans.flatMap((p) => p.batches);
  const [w] = await sql.query(SANCTIONS_WRITE, [
    JSON.stringify(plans.map((p) => p.sanction)),
    JSON.stringify([...subjects.values()]),
    JSON.stringify([...breaches.values()]),
    JSON.stringify(plans.flatMap((p) => p.firings)),
    JSON.stringify(plans.flatMap((p) => p.lists)),
    JSON.stringify(plans.flatMap((p) => p.notices)),
    JSON.stringify(batches.flatMap((b) => b.rows)),
  ]);
  if (Number(w?.inserted) !== plans.length) throw new WriteAlone("a decision number of the batch is stored already");
  const out = json<{ id: string; status: string }[]>(w.out);
  return { answers, claimed: batches.flatMap((b) => b.claimed(out)) };
}

/**
 * One decision: its publication period and 双公示 deadline, the pledges it breaks, the joint rules
 * it makes fire on the subject's history with it (domain/credit, pure), each firing's list entry
 * and notices, and every message — as rows; nothing is written here.
 */
function planSanction(svc: This, it: SanctionIn, st: SubjectState): SanctionPlan {
  const { s, key, city, cal, now } = it;
  const flags = [...it.flags];
  const id = newId("SN", now);
  const period = publicationOf(s.severity, s.decisionDate, cal ? { calendar: cal } : {});
  const due = period.due && "at" in period.due ? period.due.at : null;
  if (period.due && "gap" in period.due) flags.push("publicationDueUnknown");
  const sanction = {
    id,
    decision_no: s.decisionNo,
    subject_key: key,
    party_type: s.party.type,
    party_name: s.party.name,
    violation_type: s.violationType,
    severity: s.severity,
    decision_date: s.decisionDate,
    sanction: s,
    flags,
    published: period.published ? 1 : 0,
    publish_from: period.publishFrom,
    min_until: period.minUntil,
    max_until: period.maxUntil,
    publication_due: due?.toISOString() ?? null,
  };

  // 信用承诺: the subject's pledges this decision breaks (covered kind, decided within their validity)
  const broken = breachedBy(st.pledges, recordOf(s));
  const breaches = broken.map((c) => ({
    id: c.id,
    at: now.toISOString(),
    breach: { sanctionId: id, decisionNo: s.decisionNo, violationType: s.violationType, decisionDate: s.decisionDate, at: now.toISOString() },
  }));

  const batches: OutboxBatch[] = [];
  const firings: Record<string, unknown>[] = [];
  const lists: Record<string, unknown>[] = [];
  const notices: Record<string, unknown>[] = [];
  const registry = creditRegistry();
  if (period.published && registry) {
    const b = new OutboxBatch({ type: "sanction", id }, now);
    b.send(
      "publication",
      { origin: registry },
      { recordId: id, action: "publish", kind: "penalty", record: publicationRecord(s), ...(due ? { dueAt: due.toISOString() } : {}), sentAt: now.toISOString() },
    );
    batches.push(b);
  }

  // the joint rules this decision makes fire now, on the subject's whole history (this decision with it, in date order)
  const rules = svc.rules.get(city.code);
  let fired = 0;
  if (rules) {
    const at = st.history.findIndex((h) => h.decisionDate > s.decisionDate);
    const history = at < 0 ? [...st.history, s] : [...st.history.slice(0, at), s, ...st.history.slice(at)];
    const plates = history.flatMap((h) => (h.vehicles ?? []).map((v) => v.plate));
    const subject = creditSubjectOf(s, st.lists, plates);
    for (const f of evaluate(subject, history.map(recordOf), rules, now, st.firings)) {
      fired++;
      const firingId = newId("JF", now);
      firings.push({ id: firingId, rule_id: f.ruleId, subject_key: key, decisions: f.decisionNos, decision_set: [...f.decisionNos].sort().join(","), fired_at: now.toISOString() });
      let listEntry: Record<string, unknown> | null = null;
      if (f.listDecision !== "none") {
        const ld = f.listDecision;
        const months = (ld as { months?: number }).months;
        const until = months ? localDate(new Date(now.getTime() + months * 30.44 * 86_400_000)) : null;
        listEntry = { list: ld.list, scope: ld.scope, decidedBy: ld.decidedBy, basis: f.rule.basis.map((b) => b.title).join("；"), from: localDate(now), until };
        lists.push({
          id: newId("LE", now),
          subject_key: key,
          list: "black",
          name: ld.list,
          firing_id: firingId,
          rule_id: f.ruleId,
          basis: String(listEntry.basis),
          decisions: f.decisionNos,
          from_date: localDate(now),
          until_date: until,
        });
        if (registry) {
          const b = new OutboxBatch({ type: "sanction", id }, now);
          b.send(
            "publication",
            { origin: registry },
            {
              recordId: `${firingId}`,
              action: "publish",
              kind: "list",
              record: {
                行政相对人名称: s.party.name,
                统一社会信用代码: s.party.creditCode,
                名单名称: ld.list,
                认定依据: listEntry.basis,
                列入日期: listEntry.from,
                有效期至: until ?? undefined,
                涉及决定书文号: f.decisionNos,
              },
              sentAt: now.toISOString(),
            },
          );
          batches.push(b);
        }
      }
      if (!cal) throw new HubError(500, "NO_CALENDAR", `${city.name}没有工作日历，抄告单时限无法计算`, "no working calendar for the notice deadlines");
      for (const n of noticesFor(f, subject, now, cal)) {
        if (n.target === PLATFORM_TARGET) continue; // the list decision went to the platform above
        const { row, batch } = noticeOf(svc, n, key, firingId, city, listEntry, now);
        notices.push(row);
        batches.push(batch);
      }
    }
  }
  return { sanction, breaches, firings, lists, notices, batches, answer: { sanctionId: id, duplicate: false, fired, breachedCommitments: broken.map((c) => c.commitmentNo) } };
}

/**
 * The batch's read, after the subjects' locks (its snapshot sees what each lock's previous holder
 * committed): per subject ($1) its decisions so far (date order), open firings, lists and pledges,
 * and which of the decision numbers ($2) are stored already — one statement, each part as json.
 */
const SANCTIONS_READ = `SELECT k.key,
  coalesce((SELECT json_agg(s.sanction ORDER BY s.decision_date, s.created_at, s.id) FROM sanctions s WHERE s.subject_key = k.key), '[]'::json) AS history,
  coalesce((SELECT json_agg(json_build_object('ruleId', f.rule_id, 'decisionNos', f.decisions)) FROM rule_firings f WHERE f.subject_key = k.key AND f.revoked_at IS NULL), '[]'::json) AS firings,
  coalesce((SELECT json_agg(l.name) FROM list_entries l WHERE l.subject_key = k.key AND l.removed_at IS NULL), '[]'::json) AS lists,
  coalesce((SELECT json_agg(json_build_object('id', c.id, 'commitmentNo', c.commitment_no, 'kind', c.kind, 'violationKinds', c.violation_kinds,
    'signedDate', c.signed_date, 'validUntil', c.valid_until)) FROM credit_commitments c WHERE c.subject_key = k.key), '[]'::json) AS pledges,
  (SELECT coalesce(json_object_agg(d.decision_no, d.id), '{}'::json) FROM sanctions d WHERE d.decision_no = ANY($2::text[])) AS known
  FROM unnest($1::text[]) AS k(key)`;

const cols = (list: string) =>
  list
    .split(", ")
    .map((c) => `x.${c}`)
    .join(", ");
const SANCTION_COLUMNS =
  "id, decision_no, subject_key, party_type, party_name, violation_type, severity, decision_date, sanction, flags, published, publish_from, min_until, max_until, publication_due";
const FIRING_COLUMNS = "id, rule_id, subject_key, decisions, decision_set, fired_at";
const LIST_COLUMNS = "id, subject_key, list, name, firing_id, rule_id, basis, decisions, from_date, until_date";
const NOTICE_COLUMNS = "id, firing_id, kind, subject_key, subject, bureau, system, target, rule_id, decisions, measures, status, receipt_due, feedback_due";

/**
 * Everything a batch of decisions causes, as ONE statement: the sanctions (a number stored
 * meanwhile inserts nothing, and `inserted` tells: the caller rolls back and writes each alone),
 * their subjects (one row per subject, industries merged), the pledges they break (the first breach
 * sets breached_at; each sanction listed once), the firings, list entries and notices, and the
 * outbox rows. $1 sanctions, $2 subjects, $3 breaches per pledge, $4 firings, $5 list entries,
 * $6 notices, $7 outbox rows — all json arrays.
 */
const SANCTIONS_WRITE = `WITH k AS (
    INSERT INTO sanctions (${SANCTION_COLUMNS}) SELECT ${cols(SANCTION_COLUMNS)} FROM jsonb_populate_recordset(NULL::sanctions, $1::jsonb) x
    ON CONFLICT (decision_no) DO NOTHING RETURNING 1),
  cs AS (
    INSERT INTO credit_subjects (key, type, name, industries) SELECT x.key, x.type, x.name, x.industries FROM jsonb_populate_recordset(NULL::credit_subjects, $2::jsonb) x
    ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, industries = ${MERGE_INDUSTRIES}, updated_at = now() RETURNING 1),
  cb AS (
    UPDATE credit_commitments c SET status = 'breached', breached_at = coalesce(c.breached_at, b.at),
      breaches = c.breaches || coalesce((SELECT jsonb_agg(e) FROM jsonb_array_elements(b.breaches) e
        WHERE NOT c.breaches @> jsonb_build_array(jsonb_build_object('sanctionId', e->'sanctionId'))), '[]'::jsonb)
    FROM jsonb_to_recordset($3::jsonb) AS b(id text, at timestamptz, breaches jsonb) WHERE c.id = b.id RETURNING 1),
  rf AS (
    INSERT INTO rule_firings (${FIRING_COLUMNS}) SELECT ${cols(FIRING_COLUMNS)} FROM jsonb_populate_recordset(NULL::rule_firings, $4::jsonb) x
    ON CONFLICT DO NOTHING RETURNING 1),
  le AS (INSERT INTO list_entries (${LIST_COLUMNS}) SELECT ${cols(LIST_COLUMNS)} FROM jsonb_populate_recordset(NULL::list_entries, $5::jsonb) x RETURNING 1),
  nt AS (INSERT INTO notices (${NOTICE_COLUMNS}) SELECT ${cols(NOTICE_COLUMNS)} FROM jsonb_populate_recordset(NULL::notices, $6::jsonb) x RETURNING 1),
  o AS (${OUTBOX_INSERT("$7", "(SELECT 1) AS one")})
  SELECT (SELECT count(*) FROM k) AS inserted, coalesce((SELECT json_agg(json_build_object('id', o.id, 'status', o.status)) FROM o), '[]'::json) AS out`;

/** A bureau's receipt or feedback for one notice, as the batch statements take it. */
interface NoticeAnswer {
  id: string;
  system: string;
  at: string;
  [column: string]: unknown;
}
type NoticeState = { id: string; status: string };

/** 签收: sent → received; the first receipt's time and signer stay. */
const RECEIPTS = `UPDATE notices n SET status = CASE WHEN n.status = 'sent' THEN 'received' ELSE n.status END,
    received_at = coalesce(n.received_at, x.at), received_by = coalesce(n.received_by, x.received_by)
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, system text, at timestamptz, received_by text)
  WHERE n.id = x.id AND n.system = x.system RETURNING n.id, n.system, n.status`;

/** 措施落实情况: done, or at least received; a revoked notice takes none. */
const FEEDBACKS = `UPDATE notices n SET status = CASE WHEN x.done THEN 'done' WHEN n.status = 'sent' THEN 'received' ELSE n.status END,
    feedback = x.feedback, feedback_at = x.at, received_at = coalesce(n.received_at, x.at)
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, system text, done boolean, feedback jsonb, at timestamptz)
  WHERE n.id = x.id AND n.system = x.system AND n.status <> 'revoked' RETURNING n.id, n.system, n.status`;

/**
 * Writes a batch of answers with one statement per round; the same notice twice in a batch goes
 * in a later round, so each answer applies in the order it came (as one statement per answer did).
 * Answers each item with its notice's state, or undefined when no such notice (of that system). A
 * round the store refuses for its data (e.g. a time PostgreSQL cannot read) is written item by item,
 * so only the bad answer fails (its error as its result); an unreachable store fails them all.
 */
async function answerNotices(sql: Sql, text: string, items: NoticeAnswer[]): Promise<(NoticeState | Error | undefined)[]> {
  const out: (NoticeState | Error | undefined)[] = new Array(items.length);
  const write = async (round: { item: NoticeAnswer; i: number }[]) => {
    const rows = await sql.query<{ id: string; system: string; status: string }>(text, [JSON.stringify(round.map((x) => x.item))]);
    const byKey = new Map(rows.map((r) => [`${r.id}\u001f${r.system}`, r]));
    for (const x of round) {
      const r = byKey.get(`${x.item.id}\u001f${x.item.system}`);
      out[x.i] = r ? { id: r.id, status: r.status } : undefined;
    }
  };
  let left = items.map((item, i) => ({ item, i }));
  while (left.length) {
    const seen = new Set<string>();
    const round: typeof left = [];
    const later: typeof left = [];
    for (const x of left) {
      const k = `${x.item.id}\u001f${x.item.system}`;
      if (seen.has(k)) later.push(x);
      else {
        seen.add(k);
        round.push(x);
      }
    }
    try {
      await write(round);
    } catch (e) {
      if (round.length === 1 || isStoreUnavailable(e)) throw e;
      for (const x of round)
        await write([x]).catch((err: unknown) => {
          if (isStoreUnavailable(err)) throw err;
          out[x.i] = err as Error;
        });
    }
    left = later;
  }
  return out;
}

/** The 双公示 record states the list and the flow-health alarm filter on (SQL over sanctions). */
const PUBLICATION_STATES = {
  overdue: "publication_overdue_at IS NOT NULL AND publication_sent_at IS NULL AND repaired_at IS NULL",
  dueUnknown: "published = 1 AND publication_due IS NULL AND publication_sent_at IS NULL AND repaired_at IS NULL",
  undelivered: "published = 1 AND publication_sent_at IS NULL AND repaired_at IS NULL",
  delivered: "publication_sent_at IS NOT NULL",
} as const;

const iso = (v: unknown) => (v == null ? null : new Date(String(v)).toISOString());

/** One alarm line: which record, whose (masked), since when, its outbox state. */
function alarmView(r: Record<string, unknown>) {
  const person = r.party_type === "自然人";
  return {
    id: r.id,
    decisionNo: r.decision_no,
    party: person ? maskName(String(r.party_name)) : r.party_name,
    decisionDate: r.decision_date,
    due: iso(r.publication_due),
    overdueSince: iso(r.publication_overdue_at),
    alarm: r.publication_overdue_at ? "overdue" : "dueUnknown",
    delivery: r.publication_delivery ? json(r.publication_delivery) : null,
  };
}

/** Marks a pledge breached by a sanction (the first breach sets breached_at; each sanction is listed once). */
async function markBreached(tx: Tx, id: string, breach: { sanctionId: string; decisionNo: string; violationType: string; decisionDate: string }, now: Date) {
  await run(
    tx,
    `UPDATE credit_commitments SET status = 'breached', breached_at = coalesce(breached_at, $3),
       breaches = CASE WHEN breaches @> jsonb_build_array(jsonb_build_object('sanctionId', $4::text)) THEN breaches ELSE breaches || jsonb_build_array($2::jsonb) END
     WHERE id = $1`,
    [id, JSON.stringify({ ...breach, at: now.toISOString() }), now.toISOString(), breach.sanctionId],
  );
}

/** A pledge as people see it: a person's name, ID number and house address masked; a company's whole. */
function commitmentView(r: Record<string, unknown>) {
  const c = json<Commitment>(r.commitment);
  const person = c.party.type === "自然人";
  const until = r.valid_until ? String(r.valid_until) : null;
  return {
    id: r.id,
    commitmentNo: r.commitment_no,
    kind: r.kind,
    party: {
      ...c.party,
      ...(person ? { name: maskName(c.party.name) } : {}),
      ...(c.party.idNumber ? { idNumber: maskResidentId(c.party.idNumber) } : {}),
    },
    content: c.content,
    violationKinds: c.violationKinds,
    signedDate: r.signed_date,
    validUntil: until,
    ...(c.place ? { place: { ...(c.place.community ? { community: c.place.community } : {}), ...(c.place.address ? { address: maskAddress(c.place.address, person) } : {}) } } : {}),
    receivedBy: c.receivedBy,
    status: r.status === "breached" ? "breached" : until && until < localDate(new Date()) ? "expired" : "active",
    breaches: json<Record<string, unknown>[]>(r.breaches ?? []),
    breachedAt: iso(r.breached_at),
    createdAt: iso(r.created_at),
  };
}

/** An owner's house address shows its first characters only (the community is shown on its own). */
const maskAddress = (a: string, person: boolean) => (person ? `${[...a].slice(0, Math.min(6, Math.ceil([...a].length / 3))).join("")}****` : a);

/** A draw as answered: the rates, counts per level and the drawn subjects (persons masked); with `full`, the whole population. */
function drawView(r: Record<string, unknown>, full: boolean) {
  type Item = { key: string; name: string; type: string; level: string; why: string[] };
  const shown = (x: Item) => ({ ...x, key: shownKey(x.key, x.type), name: x.type === "自然人" ? maskName(x.name) : x.name });
  const population = json<Item[]>(r.population);
  return {
    id: r.id,
    city: r.city_code,
    industry: r.industry,
    period: r.period,
    seed: r.seed,
    method: r.method,
    rates: json(r.rates),
    levels: json(r.levels),
    population: population.length,
    selected: json<Item[]>(r.selected).map(shown),
    ...(full ? { subjects: population.map(shown) } : {}),
    drawnBy: r.drawn_by ?? null,
    drawnAt: iso(r.drawn_at),
  };
}

/** A seed when the caller gives none: recorded with the draw, so the draw stays reproducible. */
const randomSeed = () =>
  Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, "0");

function sanctionView(r: Record<string, unknown>): Sanction & Record<string, unknown> {
  const s = maskedSanction(json<Sanction>(r.sanction));
  return {
    ...s,
    ...(r.id ? { id: r.id } : {}),
    flags: r.flags ? json<string[]>(r.flags) : [],
    publication: r.id
      ? {
          published: Number(r.published) === 1,
          publishFrom: r.publish_from ?? null,
          minUntil: r.min_until ?? null,
          maxUntil: r.max_until ?? null,
          due: r.publication_due ? new Date(String(r.publication_due)).toISOString() : null,
          repairedAt: r.repaired_at ? new Date(String(r.repaired_at)).toISOString() : null,
          deliveredAt: iso(r.publication_sent_at),
          overdueSince: iso(r.publication_overdue_at),
          delivery: r.publication_delivery ? json(r.publication_delivery) : null,
          alarm: Number(r.published) === 1 && !r.publication_sent_at && !r.repaired_at ? (r.publication_overdue_at ? "overdue" : r.publication_due ? null : "dueUnknown") : null,
        }
      : undefined,
  } as Sanction & Record<string, unknown>;
}

function noticeView(r: Record<string, unknown>) {
  const iso = (v: unknown) => (v == null ? null : new Date(String(v)).toISOString());
  return {
    id: r.id,
    kind: r.kind,
    revokes: r.revokes ?? null,
    bureau: r.bureau,
    system: r.system ?? null,
    target: r.target ?? null,
    subject: json(r.subject),
    rule: r.rule_id,
    decisions: json(r.decisions),
    measures: json(r.measures),
    status: r.status,
    receiptDue: iso(r.receipt_due),
    feedbackDue: iso(r.feedback_due),
    receivedAt: iso(r.received_at),
    feedback: r.feedback ? json(r.feedback) : null,
    remindedAt: iso(r.reminded_at),
    escalatedAt: iso(r.escalated_at),
    createdAt: iso(r.created_at),
  };
}

export { CalendarGapError };
export default CreditService;
