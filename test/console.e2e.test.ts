/**
 * The console (console/, served by the gateway at /console) on the production profile: the page
 * and its assets are served with the right types, nothing outside the folder leaks, and every
 * /api/v1 endpoint the console's app.js calls exists in the hub's OpenAPI document — so renaming
 * an endpoint without updating the console fails here. No browser is needed: the page's logic
 * (logic.js, as served) is run against the hub's real answers — GET /api/v1/meta for every name
 * and legal action, the kept refused messages, the triage queue and flow health.
 */
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { request } from "node:http";
import { startProductionHub, type TestHub, http, waitFor, KEYS } from "./harness";
import { OVERDUE_STATUSES, STATUS_LABEL, TRANSITIONS, type CaseAction } from "../domain/lifecycle";
import { ADAPTERS } from "../adapters";
import { COMMANDS } from "../kit/adapter";
import { loadSamples } from "../adapters/hotline12345/simulator";
import { fromSample } from "../adapters/hotline12345/mapping";

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
    expect(assets).toEqual(expect.arrayContaining(["/console/app.css", "/console/logic.js", "/console/app.js"]));
    expect(assets.indexOf("/console/logic.js")).toBeLessThan(assets.indexOf("/console/app.js")); // app.js uses it
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
      "/console/logic.test.ts",
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
    for (const f of ["index.html", "app.js", "logic.js", "app.css"]) {
      const text = (await rawGet(hub.url, `/console/${f}`)).body;
      expect({ f, external: text.match(/\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//gi) }).toEqual({ f, external: null });
      expect(text).not.toMatch(/@import|@font-face/);
    }
    const js = (await rawGet(hub.url, "/console/app.js")).body;
    const logic = (await rawGet(hub.url, "/console/logic.js")).body;
    for (const src of [js, logic]) {
      expect(src).not.toMatch(/\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
      expect(src).not.toMatch(/localStorage|document\.cookie/);
    }
    expect(js).toMatch(/sessionStorage/);
    expect(logic).not.toMatch(/\bdocument\.|\bfetch\(|sessionStorage/); // pure: no DOM, no network, no storage
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
        "GET /api/v1/meta",
        "GET /api/v1/me",
      ]),
    );
    // logic.js calls nothing: every endpoint is in app.js's table
    expect((await rawGet(hub.url, "/console/logic.js")).body).not.toMatch(/["'`]\/api\//);
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

// ------------------------------------------------------------------ the page's logic on real answers

type Logic = {
  vocabulary(meta: unknown): unknown;
  statusLabel(v: unknown, s: string): string;
  eventLabel(v: unknown, t: string): string;
  outcomeText(v: unknown, c: unknown): string;
  satisfactionText(v: unknown, c: unknown): string;
  systemTitle(v: unknown, s: string): string;
  commandLabel(v: unknown, k: string): string;
  originOptions(v: unknown): { value: string; label: string }[];
  overdueStatuses(v: unknown): string[];
  isOverdue(v: unknown, status: string, deadline: number | null, now: number): boolean;
  statusOptions(v: unknown): { value: string; label: string }[];
  allowedActions(v: unknown, status: string, role: string): { action: string; label: string }[];
  refusedReason(m: unknown): string;
  triageCount(answer: unknown): number | null;
  flowStatusRows(v: unknown, cases: unknown, triage: number | null): { rows: { value: string; label: string; count: number | null }[]; total: number };
  routeFor(hash: string, role: string, roleLabel?: string): { view: string; redirect?: string; notice?: string };
};

/** logic.js as the browser runs it: the served file, evaluated as a plain script. */
async function servedLogic(): Promise<Logic> {
  const src = (await rawGet(hub.url, "/console/logic.js")).body;
  const win: Record<string, unknown> = {};
  win.window = win;
  vm.runInNewContext(src, win);
  expect(win.TongguanLogic).toBeDefined();
  return win.TongguanLogic as Logic;
}

const WO = "/api/v1/hotline12345/work-orders";
const CONSOLE_ACTIONS: CaseAction[] = ["assign", "adjudicate", "reassign", "returnCase"];

describe("the console's names and buttons come from GET /api/v1/meta", () => {
  it("meta answers any valid key with the statuses, outcomes, satisfaction, event types, actions, 超期 statuses, commands and systems", async () => {
    for (const key of [KEYS.agent, KEYS.engineer, KEYS.hotline12345]) {
      const r = await http(`${hub.url}/api/v1/meta`, { key });
      expect({ key, status: r.status }).toEqual({ key, status: 200 });
    }
    expect((await http(`${hub.url}/api/v1/meta`, { key: "not-a-key" })).status).toBe(401);
    const meta = (await http(`${hub.url}/api/v1/meta`, { key: KEYS.agent })).body;
    for (const k of ["statuses", "outcomes", "satisfaction", "eventTypes", "systems", "commands", "overdueStatuses"]) expect(Array.isArray(meta[k])).toBe(true);
    // the statuses, in the lifecycle's names, and the legal agent actions of domain/lifecycle.ts
    expect(meta.statuses.map(({ value, label }: { value: string; label: string }) => ({ value, label }))).toEqual(Object.entries(STATUS_LABEL).map(([value, label]) => ({ value, label })));
    for (const s of Object.keys(STATUS_LABEL)) {
      const want = CONSOLE_ACTIONS.filter((a) => (TRANSITIONS[a].from as string[]).includes(s));
      expect({ s, actions: (meta.actions[s] ?? []).map((a: { action: string }) => a.action).sort() }).toEqual({ s, actions: [...want].sort() });
    }
    expect(meta.outcomes.map((o: { value: unknown }) => Number(o.value))).toEqual([0, 1, 2, 3]);
    expect(meta.satisfaction.map((o: { value: unknown }) => Number(o.value))).toEqual([0, 1, 2, 3]);
    for (const e of [...meta.statuses, ...meta.outcomes, ...meta.satisfaction, ...meta.eventTypes]) expect(e.label).toMatch(/[\u4e00-\u9fa5]/);
    expect(meta.eventTypes.map((e: { value: string }) => e.value)).toEqual(expect.arrayContaining(["RECEIVED", "ROUTED", "TRIAGED", "ASSIGNED", "REASSIGNED", "RETURNED", "ARCHIVED"]));
    // every connected system with its roles; origin = it raises cases
    expect(meta.systems).toEqual(ADAPTERS.map((a) => ({ system: a.system, title: a.title, roles: a.roles, origin: a.roles.includes("source") })));
    expect(meta.systems.find((x: { system: string }) => x.system === "hotline12345").origin).toBe(true);
    // 超期 as services/cases counts it; the outbound kinds named by the command schema
    expect(meta.overdueStatuses).toEqual(OVERDUE_STATUSES);
    expect(meta.commands.map((c: { value: string }) => c.value)).toEqual(Object.keys(COMMANDS));
    for (const c of meta.commands) expect(c.label).toMatch(/[\u4e00-\u9fa5]/);
    expect(meta.commands.find((c: { value: string }) => c.value === "sign").label).toBe("签收");
  });

  it("shows what meta says: a real case's status as the hub names it, its buttons, its timeline and its origin", async () => {
    const L = await servedLogic();
    const meta = (await http(`${hub.url}/api/v1/meta`, { key: KEYS.agent })).body;
    const v = L.vocabulary(meta);
    // a work order no rule owns: 待人工分拨
    const order = {
      ...fromSample(loadSamples()[0], new Date()),
      orderNo: "CZ2611000000901",
      category: ["其他", "其他诉求"],
      title: "咨询老旧小区加装电梯补贴政策",
      content: "来电人咨询相关政策，希望有人回电说明。",
    };
    const posted = await http(hub.url + WO, { key: KEYS.hotline12345, body: order });
    expect(posted.status).toBe(202);
    const id = posted.body.caseId as string;
    const list = await http(`${hub.url}/api/v1/cases?pageSize=200`, { key: KEYS.agent });
    const row = list.body.items.find((c: { id: string }) => c.id === id);
    expect(row.status).toBe("TRIAGE");
    expect(L.statusLabel(v, row.status)).toBe(row.statusLabel); // the badge says what the hub says
    expect(L.statusOptions(v).map((o) => o.label)).toEqual(Object.values(STATUS_LABEL)); // the status filter
    // the 来源 filter: the systems that raise cases, this case's among them
    expect(L.originOptions(v).map((o) => o.value)).toEqual(ADAPTERS.filter((a) => a.roles.includes("source")).map((a) => a.system));
    expect(L.originOptions(v).map((o) => o.value)).toContain("hotline12345");
    expect(L.originOptions(v).map((o) => o.value)).not.toContain("unit");
    // 超期 as the hub counts it: open, past the deadline
    expect(L.overdueStatuses(v)).toEqual(OVERDUE_STATUSES);
    expect(L.isOverdue(v, row.status, Date.now() - 60_000, Date.now())).toBe(true);
    expect(L.isOverdue(v, "ARCHIVED", Date.now() - 60_000, Date.now())).toBe(false);
    // the buttons an agent sees on it: 派单 and 退单, with meta's names; an engineer sees none
    expect(L.allowedActions(v, row.status, "agent").map((a) => a.action)).toEqual(["assign", "returnCase"]);
    expect(L.allowedActions(v, row.status, "agent").map((a) => a.label)).toEqual([TRANSITIONS.assign.label, TRANSITIONS.returnCase.label]);
    expect(L.allowedActions(v, row.status, "engineer")).toEqual([]);
    expect(L.allowedActions(v, "ARCHIVED", "agent")).toEqual([]);
    // its timeline: every event by its Chinese name; its origin by the system's title
    const c = (await http(`${hub.url}/api/v1/cases/${id}`, { key: KEYS.agent })).body;
    expect(c.timeline.length).toBeGreaterThan(0);
    for (const e of c.timeline) expect({ type: e.type, label: L.eventLabel(v, e.type) }).toEqual({ type: e.type, label: expect.stringMatching(/[\u4e00-\u9fa5]/) });
    expect(L.systemTitle(v, c.origin.system)).toMatch(/[\u4e00-\u9fa5]/);
    expect(L.outcomeText(v, 3)).toBe(`3 ${meta.outcomes.find((o: { value: unknown }) => Number(o.value) === 3).label}`);
    expect(L.satisfactionText(v, 0)).toBe(`0 ${meta.satisfaction.find((o: { value: unknown }) => Number(o.value) === 0).label}`);
  });

  it("the served console declares no status, outcome or satisfaction names, event names or legal actions of its own", async () => {
    const meta = (await http(`${hub.url}/api/v1/meta`, { key: KEYS.agent })).body;
    for (const f of ["app.js", "logic.js"]) {
      const src = (await rawGet(hub.url, `/console/${f}`)).body;
      for (const { label } of meta.statuses) expect({ f, label, found: src.includes(label) }).toEqual({ f, label, found: false });
      // no { CODE: "名称" } table for any status or event type meta lists
      for (const { value } of [...meta.statuses, ...meta.eventTypes]) expect({ f, value, table: new RegExp(`\\b${value}\\s*:\\s*["'\`]`).test(src) }).toEqual({ f, value, table: false });
      const list = (xs: { label: string }[]) => new RegExp(xs.map((x) => `["'\`]${x.label}["'\`]`).join("\\s*,\\s*"));
      expect(src).not.toMatch(list(meta.outcomes));
      expect(src).not.toMatch(list(meta.satisfaction));
      expect(src).not.toMatch(/\b(STATUS_LABEL|STATUS_ORDER|OUTCOME_LABEL|SATISFACTION_LABEL|EVENT_LABEL|ORIGIN_LABEL|SYSTEM_LABEL|ALLOWED|OUTBOUND_KIND|OPEN_STATUSES)\b/);
      // no { kind: "名称" } table for any outbound command, nor a copy of the 超期 statuses
      const kinds = `["']?(?:${meta.commands.map((c: { value: string }) => c.value).join("|")})["']?\\s*:\\s*["'\`]`;
      expect({ f, table: new RegExp(`${kinds}[^"'\`\\n]*["'\`]\\s*,\\s*${kinds}`).test(src) }).toEqual({ f, table: false });
      expect(src).not.toMatch(new RegExp(meta.overdueStatuses.map((x: string) => `["'\`]${x}["'\`]`).join("\\s*,\\s*")));
    }
  });
});

describe("流转健康 as an engineer reads it", () => {
  it("says in Chinese why each recent message was refused (not UNAUTHORIZED, INVALID_JSON …)", async () => {
    const L = await servedLogic();
    const noKey = await http(hub.url + WO, { raw: "{}", contentType: "application/json" });
    expect(noKey.status).toBe(401);
    const badJson = await http(hub.url + WO, { key: KEYS.hotline12345, raw: '{"orderNo": "CZ26', contentType: "application/json" });
    expect(badJson.status).toBe(400);
    const invalid = await http(hub.url + WO, { key: KEYS.hotline12345, body: { orderNo: 42 } });
    expect(invalid.status).toBe(422);

    // what the console loads for the 最近拒收报文 table
    const rejected = await http(`${hub.url}/api/v1/inbound?outcome=rejected&limit=20`, { key: KEYS.engineer });
    expect(rejected.status).toBe(200);
    const reason = (inboundId: string) => {
      const m = rejected.body.items.find((x: { id: string }) => x.id === inboundId);
      expect(m).toBeDefined();
      return L.refusedReason(m);
    };
    expect(reason(noKey.body.error.inboundId)).toBe("密钥缺失或无效");
    expect(reason(badJson.body.error.inboundId)).toBe("请求体不是合法的 JSON");
    const first = invalid.body.error.errors[0];
    const n = invalid.body.error.errors.length;
    expect(reason(invalid.body.error.inboundId)).toBe(`请求内容不符合接口约定：${first.pointer}：${first.message}${n > 1 ? `（共 ${n} 处）` : ""}`);
    for (const m of rejected.body.items) expect(L.refusedReason(m)).not.toMatch(/^[A-Z_]+$/);
  });

  it("shows the same 待分拨 figure on the tab badge and in the 案件状态 card", async () => {
    const L = await servedLogic();
    const v = L.vocabulary((await http(`${hub.url}/api/v1/meta`, { key: KEYS.engineer })).body);
    const order = {
      ...fromSample(loadSamples()[0], new Date()),
      orderNo: "CZ2611000000902",
      category: ["其他", "其他诉求"],
      title: "咨询公积金提取政策",
      content: "来电人咨询相关政策，希望有人回电说明。",
    };
    expect((await http(hub.url + WO, { key: KEYS.hotline12345, body: order })).status).toBe(202);
    // what the console loads together for 流转健康: the flow and the triage queue
    const [flow, triage] = await Promise.all([http(`${hub.url}/api/v1/flow`, { key: KEYS.engineer }), http(`${hub.url}/api/v1/triage`, { key: KEYS.engineer })]);
    const badge = L.triageCount(triage.body);
    expect(badge).toBeGreaterThanOrEqual(1);
    const { rows, total } = L.flowStatusRows(v, flow.body.cases, badge);
    const triageRow = rows.find((r) => r.value === "TRIAGE")!;
    expect(triageRow).toEqual({ value: "TRIAGE", label: STATUS_LABEL.TRIAGE, count: badge });
    expect(total).toBe(rows.reduce((x, r) => x + (r.count ?? 0), 0));
    // an agent's badge reads the same queue
    expect(L.triageCount((await http(`${hub.url}/api/v1/triage`, { key: KEYS.agent })).body)).toBe(badge);
    // the hub's own counts agree when nothing moves in between
    await waitFor("flow counts the triage case", async () => (await http(`${hub.url}/api/v1/flow`, { key: KEYS.engineer })).body.cases.TRIAGE === badge);
  });

  it("tells an agent who opens 流转健康 that it is for engineers, naming the key's role", async () => {
    const L = await servedLogic();
    const me = (await http(`${hub.url}/api/v1/me`, { key: KEYS.agent })).body;
    expect(me.role).toBe("agent");
    expect(L.routeFor("#/flow", me.role, me.roleLabel)).toEqual({ view: "cases", redirect: "#/cases", notice: "流转健康仅对集成工程师开放，当前密钥角色为坐席" });
    expect((await http(`${hub.url}/api/v1/flow`, { key: KEYS.agent })).status).toBe(403); // what the hub would answer
    const eng = (await http(`${hub.url}/api/v1/me`, { key: KEYS.engineer })).body;
    expect(L.routeFor("#/flow", eng.role, eng.roleLabel)).toEqual({ view: "flow" });
  });
});
