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
 */
import path from "node:path";
import { sql as dsql, type SQL } from "drizzle-orm";
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { JointRulesFile, Sanction } from "../contracts/types";
import { bureauSystem, creditRegistry } from "../adapters";
import { CalendarGapError, type DeadlineResult } from "../domain/calendar";
import { evaluate, loadJointRules, noticesFor, personalScore, PLATFORM_TARGET, publicationOf, type JointNotice } from "../domain/credit";
import { loadCities, type CityData } from "../domain/routing";
import { creditSubjectOf, maskedSanction, publicationRecord, recordOf, subjectKeyOf } from "../domain/sanction";
import { ROOT } from "../contracts";
import { calendarOf } from "../lib/calendars";
import { config } from "../lib/config";
import { openDb, rowsOf, type Db } from "../lib/db";
import { handOff } from "../lib/handoff";
import { newId } from "../lib/ids";
import { HubError, notFound } from "../kit/errors";
import { OUTBOX_INSERT, OutboxBatch } from "../store/outbox";
import type { OutboundCommand } from "../kit/adapter";

interface Vars {
  db: Db;
  cities: CityData[];
  rules: Map<string, JointRulesFile>;
}
interface Methods {
  cityOfSanction(s: Sanction): CityData;
  destinationOf(tag: string, city: CityData): { origin: string } | { target: string } | null;
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

const CreditService: ServiceSchema<ServiceSettingSchema, Methods & Record<string, never>, Vars> = {
  name: "sanctions",

  actions: {
    /** A penalty decision in: `{ sanctionId, duplicate }`, everything it causes written with it. */
    sanction: {
      async handler(this: This, ctx: Context<{ sanction: Sanction; flags?: string[] }>) {
        const s = ctx.params.sanction;
        const flags = ctx.params.flags ?? [];
        const key = subjectKeyOf(s);
        const city = this.cityOfSanction(s);
        const cal = calendarOf(city.code);
        const now = new Date();
        const claimed: OutboundCommand[] = [];
        const result = await this.db.transaction(async (tx) => {
          await run(tx, "SELECT pg_advisory_xact_lock(hashtext($1))", [key]);
          const known = await run<{ id: string }>(tx, "SELECT id FROM sanctions WHERE decision_no = $1", [s.decisionNo]);
          if (known.length) return { sanctionId: known[0].id, duplicate: true };

          const id = newId("SN", now);
          const period = publicationOf(s.severity, s.decisionDate, cal ? { calendar: cal } : {});
          const due = period.due && "at" in period.due ? period.due.at : null;
          if (period.due && "gap" in period.due) flags.push("publicationDueUnknown");
          await run(
            tx,
            `INSERT INTO sanctions (id, decision_no, subject_key, party_type, party_name, violation_type, severity, decision_date, sanction, flags, published, publish_from, min_until, max_until, publication_due)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
            [
              id,
              s.decisionNo,
              key,
              s.party.type,
              s.party.name,
              s.violationType,
              s.severity,
              s.decisionDate,
              JSON.stringify(s),
              JSON.stringify(flags),
              period.published ? 1 : 0,
              period.publishFrom,
              period.minUntil,
              period.maxUntil,
              due?.toISOString() ?? null,
            ],
          );
          await run(tx, `INSERT INTO credit_subjects (key, type, name) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, updated_at = now()`, [
            key,
            s.party.type,
            s.party.name,
          ]);

          const batches: OutboxBatch[] = [];
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

          // the joint rules this decision makes fire now, on the subject's whole history
          const rules = this.rules.get(city.code);
          let fired = 0;
          if (rules) {
            const history = (await run<{ sanction: unknown }>(tx, "SELECT sanction FROM sanctions WHERE subject_key = $1", [key])).map((r) => json<Sanction>(r.sanction));
            const before = (await run<{ rule_id: string; decisions: unknown }>(tx, "SELECT rule_id, decisions FROM rule_firings WHERE subject_key = $1 AND revoked_at IS NULL", [key])).map((r) => ({
              ruleId: r.rule_id,
              decisionNos: json<string[]>(r.decisions),
            }));
            const lists = (await run<{ name: string }>(tx, "SELECT name FROM list_entries WHERE subject_key = $1 AND removed_at IS NULL", [key])).map((r) => r.name);
            const plates = history.flatMap((h) => (h.vehicles ?? []).map((v) => v.plate));
            const subject = creditSubjectOf(s, lists, plates);
            for (const f of evaluate(subject, history.map(recordOf), rules, now, before)) {
              fired++;
              const firingId = newId("JF", now);
              await run(tx, "INSERT INTO rule_firings (id, rule_id, subject_key, decisions, decision_set, fired_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", [
                firingId,
                f.ruleId,
                key,
                JSON.stringify(f.decisionNos),
                [...f.decisionNos].sort().join(","),
                now.toISOString(),
              ]);
              let listEntry: Record<string, unknown> | null = null;
              if (f.listDecision !== "none") {
                const ld = f.listDecision;
                const months = (ld as { months?: number }).months;
                const until = months ? localDate(new Date(now.getTime() + months * 30.44 * 86_400_000)) : null;
                listEntry = { list: ld.list, scope: ld.scope, decidedBy: ld.decidedBy, basis: f.rule.basis.map((b) => b.title).join("；"), from: localDate(now), until };
                await run(
                  tx,
                  "INSERT INTO list_entries (id, subject_key, list, name, firing_id, rule_id, basis, decisions, from_date, until_date) VALUES ($1, $2, 'black', $3, $4, $5, $6, $7, $8, $9)",
                  [newId("LE", now), key, ld.list, firingId, f.ruleId, String(listEntry.basis), JSON.stringify(f.decisionNos), localDate(now), until],
                );
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
                batches.push(await writeNotice(tx, this, n, key, firingId, city, listEntry, now));
              }
            }
          }
          const rows = batches.flatMap((b) => b.rows);
          if (rows.length) {
            const out = await run<{ id: string; status: string }>(tx, OUTBOX_INSERT("$1", "(SELECT 1) AS one"), [JSON.stringify(rows)]);
            for (const b of batches) claimed.push(...b.claimed(out));
          }
          return { sanctionId: id, duplicate: false, fired };
        });
        handOff(this.broker, claimed);
        return result;
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

    /** Sanctions, newest first, by subject (credit code or ID number) or severity. */
    list: {
      params: { subject: { type: "string", optional: true }, severity: { type: "string", optional: true }, limit: { type: "number", integer: true, min: 1, max: 500, default: 50, convert: true } },
      async handler(this: This, ctx: Context<{ subject?: string; severity?: string; limit: number }>) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (ctx.params.subject) where.push(`subject_key = $${params.push(ctx.params.subject.toUpperCase())}`);
        if (ctx.params.severity) where.push(`severity = $${params.push(ctx.params.severity)}`);
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
          name: person ? sanctionView(sanctionsOf[0] ?? { sanction: { party: { name: subj.name, type: "自然人" } } }).party?.name : subj.name,
          level: subj.level ? { level: subj.level, source: subj.level_source, at: subj.level_at } : null,
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

    /** A bureau signed for a notice (签收). */
    noticeReceipt: {
      params: { system: "string", noticeId: "string", receivedBy: { type: "string", optional: true }, at: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ system: string; noticeId: string; receivedBy?: string; at?: string }>) {
        const rows = await run<{ id: string; status: string }>(
          this.db,
          "UPDATE notices SET status = CASE WHEN status = 'sent' THEN 'received' ELSE status END, received_at = coalesce(received_at, $3), received_by = coalesce(received_by, $4) WHERE id = $1 AND system = $2 RETURNING id, status",
          [ctx.params.noticeId, ctx.params.system, ctx.params.at ?? new Date().toISOString(), ctx.params.receivedBy ?? null],
        );
        if (!rows.length) throw notFound("抄告单", "notice", ctx.params.noticeId);
        return { noticeId: rows[0].id, status: rows[0].status };
      },
    },

    /** A bureau reported the measures it took (措施落实情况). */
    noticeFeedback: {
      params: { system: "string", noticeId: "string", done: "boolean", measures: { type: "array", optional: true }, text: { type: "string", optional: true }, at: { type: "string", optional: true } },
      async handler(this: This, ctx: Context<{ system: string; noticeId: string; done: boolean; measures?: unknown[]; text?: string; at?: string }>) {
        const at = ctx.params.at ?? new Date().toISOString();
        const feedback = { done: ctx.params.done, measures: ctx.params.measures ?? [], text: ctx.params.text ?? null, at };
        const rows = await run<{ id: string; status: string }>(
          this.db,
          "UPDATE notices SET status = CASE WHEN $3 THEN 'done' WHEN status = 'sent' THEN 'received' ELSE status END, feedback = $4, feedback_at = $5, received_at = coalesce(received_at, $5) WHERE id = $1 AND system = $2 AND status <> 'revoked' RETURNING id, status",
          [ctx.params.noticeId, ctx.params.system, ctx.params.done, JSON.stringify(feedback), at],
        );
        if (!rows.length) throw notFound("抄告单", "notice", ctx.params.noticeId);
        return { noticeId: rows[0].id, status: rows[0].status };
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
        await run(
          this.db,
          `INSERT INTO credit_subjects (key, type, name, level, level_source, level_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (key) DO UPDATE SET level = EXCLUDED.level, level_source = EXCLUDED.level_source, level_at = EXCLUDED.level_at, updated_at = now()`,
          [s.code.toUpperCase(), s.type ?? "法人及非法人组织", s.name ?? s.code, ctx.params.level, ctx.params.source ?? "公共信用信息共享平台", ctx.params.evaluatedAt ?? new Date().toISOString()],
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
        return { reminded, escalated };
      },
    },
  },

  methods: {
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
    this.cities = loadCities();
    this.rules = new Map();
    for (const c of this.cities) {
      try {
        this.rules.set(c.code, loadJointRules(path.join(ROOT, c.dir)));
      } catch (e) {
        if (!/ENOENT|缺失|missing/.test((e as Error).message)) throw e;
      }
    }
  },
};

/** One notice row and its outbox message (subject: the notice), in the sanction's transaction. */
async function writeNotice(tx: Tx, svc: This, n: JointNotice, key: string, firingId: string, city: CityData, listEntry: Record<string, unknown> | null, now: Date): Promise<OutboxBatch> {
  const dest = svc.destinationOf(n.target, city);
  const receiptDue = atOf(n.receiptDue, new Date(now.getTime() + 2 * 86_400_000));
  const feedbackDue = atOf(n.feedbackDue, new Date(now.getTime() + 10 * 86_400_000));
  if ("gap" in n.receiptDue || "gap" in n.feedbackDue) svc.logger.warn(`抄告单 ${n.noticeId} 的时限跨入工作日历未覆盖的年份，按自然日暂定 / deadline year not covered by the calendar`);
  await run(
    tx,
    `INSERT INTO notices (id, firing_id, kind, subject_key, subject, bureau, system, target, rule_id, decisions, measures, status, receipt_due, feedback_due)
     VALUES ($1, $2, 'notice', $3, $4, $5, $6, $7, $8, $9, $10, 'sent', $11, $12)`,
    [
      n.noticeId,
      firingId,
      key,
      JSON.stringify(n.subject),
      n.target,
      dest && "origin" in dest ? dest.origin : null,
      dest && "target" in dest ? dest.target : null,
      n.rule.id,
      JSON.stringify(n.decisions.map((d) => d.decisionNo)),
      JSON.stringify(n.measures.map((m) => m.text)),
      receiptDue.toISOString(),
      feedbackDue.toISOString(),
    ],
  );
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
  return b;
}

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
