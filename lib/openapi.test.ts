import { ADAPTERS } from "../adapters";
import { validate } from "../contracts";
import { API } from "./api";
import { routeMatcher } from "./batch";
import { buildOpenApi } from "./openapi";

type Json = Record<string, any>;
const doc = buildOpenApi(ADAPTERS, API, "0.0.0-test") as Json;
const operations = (): [string, string, Json][] =>
  Object.entries(doc.paths as Record<string, Json>).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => [`${m.toUpperCase()} ${p}`, m, op as Json] as [string, string, Json]));
const errorOf = (status: string): Json => doc.paths["/api/v1/cases/{id}/reassign"].post.responses[status];

describe("OpenAPI document", () => {
  it("gives every operation a 2xx answer with a JSON schema", () => {
    const missing: string[] = [];
    for (const [name, , op] of operations()) {
      const ok = Object.entries(op.responses as Record<string, Json>).filter(([s]) => /^2\d\d$/.test(s));
      if (!ok.length || ok.some(([, r]) => !r.content?.["application/json"]?.schema)) missing.push(name);
    }
    expect(missing).toEqual([]);
  });

  it("describes the agents' API answers: case list, case detail, triage, ack, meta", () => {
    const ok = (path: string, method = "get") => doc.paths[path][method].responses["200"].content["application/json"].schema;
    expect(JSON.stringify(ok("/api/v1/cases"))).toContain("#/components/schemas/CaseSummary");
    expect(ok("/api/v1/cases/{id}").$ref).toBe("#/components/schemas/CaseDetail");
    expect(JSON.stringify(doc.components.schemas.CaseDetail)).toContain('#/components/schemas/Case"');
    expect(JSON.stringify(doc.components.schemas.CaseDetail)).toContain("#/components/schemas/CaseEvent");
    expect(JSON.stringify(ok("/api/v1/triage"))).toContain('#/components/schemas/Case"');
    for (const p of ["/api/v1/triage/{id}/assign", "/api/v1/cases/{id}/reassign", "/api/v1/cases/{id}/return"]) expect(ok(p, "post").$ref).toBe("#/components/schemas/CaseAck");
    expect(ok("/api/v1/meta").required).toEqual(["statuses", "outcomes", "satisfaction", "eventTypes", "commands", "actions", "overdueStatuses", "systems"]);
    const wo = doc.paths["/api/v1/hotline12345/work-orders"].post.responses;
    expect(wo["202"].content["application/json"].schema.$ref).toBe("#/components/schemas/CaseAccepted");
    expect(JSON.stringify(wo["200"])).toContain("CaseDuplicate");
  });

  it("gives each error status its own description and a Chinese + English example", () => {
    const byStatus = new Map<string, Set<string>>();
    for (const [, , op] of operations())
      for (const [s, r] of Object.entries(op.responses as Record<string, Json>)) {
        if (!/^[45]\d\d$/.test(s)) continue;
        const res = r;
        const media = res.content["application/json"];
        const examples: Json[] = media.example ? [media.example] : Object.values(media.examples as Record<string, Json>).map((e) => e.value);
        expect(examples.length).toBeGreaterThan(0);
        for (const ex of examples) {
          expect(ex.error.message).toMatch(/[\u4e00-\u9fff]/);
          expect(ex.error.messageEn).toMatch(/[a-z]/i);
        }
        (byStatus.get(s) ?? byStatus.set(s, new Set()).get(s)!).add(JSON.stringify({ d: res.description, e: examples }));
      }
    expect([...byStatus.keys()].sort()).toEqual(["400", "401", "403", "404", "409", "413", "415", "422", "503"]);
    // one description + example per status, and no two statuses share them
    for (const [, v] of byStatus) expect(v.size).toBe(1);
    const all = [...byStatus.values()].map((v) => [...v][0]);
    expect(new Set(all).size).toBe(all.length);
    const example = (s: string) => errorOf(s).content["application/json"];
    expect(example("413").example.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(example("503").example.error.code).toBe("STORE_UNAVAILABLE");
    expect(errorOf("503").headers["Retry-After"]).toBeDefined();
    expect(example("422").examples.query.value.error.errors[0].pointer).toBe("/query/pageSize");
  });

  it("shows examples for every request body, each valid against its contract", () => {
    const without: string[] = [];
    for (const [name, , op] of operations()) {
      const media = op.requestBody?.content?.["application/json"];
      if (!media) continue;
      const examples = Object.values((media.examples ?? {}) as Record<string, Json>);
      if (!examples.length) without.push(name);
    }
    expect(without).toEqual([]);
    for (const r of API.filter((x) => x.body)) {
      const media = doc.paths[`/api${r.path.replace(/:(\w+)/g, "{$1}")}`].post.requestBody.content["application/json"];
      for (const ex of Object.values(media.examples as Record<string, Json>)) expect({ body: r.body, r: validate(r.body!, ex.value) }).toEqual({ body: r.body, r: { ok: true, value: ex.value } });
    }
  });

  it("documents the query parameters of the case list with their schemas", () => {
    const params = doc.paths["/api/v1/cases"].get.parameters as Json[];
    const status = params.find((p) => p.name === "status")!;
    expect(status.schema.type).toBe("array");
    expect(status.schema.items.enum).toContain("TRIAGE");
    expect(status.explode).toBe(false);
    expect(params.find((p) => p.name === "pageSize")!.schema.maximum).toBe(200);
    expect(params.find((p) => p.name === "overdue")!.schema.type).toBe("boolean");
  });

  it("resolves every $ref", () => {
    const refs: string[] = [];
    const walk = (n: unknown) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === "object") for (const [k, v] of Object.entries(n)) k === "$ref" && typeof v === "string" ? refs.push(v) : walk(v);
    };
    walk(doc);
    const unresolved = [...new Set(refs)].filter((r) => {
      const m = /^#\/components\/schemas\/(.+)$/.exec(r);
      return !m || doc.components.schemas[m[1]] === undefined;
    });
    expect(unresolved).toEqual([]);
  });
});

describe("the batch route in the OpenAPI document", () => {
  const op = doc.paths["/api/v1/batch"].post as Json;

  it("takes the batch envelope and answers one result per item", () => {
    expect(op.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/Batch");
    expect(op.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/BatchResult");
    expect(doc.components.schemas.BatchItem.required).toEqual(["method", "path", "body"]);
    expect(Object.keys(op.responses).sort()).toEqual(["200", "400", "401", "413", "415", "422", "503"]);
    expect(op.description).toMatch(/逐条|条目/);
    expect(validate("tongguan:kit/batch-result", op.responses["200"].content["application/json"].example).ok).toBe(true);
  });

  it("shows an example made of real hub routes, each body valid against its route's contract", () => {
    const matcher = routeMatcher(ADAPTERS);
    const example = Object.values(op.requestBody.content["application/json"].examples as Record<string, Json>)[0].value;
    expect(validate("tongguan:kit/batch", example).ok).toBe(true);
    expect(example.items.length).toBe(2);
    for (const item of example.items) {
      const m = matcher(item.method, item.path);
      expect(m).toBeDefined();
      expect(validate(m!.spec.routes[m!.routeIndex].schema, item.body).ok).toBe(true);
    }
  });
});
