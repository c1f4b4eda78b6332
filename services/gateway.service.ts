/**
 * gateway — the HTTP front door (moleculer-web). Owns no table.
 *
 * - Adapter routes (built from each adapter spec): the raw body is read here, capped, and
 *   handed to `intake.receive` with the caller's role; nothing is parsed before it is kept.
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
import { ADAPTERS, adapterBySystem } from "../adapters";
import { HubError, parseJsonBody } from "../kit/errors";
import { API, type ApiRoute } from "../lib/api";
import { config } from "../lib/config";
import { buildOpenApi } from "../lib/openapi";
import type { InboundRequest } from "./intake.service";

type Req = IncomingMessage & {
  $alias?: { adapter?: string; routeIndex?: number; kind?: string; roles?: string[]; body?: string; fullPath?: string };
  $params?: Record<string, any>;
  $ctx?: Context<unknown, { user?: { role: string } }>;
  $raw?: Omit<InboundRequest, "system" | "routeIndex" | "pathParams">;
  $kept?: boolean;
};

const ROLE_LABEL: Record<string, string> = {
  agent: "坐席",
  engineer: "集成工程师",
  units: "承办单位网关",
  hotline12345: "12345热线平台",
  line12319: "12319热线",
  grid: "网格化平台",
  credit: "公共信用平台",
  housing: "住建局",
  police: "公安局",
  transport: "交通运输局",
};

/** Agent commands are a few fields: a much lower limit than messages from external systems. */
const API_MAX_BODY_BYTES = 256 * 1024;
const KEEP_HEADERS = ["content-type", "content-length", "user-agent", "idempotency-key", "x-request-id", "x-forwarded-for"];
const VERSION = (JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "package.json"), "utf8")) as { version: string }).version;

async function readRaw(req: Req, max: number, keep: number): Promise<{ raw: string; bodyBytes: number; truncated: boolean; tooLarge: boolean }> {
  const kept: Buffer[] = [];
  let size = 0;
  let keptSize = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (keptSize < keep) {
      const part = chunk.subarray(0, keep - keptSize);
      kept.push(part);
      keptSize += part.length;
    }
    if (size > max * 4) break; // enough to know it is too large; stop reading
  }
  // a cut inside a multi-byte character leaves a replacement character: drop it
  const raw = Buffer.concat(kept).toString("utf8").replace(size > keep ? /\uFFFD+$/ : /$^/, "");
  return { raw, bodyBytes: size, truncated: size > keep, tooLarge: size > max };
}

function rawRequest(req: Req): NonNullable<Req["$raw"]> {
  const headers: Record<string, string> = {};
  for (const h of KEEP_HEADERS) if (typeof req.headers[h] === "string") headers[h] = req.headers[h] as string;
  if (req.socket?.remoteAddress) headers["remote-addr"] = req.socket.remoteAddress;
  return { method: req.method ?? "POST", path: (req as unknown as { originalUrl?: string }).originalUrl ?? req.url ?? "", headers, contentType: (req.headers["content-type"] as string) ?? null, raw: "", bodyBytes: 0, truncated: false, tooLarge: false };
}

/** Moleculer / moleculer-web errors → one response shape, Chinese first. */
function toErrorBody(err: any): { status: number; body: { error: Record<string, unknown> } } {
  const status = typeof err?.code === "number" && err.code >= 400 && err.code < 600 ? err.code : 500;
  const data = err?.data ?? {};
  if (err instanceof HubError || (data.message && data.messageEn)) {
    return { status, body: { error: { code: err.type, message: data.message, messageEn: data.messageEn, ...(data.errors ? { errors: data.errors } : {}), ...(data.inboundId ? { inboundId: data.inboundId } : {}) } } };
  }
  if (err?.type === "VALIDATION_ERROR" && Array.isArray(err.data)) {
    const errors = err.data.map((e: { field?: string; message?: string }) => ({ pointer: `/${(e.field ?? "").replace(/\./g, "/")}`, message: `参数不合法：${e.message ?? ""}`, messageEn: e.message ?? "invalid" }));
    return { status: 422, body: { error: { code: "VALIDATION_FAILED", message: `请求参数不合法，共 ${errors.length} 处错误`, messageEn: "invalid parameters", errors } } };
  }
  const known: Record<number, [string, string, string]> = {
    400: ["BAD_REQUEST", "请求不合法（请检查 JSON 格式）", "bad request (check the JSON syntax)"],
    404: ["NOT_FOUND", "接口不存在", "no such endpoint"],
    413: ["PAYLOAD_TOO_LARGE", "请求体过大", "request body too large"],
    415: ["UNSUPPORTED_MEDIA_TYPE", "内容类型应为 application/json", "Content-Type must be application/json"],
    503: ["SERVICE_UNAVAILABLE", "服务暂不可用，请稍后重试", "service unavailable, try again shortly"],
  };
  const k = known[status] ?? ["INTERNAL", "系统内部错误，请联系集成工程师", "internal error"];
  return { status, body: { error: { code: status === 500 ? "INTERNAL" : (err?.type ?? k[0]), message: k[1], messageEn: status === 500 ? k[2] : (err?.message ?? k[2]) } } };
}

/** Keeps a request refused at the gateway (the store being down must not stop the answer). */
async function keepRefusal(broker: Context["broker"], req: Req, raw: NonNullable<Req["$raw"]>, system: string, kind: string, out: ReturnType<typeof toErrorBody>): Promise<string | undefined> {
  try {
    const key = req.headers["x-api-key"];
    const role = (typeof key === "string" && config().apiKeys.get(key)) || null;
    const r = await broker.call<{ inboundId: string }, Record<string, unknown>>("intake.keepRejected", {
      inbound: { ...raw, system, kind, pathParams: {} },
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

function sendJson(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

const adapterAliases: Record<string, unknown> = {};
for (const spec of ADAPTERS)
  spec.routes.forEach((r, i) => {
    adapterAliases[`${r.method} ${spec.basePath}${r.path}`] = { action: "intake.receive", adapter: spec.system, routeIndex: i, kind: r.kind };
  });

const apiAliases: Record<string, unknown> = {};
for (const r of API) apiAliases[`${r.method} ${r.path}`] = { action: r.action, roles: r.roles, body: r.body };

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
          req.$params = { inbound: { ...req.$raw, system: req.$alias!.adapter!, routeIndex: req.$alias!.routeIndex!, pathParams } satisfies InboundRequest };
        },
        async onError(this: { broker: Context["broker"] }, req: Req, res: ServerResponse, err: any) {
          const out = toErrorBody(err);
          // refused before intake saw it (no key, wrong key): keep the raw message all the same
          if ((out.status === 401 || out.status === 403) && req.$alias?.adapter && req.$raw)
            out.body.error.inboundId = await keepRefusal(this.broker, req, req.$raw, req.$alias.adapter, req.$alias.kind ?? "unknown", out);
          sendJson(res, out.status, out.body);
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
          const body = parseJsonBody<object>({ ...req.$raw, raw: req.$raw.raw || "{}" }, API_MAX_BODY_BYTES, schema);
          Object.assign(req.$params ?? {}, body);
        },
        async onError(this: { broker: Context["broker"] }, req: Req, res: ServerResponse, err: any) {
          const out = toErrorBody(err);
          // a refused command (or any request refused for its key) is kept like an external message
          if (out.status >= 400 && out.status < 500 && (req.method !== "GET" || out.status === 401 || out.status === 403)) {
            const raw = req.$raw ?? rawRequest(req);
            out.body.error.inboundId = await keepRefusal(this.broker, req, raw, "api", req.$alias ? `${req.method} ${req.$alias.fullPath ?? ""}` : "unknown", out);
          }
          sendJson(res, out.status, out.body);
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
        onError(req: Req, res: ServerResponse, err: unknown) {
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
        return { role, roleLabel: ROLE_LABEL[role] ?? (role.startsWith("unit.") ? `承办单位 ${role.slice(5)}` : role) };
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
        const [store, inbound, breakers] = await Promise.all([safe<{ cases: unknown; outbox: unknown }>("cases.stats"), safe("intake.stats"), safe("delivery.breakers")]);
        const s = store as { cases?: unknown; overdue?: number; outbox?: unknown; unavailable?: string };
        return { at: new Date().toISOString(), cases: s.cases ?? s, overdue: s.overdue ?? null, outbox: s.outbox ?? s, inbound, breakers };
      },
    },
  },

  methods: {
    async authenticate(ctx, _route, req) {
      const key = req.headers["x-api-key"];
      if (!key || Array.isArray(key)) throw new HubError(401, "UNAUTHORIZED", "缺少 X-Api-Key 请求头", "the X-Api-Key header is missing");
      const role = config().apiKeys.get(key);
      if (!role) throw new HubError(401, "UNAUTHORIZED", "X-Api-Key 无效", "unknown X-Api-Key");
      return { role };
    },
    async authorize(ctx, _route, req) {
      const role = ctx.meta.user?.role ?? "";
      const alias = req.$alias;
      let allowed = false;
      if (alias?.adapter) {
        const spec = adapterBySystem(alias.adapter);
        const params = (req.$params?.inbound as InboundRequest | undefined)?.pathParams ?? {};
        allowed = !!spec && (role === spec.system || spec.authorize?.(role, params) === true);
      } else if (alias?.roles) {
        allowed = alias.roles.includes("*") || alias.roles.includes(role);
      }
      if (!allowed)
        throw new HubError(403, "FORBIDDEN", `该密钥（角色 ${role}）无权调用此接口`, `the key's role ${role} may not call this endpoint`);
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
