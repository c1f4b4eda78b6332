/**
 * The console (console/, served by the gateway at /console) on the production profile: the page
 * and its assets are served with the right types, nothing outside the folder leaks, and every
 * /api/v1 endpoint the console's app.js calls exists in the hub's OpenAPI document — so renaming
 * an endpoint without updating the console fails here. No browser is needed.
 */
import fs from "node:fs";
import path from "node:path";
import { request } from "node:http";
import { startProductionHub, type TestHub, http, KEYS } from "./harness";

jest.setTimeout(90_000);

let hub: TestHub;

beforeAll(async () => {
  hub = await startProductionHub();
});

afterAll(async () => {
  await hub?.stop();
});

/** A GET with the path sent exactly as written (fetch would normalise dot segments). */
function rawGet(url: string, rawPath: string): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: rawPath, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

const CONSOLE_DIR = path.resolve(__dirname, "..", "console");

describe("console static files", () => {
  it("serves the page at /console with a Chinese title and its assets with their content types", async () => {
    const page = await rawGet(hub.url, "/console");
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html\b/);
    expect(page.body).toMatch(/<html lang="zh-CN">/);
    const title = page.body.match(/<title>([^<]*)<\/title>/)?.[1] ?? "";
    expect(title).toContain("统管控制台");
    expect(page.body).toBe(fs.readFileSync(path.join(CONSOLE_DIR, "index.html"), "utf8"));
    expect((await rawGet(hub.url, "/console/index.html")).status).toBe(200);

    // every asset the page links is served, with the type a browser expects
    const assets = [...page.body.matchAll(/(?:href|src)="(\/console\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(expect.arrayContaining(["/console/app.css", "/console/app.js"]));
    const expected: Record<string, RegExp> = { ".css": /^text\/css\b/, ".js": /^application\/javascript\b/, ".svg": /^image\/svg\+xml\b/, ".html": /^text\/html\b/ };
    for (const a of assets) {
      const r = await rawGet(hub.url, a);
      expect({ a, status: r.status }).toEqual({ a, status: 200 });
      expect(r.type).toMatch(expected[path.extname(a)]);
      expect(r.body.length).toBeGreaterThan(100);
    }
  });

  it("answers 404 for an unknown file, another extension or a path out of the folder", async () => {
    for (const p of [
      "/console/nope.js",
      "/console/app.ts",
      "/console/app.js.map",
      "/console/..%2Fpackage.json",
      "/console/%2e%2e%2fpackage.json",
      "/console/..%5Cpackage.json",
      "/console/sub/app.js",
      "/console/../package.json",
    ]) {
      const r = await rawGet(hub.url, p);
      expect({ p, status: r.status }).toEqual({ p, status: 404 });
      expect(r.body).not.toContain('"dependencies"');
    }
    const r = await rawGet(hub.url, "/console/..%2Fpackage.json");
    expect(r.type).toMatch(/^application\/json/);
    expect(JSON.parse(r.body).error.code).toBe("NOT_FOUND");
  });

  it("loads nothing from outside the hub and puts no data into the page as HTML", async () => {
    for (const f of ["index.html", "app.js", "app.css"]) {
      const text = (await rawGet(hub.url, `/console/${f}`)).body;
      expect({ f, external: text.match(/\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//gi) }).toEqual({ f, external: null });
      expect(text).not.toMatch(/@import|@font-face/);
    }
    const js = (await rawGet(hub.url, "/console/app.js")).body;
    expect(js).not.toMatch(/\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
    expect(js).toMatch(/sessionStorage/);
    expect(js).not.toMatch(/localStorage|document\.cookie/);
  });
});

describe("console ↔ API contract", () => {
  it("calls only /api/v1 endpoints that the OpenAPI document declares, with the same method", async () => {
    const js = (await rawGet(hub.url, "/console/app.js")).body;
    const doc = (await http(`${hub.url}/api/openapi.json`)).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);

    const calls = [...js.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\/api\/v1\/[^\s"'`?#]*)/g)].map((m) => ({ method: m[1].toLowerCase(), path: m[2] }));
    // every /api/v1 path in app.js is written as "METHOD /api/v1/…" (nothing assembled elsewhere)
    expect(calls.length).toBe((js.match(/\/api\/v1\//g) ?? []).length);
    expect(calls.length).toBeGreaterThanOrEqual(12);

    const missing = calls.filter((c) => !doc.paths[c.path]?.[c.method]).map((c) => `${c.method.toUpperCase()} ${c.path}`);
    expect(missing).toEqual([]);

    // the console covers what agents and engineers do
    expect(calls.map((c) => `${c.method.toUpperCase()} ${c.path}`)).toEqual(
      expect.arrayContaining([
        "GET /api/v1/cases",
        "GET /api/v1/cases/{id}",
        "POST /api/v1/cases/{id}/reassign",
        "POST /api/v1/cases/{id}/return",
        "GET /api/v1/triage",
        "POST /api/v1/triage/{id}/assign",
        "GET /api/v1/units",
        "GET /api/v1/flow",
        "GET /api/v1/outbox",
        "POST /api/v1/outbox/{id}/retry",
        "GET /api/v1/inbound",
        "GET /api/v1/inbound/{id}",
      ]),
    );
  });

  it("tells the roles apart the way the console's login does (flow → engineer, else cases → agent)", async () => {
    expect((await http(`${hub.url}/api/v1/flow`, { key: KEYS.engineer })).status).toBe(200);
    const agentFlow = await http(`${hub.url}/api/v1/flow`, { key: KEYS.agent });
    expect(agentFlow.status).toBe(403);
    expect(agentFlow.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect((await http(`${hub.url}/api/v1/cases?pageSize=1`, { key: KEYS.agent })).status).toBe(200);
    const other = await http(`${hub.url}/api/v1/cases?pageSize=1`, { key: KEYS.hotline12345 });
    expect(other.status).toBe(403);
    const bad = await http(`${hub.url}/api/v1/flow`, { key: "not-a-key" });
    expect(bad.status).toBe(401);
    expect(bad.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  });
});
