/**
 * gateway — the HTTP front door (moleculer-web). Owns no table.
 *
 * - Adapter routes (built from each adapter spec): the raw body is read here, capped, and
 *   handed to `intake.receive` with the caller's role; nothing is parsed before it is kept.
 * - POST /api/v1/batch (any valid key): many such messages in one envelope, read the same way and
 *   handed to `intake.receiveBatch`, which authorizes and handles each item as its own request.
 * - The agent/engineer API (lib/api.ts): JSON bodies validated against their contracts.
 * - `X-Api-Key` → role (API_KEYS); a system's key opens only that system's routes.
 * - Every error answers the ErrorResponse shape: code, Chinese and English message, field errors.
 * - GET /api/openapi.json and the docs page at /api/docs.
 */
import fs from "node:fs";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import ApiGateway from "moleculer-web";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { ADAPTERS, adapterBySystem, mayCall } from "../adapters";
import { forbidden, invalidQuery, parseJsonBody, unauthorized } from "../kit/errors";
import { API, checkQuery, type ApiRoute } from "../lib/api";
import { config, roleLabel } from "../lib/config";
import { BATCH_ROUTE, BATCH_SYSTEM } from "../lib/batch";
import { RETRY_AFTER_SECONDS, toErrorBody } from "../lib/error-body";
import { buildOpenApi } from "../lib/openapi";
import { vocabulary } from "../lib/vocabulary";
import type { InboundRequest } from "./intake.service";

export { RETRY_AFTER_SECONDS, toErrorBody };

type Req = IncomingMessage & {
  $alias?: { adapter?: string; routeIndex?: number; kind?: string; batch?: boolean; roles?: string[]; body?: string; api?: ApiRoute; fullPath?: string };
  $params?: Record<string, any>;
  $ctx?: Context<unknown, { user?: { role: string } }>;
  $raw?: Omit<InboundRequest, "system" | "routeIndex" | "pathParams">;
  $kept?: boolean;
  /** the body was not read to its end (far too large): the connection cannot carry another request */
  $cut?: boolean;
};

/** Agent commands are a few fields: a much lower limit than messages from external systems. */
const API_MAX_BODY_BYTES = 256 * 1024;
const KEEP_HEADERS = ["content-type", "content-length", "user-agent", "idempotency-key", "x-request-id", "x-forwarded-for"];
const VERSION = (JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "package.json"), "utf8")) as { version: string }).version;

/**
 * Reads a request body: the whole text (up to `max` bytes) for parsing, and a copy cut at `keep`
 * bytes for engineers. Past the limit it reads on a while (so the caller gets its 413 rather than
 * a reset connection) and then stops; `bodyBytes` is what was read.
 */
async function readRaw(req: Req, max: number, keep: number): Promise<{ raw: string; text?: string; bodyBytes: number; truncated: boolean; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let held = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (held < max) {
      const part = chunk.subarray(0, max - held);
      chunks.push(part);
      held += part.length;
    }
    if (size > max * 4) {
      req.$cut = true; // enough to know it is too large; stop reading
      break;
    }
  }
  const whole = Buffer.concat(chunks);
  const tooLarge = size > max;
  const truncated = size > keep;
  // a cut inside a multi-byte character leaves a replacement character: drop it
  const raw = whole
    .subarray(0, keep)
    .toString("utf8")
    .replace(truncated ? /\uFFFD+$/ : /$^/, "");
  return { raw, ...(tooLarge ? {} : { text: whole.toString("utf8") }), bodyBytes: size, truncated, tooLarge };
}

function rawRequest(req: Req): NonNullable<Req["$raw"]> {
  const headers: Record<string, string> = {};
  for (const h of KEEP_HEADERS) if (typeof req.headers[h] === "string") headers[h] = req.headers[h] as string;
  if (req.socket?.remoteAddress) headers["remote-addr"] = req.socket.remoteAddress;
  return {
    method: req.method ?? "POST",
    path: (req as unknown as { originalUrl?: string }).originalUrl ?? req.url ?? "",
    headers,
    contentType: (req.headers["content-type"] as string) ?? null,
    raw: "",
    bodyBytes: 0,
    truncated: false,
    tooLarge: false,
  };
}

/** Keeps a request refused at the gateway (the store being down must not stop the answer). */
async function keepRefusal(broker: Context["broker"], req: Req, raw: NonNullable<Req["$raw"]>, system: string, kind: string, out: ReturnType<typeof toErrorBody>): Promise<string | undefined> {
  try {
    const key = req.headers["x-api-key"];
    const role = (typeof key === "string" && config().apiKeys.get(key)) || null;
    const { text: _whole, ...kept } = raw; // only the capped copy is stored
    const r = await broker.call<{ inboundId: string }, Record<string, unknown>>("intake.keepRejected", {
      inbound: { ...kept, system, kind, pathParams: {} },
      role,
      status: out.status,
      code: out.body.error.code,
      errors: out.body.error.errors,
    });
    return r.inboundId;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, req?: Req) {
  if (res.headersSent) return;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    ...(status === 503 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {}),
    // the rest of an unread body would be taken for the next request: the caller must reconnect
    ...(req?.$cut ? { connection: "close" } : {}),
  });
  res.end(JSON.stringify(body));
}

/** A time from the store (a Date, or PostgreSQL's text such as "2024-06-11 09:20:05.123+08") as ISO 8601. */
export function isoTime(v: unknown): string | null {
  if (v === null || v === undefined || v === "") return null;
  const d = v instanceof Date ? v : new Date(typeof v === "string" ? v.replace(/^(\d{4}-\d{2}-\d{2}) /, "$1T").replace(/([+-]\d{2})$/, "$1:00") : Number.NaN);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const adapterAliases: Record<string, unknown> = {};
for (const spec of ADAPTERS)
  spec.routes.forEach((r, i) => {
    adapterAliases[`${r.method} ${spec.basePath}${r.path}`] = { action: "intake.receive", adapter: spec.system, routeIndex: i, kind: r.kind };
  });
// many messages in one request (lib/batch.ts): each item is handled by intake as its own request
adapterAliases[`POST ${BATCH_ROUTE}`] = { action: "intake.receiveBatch", batch: true, kind: BATCH_SYSTEM };

const apiAliases: Record<string, unknown> = {};
for (const r of API) apiAliases[`${r.method} ${r.path}`] = { action: r.action, roles: r.roles, body: r.body, api: r };

const SWAGGER_DIR = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const DOCS_FILES = new Set(["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"]);
const DOCS_HTML = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>tongguan 统管 API 文档</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#ui", deepLinking: true, persistAuthorization: true });</script>
</body></html>`;

/** The console (console/): static files, no build step; it calls the same API with the user's key. */
const CONSOLE_DIR = path.resolve(__dirname, "..", "console");
const CONSOLE_TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml" };
function serveConsole(res: ServerResponse, file: string) {
  const type = CONSOLE_TYPES[path.extname(file)];
  const full = path.join(CONSOLE_DIR, file);
  if (!type || !/^[\w.-]+$/.test(file) || !fs.existsSync(full)) return sendJson(res, 404, toErrorBody({ code: 404 }).body);
  res.writeHead(200, { "content-type": type, "cache-control": "no-cache" });
  fs.createReadStream(full).pipe(res);
}

interface Methods {
  authenticate(ctx: Context<unknown, { user?: { role: string } | null }>, route: unknown, req: Req): Promise<{ role: string }>;
  authorize(ctx: Context<unknown, { user?: { role: string } }>, route: unknown, req: Req): Promise<void>;
}

const GatewayService: ServiceSchema<ServiceSettingSchema & Record<string, unknown>, Methods> = {
  name: "gateway",
  // do not listen before the services behind the routes can answer (no 503 during start-up)
  dependencies: ["intake", "cases", "routing"],
  mixins: [ApiGateway as unknown as Partial<ServiceSchema>],

  settings: {
    port: 3000,
    ip: "0.0.0.0",
    log4XXResponses: false,
    logRouteRegistration: "debug",
    logRequest: "debug",
    logResponse: "debug",
    routes: [
      {
        name: "adapters",
        path: "/api",
        mappingPolicy: "restrict",
        authentication: true,
        authorization: true,
        bodyParsers: false,
        aliases: adapterAliases,
        async onBeforeCall(this: unknown, _ctx: Context, _route: unknown, req: Req) {
          const cfg = config();
          const base = rawRequest(req);
          const body = await readRaw(req, cfg.maxBodyBytes, cfg.rawKeepBytes);
          req.$raw = { ...base, ...body };
          const pathParams: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.$params ?? {})) if (typeof v === "string") pathParams[k] = v;
          const alias = req.$alias!;
          req.$params = {
            inbound: {
              ...req.$raw,
              system: alias.batch ? BATCH_SYSTEM : alias.adapter!,
              routeIndex: alias.batch ? -1 : alias.routeIndex!,
              pathParams: alias.batch ? {} : pathParams,
            } satisfies InboundRequest,
          };
        },
        async onError(this: { broker: Context["broker"] }, req: Req, res: ServerResponse, err: any) {
          const out = toErrorBody(err);
          // refused before intake saw it (no key, wrong key): keep the raw message all the same
          const system = req.$alias?.batch ? BATCH_SYSTEM : req.$alias?.adapter;
          if ((out.status === 401 || out.status === 403) && system && req.$raw) out.body.error.inboundId = await keepRefusal(this.broker, req, req.$raw, system, req.$alias?.kind ?? "unknown", out);
          sendJson(res, out.status, out.body, req);
        },
      },
      {
        name: "api",
        path: "/api",
        mappingPolicy: "restrict",
        authentication: true,
        authorization: true,
        bodyParsers: false,
        aliases: apiAliases,
        async onBeforeCall(this: unknown, _ctx: Context, _route: unknown, req: Req) {
          if (req.method === "GET") return;
          req.$raw = { ...rawRequest(req), ...(await readRaw(req, API_MAX_BODY_BYTES, config().rawKeepBytes)) };
          const schema = req.$alias?.body;
          if (!schema) return;
          const r = req.$raw!;
          const body = parseJsonBody<object>({ ...r, text: (r.text ?? r.raw) || "{}" }, API_MAX_BODY_BYTES, schema);
          Object.assign(req.$params ?? {}, body);
        },
        async onError(this: { broker: Context["broker"] }, req: Req, res: ServerResponse, err: any) {
          const out = toErrorBody(err);
          // a refused command (or any request refused for its key) is kept like an external message
          if (out.status >= 400 && out.status < 500 && (req.method !== "GET" || out.status === 401 || out.status === 403)) {
            const raw = req.$raw ?? rawRequest(req);
            out.body.error.inboundId = await keepRefusal(this.broker, req, raw, "api", req.$alias ? `${req.method} ${req.$alias.fullPath ?? ""}` : "unknown", out);
          }
          sendJson(res, out.status, out.body, req);
        },
      },
      {
        name: "public",
        path: "/",
        mappingPolicy: "restrict",
        bodyParsers: false,
        aliases: {
          "GET /"(_req: Req, res: ServerResponse) {
            res.writeHead(302, { location: "/api/docs" });
            res.end();
          },
          "GET /health": "gateway.health",
          "GET /api/openapi.json": "gateway.openapi",
          "GET /api/docs"(_req: Req, res: ServerResponse) {
            res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
            res.end(DOCS_HTML);
          },
          "GET /console"(_req: Req, res: ServerResponse) {
            serveConsole(res, "index.html");
          },
          "GET /console/:file"(req: Req, res: ServerResponse) {
            serveConsole(res, String(req.$params?.file ?? ""));
          },
          "GET /api/docs/:file"(req: Req, res: ServerResponse) {
            const file = String(req.$params?.file ?? "");
            if (!DOCS_FILES.has(file)) return sendJson(res, 404, toErrorBody({ code: 404 }).body);
            const type = file.endsWith(".css") ? "text/css" : file.endsWith(".js") ? "application/javascript" : "image/png";
            res.writeHead(200, { "content-type": type, "cache-control": "public, max-age=86400" });
            fs.createReadStream(path.join(SWAGGER_DIR, file)).pipe(res);
          },
        },
        onError(_req: Req, res: ServerResponse, err: unknown) {
          const out = toErrorBody(err);
          sendJson(res, out.status, out.body);
        },
      },
    ],
    onError(_req: Req, res: ServerResponse, err: unknown) {
      const out = toErrorBody(err);
      sendJson(res, out.status, out.body);
    },
  },

  actions: {
    openapi: {
      visibility: "published",
      handler() {
        return buildOpenApi(ADAPTERS, API, VERSION);
      },
    },
    me: {
      visibility: "published",
      handler(ctx: Context<unknown, { user?: { role: string } }>) {
        const role = ctx.meta.user?.role ?? "";
        return { role, roleLabel: roleLabel(role) };
      },
    },
    /** The console's vocabulary: labels, allowed agent actions per status, connected systems. */
    meta: {
      visibility: "published",
      handler() {
        return vocabulary();
      },
    },
    health: {
      visibility: "published",
      handler(this: { broker: Context["broker"] }) {
        return { status: "ok", node: this.broker.nodeID, mode: config().mode, version: VERSION };
      },
    },
    /** Flow health for engineers: one view over cases, outbox, inbound and breakers. */
    flow: {
      visibility: "published",
      async handler(this: { broker: Context["broker"] }, ctx: Context) {
        const safe = async <T>(action: string) => {
          try {
            return await ctx.call<T>(action);
          } catch (e) {
            return { unavailable: (e as Error).message };
          }
        };
        const [store, inbound, breakers, calendars, jobs, publications] = await Promise.all([
          safe<{ cases: unknown; outbox: unknown }>("cases.stats"),
          safe("intake.stats"),
          safe("delivery.breakers"),
          safe("routing.calendars"),
          safe<{ items: { status: string }[] }>("schedule.runs"),
          safe("sanctions.publicationAlarms"),
        ]);
        const s = store as { cases?: unknown; overdue?: number; outbox?: unknown; unavailable?: string };
        const i = inbound as { lastReceivedAt?: unknown };
        if (i && "lastReceivedAt" in i) i.lastReceivedAt = isoTime(i.lastReceivedAt);
        const j = jobs as { items?: { status: string; job: string; attempt: number; error: string | null; runAt: string }[] };
        const failedJobs = j.items ? j.items.filter((r) => r.status === "failed").slice(0, 10) : jobs;
        return { at: new Date().toISOString(), cases: s.cases ?? s, overdue: s.overdue ?? null, outbox: s.outbox ?? s, inbound, breakers, calendars, failedJobs, publications };
      },
    },
  },

  methods: {
    async authenticate(_ctx, _route, req) {
      const key = req.headers["x-api-key"];
      if (!key || Array.isArray(key)) throw unauthorized(true);
      const role = config().apiKeys.get(key);
      if (!role) throw unauthorized(false);
      return { role };
    },
    async authorize(ctx, _route, req) {
      const role = ctx.meta.user?.role ?? "";
      const alias = req.$alias;
      let allowed = false;
      // a batch: any valid key; each item is authorized as its own request (intake.receiveBatch)
      if (alias?.batch) allowed = true;
      else if (alias?.adapter) {
        const spec = adapterBySystem(alias.adapter);
        const params = (req.$params?.inbound as InboundRequest | undefined)?.pathParams ?? {};
        allowed = !!spec && mayCall(spec, role, params);
      } else if (alias?.roles) {
        allowed = alias.roles.includes("*") || alias.roles.includes(role);
      }
      if (!allowed) throw forbidden(role);
      // the agents' API: query parameters are checked here, after the key (moleculer-web runs
      // onBeforeCall before authentication), and handed to the action converted
      if (alias?.api) {
        const q = checkQuery(alias.api, new URL(req.url ?? "/", "http://hub").searchParams);
        if (!q.ok) throw invalidQuery(q.errors);
        Object.assign((req.$params ??= {}), q.value);
      }
    },
  },

  created(this: { settings: Record<string, unknown> }) {
    const cfg = config();
    this.settings.port = cfg.port;
    this.settings.ip = cfg.host;
  },
};

export default GatewayService;
export type { ApiRoute };
