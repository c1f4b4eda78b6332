/**
 * intake — owns inbound_messages and idempotency_keys.
 *
 * Every request an external system makes to an adapter route comes here as received (raw
 * text, capped): size, content type, JSON syntax and the route's contract are checked in that
 * order — the contract tolerantly (an empty string is unknown, an unknown field is ignored and
 * noted with the message); a valid message is handed to the adapter's `handle` (mapping + one hub call). Every
 * message, accepted or rejected, is kept with its outcome, and a rejected one answers with the
 * id under which engineers can read it. A repeated Idempotency-Key gets the first answer again.
 */
import { createHash } from "node:crypto";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { and, count, desc, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import { ADAPTERS, adapterBySystem, mayCall } from "../adapters";
import type { Batch, BatchItem, BatchResult } from "../contracts/types.gen";
import type { HubPort, InboundResult } from "../kit/adapter";
import { HubError, forbidden, notFound, parseInboundBody, parseJsonBody, type ReadBody } from "../kit/errors";
import { BATCH_SCHEMA, BATCH_SYSTEM, hubPath, itemRequest, noSuchRoute, resourceOf, type RouteMatch, routeMatcher, runInOrder } from "../lib/batch";
import { config } from "../lib/config";
import { toErrorBody } from "../lib/error-body";
import { isStoreUnavailable, openDb, storeUnavailableError, type Db } from "../lib/db";
import { newId } from "../lib/ids";
import { maskText } from "../lib/mask";
import { inboundMessages } from "../store/intake.tables";
import { Coalescer, json, sqlOf, type Sql } from "../store/sql";

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
  parsed?: ReadBody["parsed"]; // a batch item: its body as the envelope was parsed
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

const INBOUND_COLUMNS = "id, system, kind, method, path, role, headers, content_type, body, body_bytes, truncated, outcome, http_status, error_code, errors, case_id, response";
/**
 * Many kept messages in one statement: concurrent requests are written together (store/sql
 * Coalescer). A message answered under an Idempotency-Key carries its answer (`response`): its key's
 * claim names it, so the answer is written once, with the message.
 */
const KEEP = `INSERT INTO inbound_messages (${INBOUND_COLUMNS}) SELECT ${INBOUND_COLUMNS} FROM jsonb_populate_recordset(NULL::inbound_messages, $1::jsonb)`;

const keepers = new WeakMap<Sql, Coalescer<Record<string, unknown>, void>>();
function keeperOf(sql: Sql): Coalescer<Record<string, unknown>, void> {
  let k = keepers.get(sql);
  if (!k) {
    k = new Coalescer<Record<string, unknown>, void>(async (rows) => {
      await sql.query(KEEP, [json(rows)]);
      return rows.map(() => undefined);
    });
    keepers.set(sql, k);
  }
  return k;
}

/** Keeps one message as received with its outcome (under `id` when its key's claim named one); answers its id. */
async function keep(
  sql: Sql,
  r: InboundRequest,
  kind: string,
  role: string | null,
  outcome: Outcome,
  httpStatus: number,
  extra: { id?: string; errorCode?: string; errors?: unknown; caseId?: string; response?: unknown } = {},
): Promise<string> {
  const id = extra.id ?? newId("IN");
  await keeperOf(sql).push({
    id,
    system: r.system,
    kind,
    method: r.method,
    path: r.path,
    role,
    headers: r.headers,
    content_type: r.contentType,
    body: r.raw,
    body_bytes: r.bodyBytes,
    truncated: r.truncated,
    outcome,
    http_status: httpStatus,
    error_code: extra.errorCode ?? null,
    errors: extra.errors ?? null,
    case_id: extra.caseId ?? null,
    response: extra.response === undefined ? null : { body: extra.response },
  });
  return id;
}

const CLAIM = `INSERT INTO idempotency_keys (scope, key, request_hash, inbound_id, http_status, response)
  SELECT x.scope, x.key, x.request_hash, x.inbound_id, 0, '{}'::jsonb FROM jsonb_to_recordset($1::jsonb) AS x(scope text, key text, request_hash text, inbound_id text)
  ON CONFLICT DO NOTHING RETURNING inbound_id`;

type Claim = { scope: string; key: string; request_hash: string; inbound_id: string };
const claimers = new WeakMap<Sql, Coalescer<Claim, boolean>>();
function claimerOf(sql: Sql) {
  let c = claimers.get(sql);
  if (!c) {
    c = new Coalescer(async (items: Claim[]) => {
      // the claims written name their requests' inbound ids (the same key twice in one statement: only the first is written)
      const got = new Set((await sql.query(CLAIM, [json(items)])).map((r) => r.inbound_id as string));
      return items.map((i) => got.has(i.inbound_id));
    });
    claimers.set(sql, c);
  }
  return c;
}

/** A claim older than this is taken over: its first request died half-way (the case change is all-or-nothing). */
const CLAIM_STALE_MS = 60_000;

/** An earlier claim of a key and the answer kept with the message it named (or, claimed before 0011, with the key). */
const CLAIMED = `SELECT k.request_hash, k.created_at, k.inbound_id, k.http_status AS key_status, k.response AS key_response, m.http_status, m.response
  FROM idempotency_keys k LEFT JOIN inbound_messages m ON m.id = k.inbound_id WHERE k.scope = $1 AND k.key = $2`;
const TAKE_OVER = `UPDATE idempotency_keys SET created_at = now(), inbound_id = $3
  WHERE scope = $1 AND key = $2 AND created_at < now() - make_interval(secs => $4::double precision / 1000)
    AND (inbound_id IS NULL AND http_status = 0 OR inbound_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM inbound_messages m WHERE m.id = inbound_id))
  RETURNING key`;

/**
 * Claims an Idempotency-Key before the request is handled, so two copies arriving at once
 * change the case once; the claim names `inboundId`, the id the request will be kept under with
 * its answer. Returns the answer of an earlier request, or undefined when this request holds the
 * claim and must be handled.
 */
async function claimKey(sql: Sql, scope: string, key: string, hash: string, inboundId: string): Promise<{ httpStatus: number; response: unknown } | undefined> {
  if (await claimerOf(sql).push({ scope, key, request_hash: hash, inbound_id: inboundId })) return undefined;
  const prev = (await sql.query(CLAIMED, [scope, key]))[0];
  if (!prev) return claimKey(sql, scope, key, hash, inboundId); // released meanwhile
  if (prev.request_hash !== hash) throw new HubError(422, "IDEMPOTENCY_KEY_REUSED", "该 Idempotency-Key 已用于另一个不同的请求", "this Idempotency-Key was already used for a different request");
  if (prev.inbound_id === null && prev.key_status !== 0) return { httpStatus: prev.key_status, response: prev.key_response };
  if (prev.inbound_id !== null && prev.http_status !== null) return { httpStatus: prev.http_status, response: (prev.response as { body?: unknown } | null)?.body ?? null };
  if (Date.now() - new Date(prev.created_at).getTime() > CLAIM_STALE_MS && (await sql.query(TAKE_OVER, [scope, key, inboundId, CLAIM_STALE_MS])).length) return undefined;
  throw new HubError(409, "IDEMPOTENCY_IN_PROGRESS", "相同 Idempotency-Key 的请求正在处理中，请稍后重试", "a request with this Idempotency-Key is still being processed; retry shortly");
}

/** A claim whose request failed: let a retry with the same key be handled. */
async function releaseKey(sql: Sql, scope: string, key: string, inboundId: string): Promise<void> {
  await sql.query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND inbound_id = $3", [scope, key, inboundId]);
}

/** How one message was answered: the status and body it is answered with and the id it was kept under. */
interface Answered {
  status: number;
  body: unknown;
  inboundId: string;
  /** the stored answer of an earlier request with the same Idempotency-Key */
  replayed: boolean;
}

type ReceiveCtx = Context<unknown, { user?: { role: string }; $statusCode?: number; $responseHeaders?: Record<string, string> }>;

/**
 * One message to an adapter route, alone (`receive`) or as an item of a batch (`receiveBatch`):
 * the contract checked tolerantly, its Idempotency-Key claimed (a repeat answered as before), the
 * adapter's `handle`, the raw message kept with its outcome. A refusal is kept and thrown with its
 * inboundId in its data, for the caller to render (gateway or batch: lib/error-body.ts).
 */
async function receiveOne(self: This, ctx: ReceiveCtx, r: InboundRequest, role: string | null): Promise<Answered> {
  const spec = adapterBySystem(r.system);
  const route = spec?.routes[r.routeIndex];
  if (!spec || !route) throw new HubError(404, "NOT_FOUND", "接口不存在", "no such route");
  const kind = route.kind;
  try {
    // structure, not completeness: empty strings are unknown, unknown fields are ignored
    const { value: body, ignored } = parseInboundBody<unknown>(r, config().maxBodyBytes, route.schema);

    const idemKey = r.headers["idempotency-key"];
    const scope = `${r.system}:${r.method} ${spec.basePath}${route.path}:${role ?? ""}`;
    const hash = createHash("sha256")
      .update(r.path)
      .update("\0")
      .update(r.text ?? r.raw)
      .digest("hex");
    // the id this message will be kept under: a claim of its key names it
    const inboundId = newId("IN");
    if (idemKey) {
      const replay = await claimKey(self.sql, scope, idemKey, hash, inboundId);
      if (replay) {
        const caseId = (replay.response as { caseId?: string })?.caseId;
        const replayId = await keep(self.sql, r, kind, role, "duplicate", replay.httpStatus, { caseId });
        return { status: replay.httpStatus, body: replay.response, inboundId: replayId, replayed: true };
      }
    }

    const hub: HubPort = { call: (action, params) => ctx.call(action, params as object) as never };
    let result: InboundResult;
    try {
      result = await route.handle(body, r.pathParams, hub);
    } catch (e) {
      if (idemKey) await releaseKey(self.sql, scope, idemKey, inboundId);
      throw e;
    }
    const duplicate = (result.body as { duplicate?: boolean } | null)?.duplicate === true;
    await keep(self.sql, r, kind, role, duplicate ? "duplicate" : "accepted", result.status, {
      id: inboundId,
      caseId: result.caseId,
      // what was taken as unknown or ignored stays visible to engineers with the raw message
      errors: ignored.length ? ignored : undefined,
      // the answer a repeat of this key gets (undefined: the handler answered no body)
      response: idemKey ? (result.body ?? null) : undefined,
    });
    self.logger.debug(`收到 ${r.system}/${kind} ${r.path} → ${result.status}${result.caseId ? ` 案件 ${result.caseId}` : ""}`);
    return { status: result.status, body: result.body, inboundId, replayed: false };
  } catch (e) {
    throw await refused(self, r, kind, role, e);
  }
}

/**
 * A message refused (its checks, its handling, or a batch envelope): kept with the refusal, and
 * the error to throw with its inboundId. The store being down: 503, nothing kept.
 */
async function refused(self: This, r: InboundRequest, kind: string, role: string | null, e: unknown): Promise<Error> {
  // the store is down: nothing can be kept or changed; the caller is asked to come back
  if (isStoreUnavailable(e)) return storeUnavailableError();
  const err = e as HubError & { code?: number; type?: string; data?: Record<string, unknown> };
  const status = typeof err.code === "number" && err.code >= 400 && err.code < 500 ? err.code : 500;
  let inboundId: string;
  try {
    inboundId = await keep(self.sql, r, kind, role, status < 500 ? "rejected" : "error", status, {
      errorCode: err.type ?? "INTERNAL",
      errors: err.data?.errors ?? (status >= 500 ? [{ message: maskText(String(err.message)) }] : undefined),
      caseId: err.data?.caseId as string | undefined,
    });
  } catch (k) {
    if (isStoreUnavailable(k)) return storeUnavailableError();
    return k as Error;
  }
  self.logger.warn(`拒收 ${r.system}/${kind} ${r.path} → ${status} ${err.type ?? ""} (${inboundId})`);
  if (err instanceof HubError || status < 500) {
    err.data = { ...(err.data ?? {}), inboundId };
    return err;
  }
  return new HubError(500, "INTERNAL", `处理失败，原始报文已保存（${inboundId}），请联系集成工程师`, `processing failed; the raw message was kept as ${inboundId}`, { inboundId });
}

/**
 * Resources of a batch handled at once; the rest wait for a lane. Items that run together share
 * the intake's group-committed statements (Coalescer): measured on 40 receipts, 120 statements
 * alone, 34 with 32 lanes, 11 with every item at once. Enough for HubLink's batches of 100 in one
 * wave, and a bound on what one request asks of the store's pool at once.
 */
const BATCH_LANES = 128;
const matchRoute = routeMatcher(ADAPTERS);

/**
 * One item of a batch, answered as its request would have been alone: no such route 404, a route
 * the key may not call 403 (as the gateway answers and keeps them), else `receiveOne`; a refusal
 * becomes the error body the gateway would have sent. Every item is kept.
 */
async function receiveItem(
  self: This,
  ctx: ReceiveCtx,
  envelope: InboundRequest,
  item: BatchItem,
  match: RouteMatch | undefined,
  at: { index: number; count: number },
  role: string | null,
): Promise<BatchResult["results"][number]> {
  const cfg = config();
  const r = itemRequest(envelope, item, at, match, cfg);
  try {
    if (!match) throw await refused(self, r, "unknown", role, noSuchRoute());
    if (!mayCall(match.spec, role ?? "", match.pathParams)) throw await refused(self, r, match.spec.routes[match.routeIndex].kind, role, forbidden(role ?? ""));
    const a = await receiveOne(self, ctx, r, role);
    return { status: a.status, ...(a.body === undefined ? {} : { body: a.body as Record<string, unknown> }), inboundId: a.inboundId };
  } catch (e) {
    const out = toErrorBody(e);
    const inboundId = out.body.error.inboundId;
    return { status: out.status, body: out.body, ...(typeof inboundId === "string" ? { inboundId } : {}) };
  }
}

const IntakeService: ServiceSchema<ServiceSettingSchema, Record<string, never>, Vars> = {
  name: "intake",

  actions: {
    receive: {
      visibility: "published",
      async handler(this: This, ctx: Context<{ inbound: InboundRequest }, { user?: { role: string }; $statusCode?: number; $responseHeaders?: Record<string, string> }>) {
        const a = await receiveOne(this, ctx, ctx.params.inbound, ctx.meta.user?.role ?? null);
        ctx.meta.$statusCode = a.status;
        ctx.meta.$responseHeaders = { "X-Inbound-Id": a.inboundId, ...(a.replayed ? { "Idempotent-Replayed": "true" } : {}) };
        return a.body;
      },
    },

    /**
     * POST /api/v1/batch: the envelope checked as any body (413, 415, 400, then its contract 422;
     * a refused envelope is kept under system `batch`), then every item handled as its request
     * alone — items of one resource (lib/batch resourceOf) one after the other in item order, the others at once —
     * and answered 200 with one result per item, in item order.
     */
    receiveBatch: {
      visibility: "published",
      async handler(this: This, ctx: Context<{ inbound: InboundRequest }, { user?: { role: string }; $statusCode?: number; $responseHeaders?: Record<string, string> }>) {
        const r = ctx.params.inbound;
        const role = ctx.meta.user?.role ?? null;
        let batch: Batch;
        try {
          batch = parseJsonBody<Batch>(r, config().maxBodyBytes, BATCH_SCHEMA);
        } catch (e) {
          throw await refused(this, { ...r, system: BATCH_SYSTEM }, BATCH_SYSTEM, role, e);
        }
        const count = batch.items.length;
        const matches = batch.items.map((item) => matchRoute(item.method, hubPath(item.path)));
        const results = await runInOrder(
          batch.items,
          (item, index) => resourceOf(item.path, matches[index], index),
          (item, index) => receiveItem(this, ctx, r, item, matches[index], { index, count }, role),
          BATCH_LANES,
        );
        const failed = results.filter((x) => x.status >= 400).length;
        this.logger.debug(`收到批量报文 ${r.path}：${count} 条${failed ? `，其中 ${failed} 条被拒` : ""}`);
        ctx.meta.$statusCode = 200;
        ctx.meta.$responseHeaders = {};
        return { results } satisfies BatchResult;
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
        const q = (from: Date) => this.db.select({ outcome: inboundMessages.outcome, n: count() }).from(inboundMessages).where(gte(inboundMessages.receivedAt, from)).groupBy(inboundMessages.outcome);
        const [hour, day, last] = await Promise.all([q(since(3_600_000)), q(since(86_400_000)), this.db.select({ at: sql<string>`max(${inboundMessages.receivedAt})` }).from(inboundMessages)]);
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
