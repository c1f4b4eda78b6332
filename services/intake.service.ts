/**
 * intake — owns inbound_messages and idempotency_keys.
 *
 * Every request an external system makes to an adapter route comes here as received (raw
 * text, capped): size, content type, JSON syntax and the route's contract are checked in that
 * order; a valid message is handed to the adapter's `handle` (mapping + one hub call). Every
 * message, accepted or rejected, is kept with its outcome, and a rejected one answers with the
 * id under which engineers can read it. A repeated Idempotency-Key gets the first answer again.
 */
import { createHash } from "node:crypto";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { and, count, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { adapterBySystem } from "../adapters";
import type { HubPort } from "../kit/adapter";
import { HubError, notFound, parseJsonBody } from "../kit/errors";
import { config } from "../lib/config";
import { isStoreUnavailable, openDb, storeUnavailableError, type Db } from "../lib/db";
import { newId } from "../lib/ids";
import { maskText } from "../lib/mask";
import { inboundMessages, idempotencyKeys } from "../store/intake.tables";
import { json, sqlOf, type Sql } from "../store/sql";

/** What the gateway hands over for one request to an adapter route. */
export interface InboundRequest {
  system: string;
  routeIndex: number;
  method: string;
  path: string;
  pathParams: Record<string, string>;
  headers: Record<string, string>;
  contentType: string | null;
  raw: string;
  text?: string; // the whole body (up to MAX_BODY_BYTES, absent when larger): what is parsed; `raw` is the capped copy kept
  bodyBytes: number;
  truncated: boolean;
  tooLarge: boolean;
}

interface Vars {
  db: Db;
  sql: Sql;
}
type This = Vars & { logger: Context["broker"]["logger"] };

type Outcome = "accepted" | "duplicate" | "rejected" | "error";

const KEEP = `INSERT INTO inbound_messages (id, system, kind, method, path, role, headers, content_type, body, body_bytes, truncated, outcome, http_status, error_code, errors, case_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;
/** the answer stored for an Idempotency-Key, with the raw message kept, in one statement */
const KEEP_AND_ANSWER = `WITH k AS (UPDATE idempotency_keys SET http_status = $13, response = $17 WHERE scope = $18 AND key = $19) ${KEEP}`;

/** Keeps one message as received with its outcome (one statement); answers its id. */
async function keep(sql: Sql, r: InboundRequest, kind: string, role: string | null, outcome: Outcome, httpStatus: number, extra: { errorCode?: string; errors?: unknown; caseId?: string; answer?: { scope: string; key: string; body: unknown } } = {}): Promise<string> {
  const id = newId("IN");
  const params: unknown[] = [id, r.system, kind, r.method, r.path, role, json(r.headers), r.contentType, r.raw, r.bodyBytes, r.truncated, outcome, httpStatus, extra.errorCode ?? null, extra.errors === undefined ? null : json(extra.errors), extra.caseId ?? null];
  if (extra.answer) await sql.query(KEEP_AND_ANSWER, [...params, json(extra.answer.body ?? null), extra.answer.scope, extra.answer.key]);
  else await sql.query(KEEP, params);
  return id;
}

/** A claim older than this is taken over: its first request died half-way (the case change is all-or-nothing). */
const CLAIM_STALE_MS = 60_000;

const CLAIM = `INSERT INTO idempotency_keys (scope, key, request_hash, http_status, response) VALUES ($1, $2, $3, 0, '{}'::jsonb) ON CONFLICT DO NOTHING RETURNING key`;

/**
 * Claims an Idempotency-Key before the request is handled, so two copies arriving at once
 * change the case once. Returns the stored answer of an earlier request, or undefined when
 * this request holds the claim and must be handled.
 */
async function claimKey(db: Db, sql: Sql, scope: string, key: string, hash: string): Promise<{ httpStatus: number; response: unknown } | undefined> {
  const claimed = await sql.query(CLAIM, [scope, key, hash]);
  if (claimed.length) return undefined;
  const prev = (await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))))[0];
  if (!prev) return claimKey(db, sql, scope, key, hash); // released meanwhile
  if (prev.requestHash !== hash)
    throw new HubError(422, "IDEMPOTENCY_KEY_REUSED", "该 Idempotency-Key 已用于另一个不同的请求", "this Idempotency-Key was already used for a different request");
  if (prev.httpStatus !== 0) return { httpStatus: prev.httpStatus, response: prev.response };
  if (Date.now() - prev.createdAt.getTime() > CLAIM_STALE_MS) {
    const taken = await db
      .update(idempotencyKeys)
      .set({ createdAt: new Date() })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), eq(idempotencyKeys.httpStatus, 0), lt(idempotencyKeys.createdAt, new Date(Date.now() - CLAIM_STALE_MS))))
      .returning({ key: idempotencyKeys.key });
    if (taken.length) return undefined;
  }
  throw new HubError(409, "IDEMPOTENCY_IN_PROGRESS", "相同 Idempotency-Key 的请求正在处理中，请稍后重试", "a request with this Idempotency-Key is still being processed; retry shortly");
}

async function releaseKey(db: Db, scope: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), eq(idempotencyKeys.httpStatus, 0)));
}

const IntakeService: ServiceSchema<ServiceSettingSchema, Record<string, never>, Vars> = {
  name: "intake",

  actions: {
    receive: {
      visibility: "published",
      async handler(this: This, ctx: Context<{ inbound: InboundRequest }, { user?: { role: string }; $statusCode?: number; $responseHeaders?: Record<string, string> }>) {
        const r = ctx.params.inbound;
        const role = ctx.meta.user?.role ?? null;
        const spec = adapterBySystem(r.system);
        const route = spec?.routes[r.routeIndex];
        if (!spec || !route) throw new HubError(404, "NOT_FOUND", "接口不存在", "no such route");
        const kind = route.kind;
        try {
          const body = parseJsonBody<unknown>(r, config().maxBodyBytes, route.schema);

          const idemKey = r.headers["idempotency-key"];
          const scope = `${r.system}:${r.method} ${spec.basePath}${route.path}:${role ?? ""}`;
          const hash = createHash("sha256").update(r.path).update("\0").update(r.raw).digest("hex");
          if (idemKey) {
            const replay = await claimKey(this.db, this.sql, scope, idemKey, hash);
            if (replay) {
              const caseId = (replay.response as { caseId?: string })?.caseId;
              const inboundId = await keep(this.sql, r, kind, role, "duplicate", replay.httpStatus, { caseId });
              ctx.meta.$statusCode = replay.httpStatus;
              ctx.meta.$responseHeaders = { "X-Inbound-Id": inboundId, "Idempotent-Replayed": "true" };
              return replay.response;
            }
          }

          const hub: HubPort = { call: (action, params) => ctx.call(action, params as object) as never };
          let result;
          try {
            result = await route.handle(body, r.pathParams, hub);
          } catch (e) {
            if (idemKey) await releaseKey(this.db, scope, idemKey);
            throw e;
          }
          const duplicate = (result.body as { duplicate?: boolean } | null)?.duplicate === true;
          const inboundId = await keep(this.sql, r, kind, role, duplicate ? "duplicate" : "accepted", result.status, {
            caseId: result.caseId,
            answer: idemKey ? { scope, key: idemKey, body: result.body } : undefined,
          });
          ctx.meta.$statusCode = result.status;
          ctx.meta.$responseHeaders = { "X-Inbound-Id": inboundId };
          this.logger.debug(`收到 ${r.system}/${kind} ${r.path} → ${result.status}${result.caseId ? ` 案件 ${result.caseId}` : ""}`);
          return result.body;
        } catch (e) {
          // the store is down: nothing can be kept or changed; the caller is asked to come back
          if (isStoreUnavailable(e)) throw storeUnavailableError();
          const err = e as HubError & { code?: number; type?: string; data?: Record<string, unknown> };
          const status = typeof err.code === "number" && err.code >= 400 && err.code < 500 ? err.code : 500;
          let inboundId: string;
          try {
            inboundId = await keep(this.sql, r, kind, role, status < 500 ? "rejected" : "error", status, {
              errorCode: err.type ?? "INTERNAL",
              errors: err.data?.errors ?? (status >= 500 ? [{ message: maskText(String(err.message)) }] : undefined),
              caseId: err.data?.caseId as string | undefined,
            });
          } catch (k) {
            if (isStoreUnavailable(k)) throw storeUnavailableError();
            throw k;
          }
          this.logger.warn(`拒收 ${r.system}/${kind} ${r.path} → ${status} ${err.type ?? ""} (${inboundId})`);
          if (err instanceof HubError || status < 500) {
            err.data = { ...(err.data ?? {}), inboundId };
            throw err;
          }
          throw new HubError(500, "INTERNAL", `处理失败，原始报文已保存（${inboundId}），请联系集成工程师`, `processing failed; the raw message was kept as ${inboundId}`, { inboundId });
        }
      },
    },

    /** A request refused at the gateway (no or wrong API key, a bad agent command): keep it all the same. */
    keepRejected: {
      visibility: "public",
      async handler(this: This, ctx: Context<{ inbound: Omit<InboundRequest, "routeIndex"> & { kind: string }; role: string | null; status: number; code: string; errors?: unknown }>) {
        const { inbound, role, status, code, errors } = ctx.params;
        const id = await keep(this.sql, { ...inbound, routeIndex: -1 }, inbound.kind, role, "rejected", status, { errorCode: code, errors });
        return { inboundId: id };
      },
    },

    /** Engineers: inbound messages, newest first (raw bodies included). */
    list: {
      params: {
        outcome: { type: "string", optional: true },
        system: { type: "string", optional: true },
        caseId: { type: "string", optional: true },
        since: { type: "date", convert: true, optional: true },
        limit: { type: "number", integer: true, positive: true, max: 500, convert: true, optional: true },
      },
      async handler(this: This, ctx: Context<{ outcome?: string; system?: string; caseId?: string; since?: Date; limit?: number }>) {
        const p = ctx.params;
        const where: SQL[] = [];
        if (p.outcome) where.push(inArray(inboundMessages.outcome, p.outcome.split(",")));
        if (p.system) where.push(eq(inboundMessages.system, p.system));
        if (p.caseId) where.push(eq(inboundMessages.caseId, p.caseId));
        if (p.since) where.push(gte(inboundMessages.receivedAt, p.since));
        const rows = await this.db
          .select()
          .from(inboundMessages)
          .where(where.length ? and(...where) : undefined)
          .orderBy(desc(inboundMessages.receivedAt), desc(inboundMessages.id))
          .limit(p.limit ?? 50);
        return { items: rows };
      },
    },

    get: {
      params: { id: "string" },
      async handler(this: This, ctx: Context<{ id: string }>) {
        const rows = await this.db.select().from(inboundMessages).where(eq(inboundMessages.id, ctx.params.id));
        if (!rows.length) throw notFound("入站报文", "inbound message", ctx.params.id);
        return rows[0];
      },
    },

    /** Flow health: inbound counts by outcome over the last hour and day. */
    stats: {
      async handler(this: This) {
        const since = (ms: number) => new Date(Date.now() - ms);
        const q = (from: Date) =>
          this.db.select({ outcome: inboundMessages.outcome, n: count() }).from(inboundMessages).where(gte(inboundMessages.receivedAt, from)).groupBy(inboundMessages.outcome);
        const [hour, day, last] = await Promise.all([
          q(since(3_600_000)),
          q(since(86_400_000)),
          this.db.select({ at: sql<string>`max(${inboundMessages.receivedAt})` }).from(inboundMessages),
        ]);
        const toObj = (rows: { outcome: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
        const at = last[0]?.at;
        return { lastHour: toObj(hour), lastDay: toObj(day), lastReceivedAt: at ? new Date(at).toISOString() : null };
      },
    },
  },

  async started(this: This) {
    this.db = (await openDb(config())).db;
    this.sql = sqlOf(this.db);
  },
};

export default IntakeService;
