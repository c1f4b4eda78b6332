/**
 * Builds the OpenAPI 3.1 document from the same sources the hub runs on: the contract
 * registry (schemas), the adapter specs (routes external systems call) and the API table
 * (routes for agents and engineers). Nothing here is written twice.
 */
import { allSchemas, validate } from "../contracts";
import type { AdapterSpec, InboundRoute, RouteAnswer } from "../kit/adapter";
import { HubError, forbidden, invalid, invalidQuery, notFound, parseJsonBody, unauthorized } from "../kit/errors";
import { transition } from "../domain/lifecycle";
import { ANSWERS, checkQuery, type ApiRoute } from "./api";
import { CREDIT_ANSWERS } from "./api/credit";
import { BATCH_RESULT_SCHEMA, BATCH_ROUTE, BATCH_SCHEMA } from "./batch";
import { storeUnavailableError } from "./db";

type Json = Record<string, unknown>;

function typeName(schema: Json, id: string): string {
  const t = typeof schema.title === "string" ? schema.title.split(/\s+/)[0] : "";
  if (/^[A-Z][A-Za-z0-9]*$/.test(t)) return t;
  return id
    .split(/[/:]/)
    .pop()!
    .replace(/(^|[-_.])(\w)/g, (_m, _p, c: string) => c.toUpperCase());
}

/** Every schema and every $def becomes a component; $refs are rewritten to point at them. */
export function components(): { schemas: Record<string, Json>; refOf: (id: string) => string; rewrite: (node: unknown) => unknown; raw: (id: string) => Json | undefined } {
  const byId = new Map<string, string>(); // schema $id (or $id#/$defs/X) → component name
  const rawById = new Map<string, Json>(); // schema or $def $id → the schema as written
  const out: Record<string, Json> = {};
  const loaded = allSchemas();
  for (const s of loaded) {
    byId.set(s.id, typeName(s.schema, s.id));
    rawById.set(s.id, s.schema);
    for (const [k, d] of Object.entries((s.schema.$defs as Record<string, Json>) ?? {})) {
      byId.set(`${s.id}#/$defs/${k}`, k);
      if (typeof d.$id === "string") {
        byId.set(d.$id, k);
        rawById.set(d.$id, d);
      }
    }
  }
  const rewrite = (node: unknown, base: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, base));
    if (!node || typeof node !== "object") return node;
    const o: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === "$id" || k === "$schema" || k === "$defs") continue;
      if (k === "$ref" && typeof v === "string") {
        if (v.startsWith("#/components/")) {
          o.$ref = v; // already a document reference (the API table's shared answers)
          continue;
        }
        const abs = v.startsWith("#") ? base + v : v;
        o.$ref = `#/components/schemas/${byId.get(abs) ?? byId.get(abs.replace(/#$/, "")) ?? "Unknown"}`;
        continue;
      }
      o[k] = rewrite(v, base);
    }
    return o;
  };
  for (const s of loaded) {
    const name = byId.get(s.id)!;
    const root = rewrite(s.schema, s.id) as Json;
    if (root.type || root.oneOf || root.anyOf || root.properties) out[name] = root;
    for (const [k, d] of Object.entries((s.schema.$defs as Record<string, Json>) ?? {})) out[k] = rewrite(d, s.id) as Json;
  }
  return {
    schemas: out,
    refOf: (id: string) => `#/components/schemas/${byId.get(id) ?? "Unknown"}`,
    rewrite: (node: unknown) => rewrite(node, ""),
    raw: (id: string) => rawById.get(id),
  };
}

const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, "{$1}");
const pathParams = (p: string) => [...p.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));

/** The error body a HubError answers (as the gateway renders it). */
function bodyOf(e: HubError, inboundId?: string): Json {
  const d = e.data as { message: string; messageEn: string; errors?: unknown[] };
  return { error: { code: e.type, message: d.message, messageEn: d.messageEn, ...(d.errors ? { errors: d.errors } : {}), ...(inboundId ? { inboundId } : {}) } };
}
const thrown = (fn: () => unknown): HubError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof HubError) return e;
    throw e;
  }
  throw new Error("expected a HubError");
};

/**
 * One reusable response per error status, each with its own description and an example made by
 * the code that answers it (so the examples cannot drift from what callers really get).
 */
function errorResponses(): Record<string, Json> {
  const IN = "IN2406110000A1B2C3";
  const json = { raw: "", bodyBytes: 0, tooLarge: false, contentType: "application/json" };
  const reassign = "tongguan:canonical/reassign-command";
  const bad = validate(reassign, { unitId: "", extra: 1 });
  const illegal = transition("DISPATCHED", "callbackSatisfied") as { message: string; messageEn: string };
  const queryErrors = checkQuery(
    { query: { type: "object", additionalProperties: false, properties: { pageSize: { title: "每页条数", description: "", type: "integer", minimum: 1, maximum: 200 } } } },
    new URLSearchParams("pageSize=1000"),
  );
  const entries: [string, string, string, Json | Record<string, { summary: string; value: Json }>][] = [
    [
      "400",
      "BadRequest",
      "请求体不是合法的 JSON（原文已留存） / the body is not valid JSON (kept raw)",
      bodyOf(
        thrown(() => parseJsonBody({ ...json, raw: '{"unitId": "CZ-ZL-CGJ", ' }, 1024, reassign)),
        IN,
      ),
    ],
    ["401", "Unauthorized", "缺少或无效的 X-Api-Key / the X-Api-Key header is missing or unknown", bodyOf(unauthorized(true), IN)],
    ["403", "Forbidden", "该密钥的角色无权调用此接口（每个系统的密钥只能调用自己的接口） / the key's role may not call this endpoint", bodyOf(forbidden("units"), IN)],
    ["404", "NotFound", "案件、工单、任务或报文不存在 / no such case, order, task or message", bodyOf(notFound("案件", "case", "TG2406110000A1B2C3"))],
    [
      "409",
      "Conflict",
      "案件当前状态不允许此操作（说明当前状态和允许的状态），或相同 Idempotency-Key 的请求仍在处理 / not allowed in the case's current status, or the same Idempotency-Key is still being processed",
      bodyOf(new HubError(409, "ILLEGAL_TRANSITION", illegal.message, illegal.messageEn), IN),
    ],
    [
      "413",
      "PayloadTooLarge",
      "请求体超过大小上限（MAX_BODY_BYTES；坐席操作 256 KiB） / the body is over the size limit",
      bodyOf(
        thrown(() => parseJsonBody({ ...json, bodyBytes: 2_097_152, tooLarge: true, headers: { "content-length": "2097152" } }, 1_048_576, reassign)),
        IN,
      ),
    ],
    [
      "415",
      "UnsupportedMediaType",
      "Content-Type 不是 application/json / the body is not declared as JSON",
      bodyOf(
        thrown(() => parseJsonBody({ ...json, contentType: "text/plain" }, 1024, reassign)),
        IN,
      ),
    ],
    [
      "422",
      "UnprocessableEntity",
      "请求体不符合接口约定，或查询参数不合法；逐项列出（JSON Pointer，查询参数为 /query/<名称>） / field errors of the body or the query, one per field",
      {
        body: { summary: "请求体不符合约定 / body field errors", value: bodyOf(invalid(bad.ok ? [] : bad.errors), IN) },
        query: { summary: "查询参数不合法 / query parameter errors", value: bodyOf(invalidQuery(queryErrors.ok ? [] : queryErrors.errors)) },
      },
    ],
    [
      "503",
      "ServiceUnavailable",
      "数据库或后端服务暂不可用，请求未处理，请按 Retry-After 秒数后重试 / the store or a service is unavailable; nothing was done, retry after Retry-After seconds",
      bodyOf(storeUnavailableError()),
    ],
  ];
  const out: Record<string, Json> = {};
  for (const [status, name, description, example] of entries)
    out[name] = {
      description,
      ...(status === "503" ? { headers: { "Retry-After": { description: "建议多少秒后重试 / seconds to wait before retrying", schema: { type: "integer", example: 5 } } } } : {}),
      content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorResponse" }, ...("error" in example ? { example } : { examples: example }) } },
    };
  return out;
}

const ERROR_NAME: Record<string, string> = {
  "400": "BadRequest",
  "401": "Unauthorized",
  "403": "Forbidden",
  "404": "NotFound",
  "409": "Conflict",
  "413": "PayloadTooLarge",
  "415": "UnsupportedMediaType",
  "422": "UnprocessableEntity",
  "503": "ServiceUnavailable",
};
/** written out in each operation (not as $refs to components.responses): one object per status */
let ERRORS: Record<string, Json> | undefined;
const errors = (...statuses: string[]) => {
  ERRORS ??= errorResponses();
  return Object.fromEntries(statuses.map((s) => [s, ERRORS![ERROR_NAME[s]]]));
};

/** Every answer a route may name (kit/adapter.ts RouteAnswer): the case answers and the credit ones. */
const ROUTE_ANSWERS: Record<RouteAnswer, Json> & Record<string, Json> = { ...ANSWERS, ...CREDIT_ANSWERS };

const answerContent = (name: string) => ({
  "application/json": { schema: { $ref: `#/components/schemas/${name}` }, example: (ROUTE_ANSWERS[name] as { examples?: unknown[] } | undefined)?.examples?.[0] },
});

function adapterSuccess(r: InboundRoute): Json {
  const declared = r.responses;
  if (declared?.length) {
    const out: Json = {};
    for (const d of declared) out[String(d.status)] = { description: d.description, content: answerContent(d.answer) };
    return out;
  }
  // not declared: the answers every adapter route can give
  return {
    "200": {
      description: "已处理：返回案件编号和当前状态；或重复消息（同一编号已建案，未重复建案） / done: the case and its status; or a duplicate",
      content: { "application/json": { schema: { oneOf: [{ $ref: "#/components/schemas/CaseAck" }, { $ref: "#/components/schemas/CaseDuplicate" }] }, example: ANSWERS.CaseAck.examples[0] } },
    },
    "202": { description: "已受理：新建案件 / accepted: a case was opened", content: answerContent("CaseAccepted") },
  };
}

/** Placeholder path parameters of an example (as the conformance test fills them). */
const EXAMPLE_PARAMS: Record<string, string> = { orderNo: "X1", unitId: "CZ-ZL-CGJ", taskId: "TK1" };

/**
 * The batch request's example, made of the adapters' own routes and contract examples (the
 * envelope's contract shows the outbound direction): two messages of one system (one key opens
 * one system's routes), the second with its Idempotency-Key.
 */
function batchRequest(adapters: AdapterSpec[], raw: (id: string) => Json | undefined, refOf: (id: string) => string): Json {
  const exampled = (r: InboundRoute) => /:\w+/.test(r.path) && ((raw(r.schema)?.examples as unknown[] | undefined)?.length ?? 0) > 0;
  const a = adapters.find((x) => x.routes.filter(exampled).length >= 2);
  const items = (a?.routes.filter(exampled).slice(0, 2) ?? []).map((r, i) => ({
    method: r.method,
    path: `/api${a!.basePath}${r.path}`.replace(/:(\w+)/g, (_m, n: string) => EXAMPLE_PARAMS[n] ?? "X1"),
    ...(i ? { idempotencyKey: `${a!.system}-${r.kind}-0001` } : {}),
    body: (raw(r.schema)!.examples as unknown[])[0],
  }));
  return {
    required: true,
    content: { "application/json": { schema: { $ref: refOf(BATCH_SCHEMA) }, examples: { example1: { summary: "两条报文 / two messages", value: { items } } } } },
  };
}

/** The batch answer's example: an accepted item and a refused one, as the gateway would answer them alone. */
function batchAnswer(): Json {
  const IN = ["IN2406110000A1B2C3", "IN2406110000D4E5F6"];
  const refused = bodyOf(invalid([{ pointer: "/qssj", message: "应为日期时间", messageEn: "must match format date-time" }]), IN[1]);
  return {
    results: [
      { status: 200, body: ANSWERS.CaseAck.examples[0], inboundId: IN[0] },
      { status: 422, body: refused, inboundId: IN[1] },
    ],
  };
}

export function buildOpenApi(adapters: AdapterSpec[], api: ApiRoute[], version: string): Json {
  const { schemas, refOf, rewrite, raw } = components();
  for (const [name, schema] of Object.entries(ROUTE_ANSWERS)) schemas[name] = rewrite(schema) as Json;
  const paths: Record<string, Json> = {};
  const add = (path: string, method: string, op: Json) => {
    // a route at its adapter's basePath ("/" under /v1/sanctions) is mounted without the trailing slash
    const p = (paths[toOpenApiPath(`/api${path}`.replace(/(.)\/$/, "$1"))] ??= {}) as Json;
    p[method.toLowerCase()] = op;
  };
  /** a JSON request body: its contract and that contract's own examples */
  const requestBody = (id: string) => {
    const examples = (raw(id)?.examples as unknown[] | undefined) ?? [];
    return {
      required: true,
      content: {
        "application/json": {
          schema: { $ref: refOf(id) },
          ...(examples.length ? { examples: Object.fromEntries(examples.map((value, i) => [`example${i + 1}`, { summary: `示例 ${i + 1} / example ${i + 1}`, value }])) } : {}),
        },
      },
    };
  };
  for (const a of adapters) {
    for (const r of a.routes) {
      const hasPath = /:\w+/.test(r.path);
      add(a.basePath + r.path, r.method, {
        tags: [a.title],
        summary: r.summary,
        description: `调用方角色 caller role: \`${a.system}\`${a.authorize ? "（及适配器允许的角色）" : ""}。原始报文一律留存 / the raw message is always kept.`,
        operationId: `${a.system}.${r.kind}`,
        parameters: pathParams(r.path),
        requestBody: requestBody(r.schema),
        responses: { ...adapterSuccess(r), ...errors("400", "401", "403", ...(hasPath ? ["404"] : []), "409", "413", "415", "422", "503") },
      });
    }
  }
  // many messages in one request: each item is one of the routes above, answered as it would be alone
  add(BATCH_ROUTE, "POST", {
    tags: ["批量报文 batch"],
    summary: "批量报文：一次请求提交多条报文，逐条按其接口处理并逐条应答 / many messages in one request, each handled and answered as its own request",
    description: [
      "任何有效密钥均可调用；每条报文按其 `path`（枢纽接口的完整路径，如 `/api/v1/...`；也可省略 `/api`）单独鉴权、校验、留存原始报文并处理，`idempotencyKey` 即该条的 Idempotency-Key，应答与单独请求时完全相同（状态码、应答体、入站报文编号 inboundId）。",
      "一条被拒不影响其他条目；路径不是枢纽接口的条目答 404，密钥无权调用的条目答 403。针对同一资源（路径去掉最后一段）的条目按顺序逐条处理，其余并发处理。",
      "信封本身：413 过大、415 非 JSON 内容类型、400 非法 JSON、422 不符合批量报文约定（至多 500 条），均留存原始报文。",
      "",
      "Any valid key. Each item is authorized, checked, kept raw and handled as the request to its `path` (the hub path, `/api/v1/...`; `/v1/...` is taken as under `/api`) with its `idempotencyKey` as Idempotency-Key, and answered with the status, body and inboundId that request would have had. One refused item leaves the others alone: a path that is no route 404, a route the key may not call 403. Items on one resource (the path without its last segment) run one after the other in item order, the others concurrently. The envelope itself: 413, 415, 400, 422 (at most 500 items), each kept raw.",
    ].join("\n"),
    operationId: "intake.receiveBatch",
    parameters: [],
    requestBody: batchRequest(adapters, raw, refOf),
    responses: {
      "200": {
        description: "逐条结果，顺序与条目一致 / one result per item, in item order",
        content: { "application/json": { schema: { $ref: refOf(BATCH_RESULT_SCHEMA) }, example: batchAnswer() } },
      },
      ...errors("400", "401", "413", "415", "422", "503"),
    },
  });
  for (const r of api) {
    const hasPath = /:\w+/.test(r.path);
    const query = Object.entries(r.query?.properties ?? {}).map(([name, p]) => {
      const { title, description, ...schema } = p;
      return {
        name,
        in: "query",
        required: false,
        description: `${title}：${description}`,
        schema: rewrite(schema),
        ...(schema.type === "array" ? { style: "form", explode: false } : {}),
      };
    });
    add(r.path, r.method, {
      tags: [r.roles.includes("agent") || r.roles.includes("*") ? "坐席与工程师 agents & engineers" : "集成工程师 engineers"],
      summary: r.summary,
      description: `角色 roles: ${r.roles.map((x) => (x === "*" ? "任何有效密钥 any valid key" : `\`${x}\``)).join(", ")}`,
      operationId: r.action,
      parameters: [...pathParams(r.path), ...query],
      ...(r.body ? { requestBody: requestBody(r.body) } : {}),
      responses: {
        [String(r.response.status)]: { description: r.response.description, content: { "application/json": { schema: rewrite(r.response.schema) } } },
        ...errors(...(r.body ? ["400"] : []), "401", "403", ...(hasPath ? ["404"] : []), ...(r.method === "POST" ? ["409"] : []), ...(r.body ? ["413", "415"] : []), "422", "503"),
      },
    });
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "tongguan 统管 — 一网统管集成枢纽 API",
      version,
      description:
        "12345 热线、承办单位等系统与枢纽之间的接口。所有请求须带 `X-Api-Key` 请求头；错误一律以 ErrorResponse 返回，含中英文说明和逐字段错误（JSON Pointer）。503 时请按 `Retry-After` 重试。\n\nIntegration hub API. Every request needs an `X-Api-Key` header. Errors are ErrorResponse bodies with Chinese and English messages and field errors; on 503, retry after `Retry-After` seconds.",
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    paths,
    components: { schemas, securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" } } },
  };
}
