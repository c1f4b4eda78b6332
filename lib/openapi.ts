/**
 * Builds the OpenAPI 3.1 document from the same sources the hub runs on: the contract
 * registry (schemas), the adapter specs (routes external systems call) and the API table
 * (routes for agents and engineers). Nothing here is written twice.
 */
import { allSchemas } from "../contracts";
import type { AdapterSpec } from "../kit/adapter";
import type { ApiRoute } from "./api";

type Json = Record<string, unknown>;

function typeName(schema: Json, id: string): string {
  const t = typeof schema.title === "string" ? schema.title.split(/\s+/)[0] : "";
  if (/^[A-Z][A-Za-z0-9]*$/.test(t)) return t;
  return id.split(/[/:]/).pop()!.replace(/(^|[-_.])(\w)/g, (_m, _p, c: string) => c.toUpperCase());
}

/** Every schema and every $def becomes a component; $refs are rewritten to point at them. */
export function components(): { schemas: Record<string, Json>; refOf: (id: string) => string } {
  const byId = new Map<string, string>(); // schema $id (or $id#/$defs/X) → component name
  const out: Record<string, Json> = {};
  const loaded = allSchemas();
  for (const s of loaded) {
    byId.set(s.id, typeName(s.schema, s.id));
    for (const [k, d] of Object.entries((s.schema.$defs as Record<string, Json>) ?? {})) {
      byId.set(`${s.id}#/$defs/${k}`, k);
      if (typeof d.$id === "string") byId.set(d.$id, k);
    }
  }
  const rewrite = (node: unknown, base: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, base));
    if (!node || typeof node !== "object") return node;
    const o: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === "$id" || k === "$schema" || k === "$defs") continue;
      if (k === "$ref" && typeof v === "string") {
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
  return { schemas: out, refOf: (id: string) => `#/components/schemas/${byId.get(id) ?? "Unknown"}` };
}

const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, "{$1}");
const pathParams = (p: string) =>
  [...p.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorResponse" } } } });

export function buildOpenApi(adapters: AdapterSpec[], api: ApiRoute[], version: string): Json {
  const { schemas, refOf } = components();
  const paths: Record<string, Json> = {};
  const add = (path: string, method: string, op: Json) => {
    const p = (paths[toOpenApiPath("/api" + path)] ??= {}) as Json;
    p[method.toLowerCase()] = op;
  };
  for (const a of adapters) {
    for (const r of a.routes) {
      add(a.basePath + r.path, r.method, {
        tags: [a.title],
        summary: r.summary,
        description: `调用方角色 caller role: \`${a.system}\`${a.authorize ? "（及适配器允许的角色）" : ""}。原始报文一律留存 / the raw message is always kept.`,
        operationId: `${a.system}.${r.kind}`,
        parameters: pathParams(r.path),
        requestBody: { required: true, content: { "application/json": { schema: { $ref: refOf(r.schema) } } } },
        responses: {
          "200": { description: "已处理（或重复消息） / done (or a duplicate)" },
          "202": { description: "已受理 / accepted" },
          "400": errorResponse("不是合法 JSON / not JSON"),
          "401": errorResponse("缺少或无效的 X-Api-Key"),
          "403": errorResponse("该密钥无权调用此接口"),
          "404": errorResponse("工单或任务不存在"),
          "409": errorResponse("当前状态不允许此操作 / illegal transition"),
          "413": errorResponse("请求体过大"),
          "415": errorResponse("Content-Type 不是 application/json"),
          "422": errorResponse("字段不符合接口约定，逐项列出 / field errors"),
        },
      });
    }
  }
  for (const r of api) {
    add(r.path, r.method, {
      tags: [r.roles.includes("agent") ? "坐席与工程师 agents & engineers" : "集成工程师 engineers"],
      summary: r.summary,
      description: `角色 roles: ${r.roles.map((x) => `\`${x}\``).join(", ")}`,
      operationId: r.action,
      parameters: [...pathParams(r.path), ...(r.query ?? []).map((q) => ({ name: q.name, in: "query", required: false, description: q.description, schema: { type: "string" } }))],
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: { $ref: refOf(r.body) } } } } } : {}),
      responses: {
        "200": { description: "OK" },
        "401": errorResponse("缺少或无效的 X-Api-Key"),
        "403": errorResponse("该密钥无权调用此接口"),
        "404": errorResponse("不存在"),
        "409": errorResponse("当前状态不允许此操作"),
        "422": errorResponse("参数错误"),
      },
    });
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "tongguan 统管 — 一网统管集成枢纽 API",
      version,
      description:
        "12345 热线、承办单位等系统与枢纽之间的接口。所有请求须带 `X-Api-Key` 请求头；错误一律以 ErrorResponse 返回，含中英文说明和逐字段错误（JSON Pointer）。\n\nIntegration hub API. Every request needs an `X-Api-Key` header.",
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    paths,
    components: { schemas, securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" } } },
  };
}
