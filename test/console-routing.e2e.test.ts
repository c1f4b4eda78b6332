/**
 * The console's routing pages on the production profile (real NATS + PostgreSQL): 派单建议 in
 * 待分拨 and on the case, 派单学习, 规则试运行 and 派单目录. No browser: the served page must
 * carry the new views, and the page's own logic (logic.js, as served) is run against the hub's
 * real answers to the calls the pages make — a vague order waits in triage with proposals, taking
 * one (unit AND catalogue item, as the "派至此单位" button posts it) dispatches the case and
 * becomes a suggestion, and the dry-run of a changed rules file answers a report.
 */
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { startProductionHub, type TestHub, http, waitFor, KEYS, workOrder, postWorkOrder } from "./harness";

jest.setTimeout(120_000);

let hub: TestHub;

beforeAll(async () => {
  // units never sign and 12345 never calls back: the cases stay where routing (or the agent) put them
  hub = await startProductionHub({ LOG_LEVEL: "error", SIM_UNIT_ACCEPT_MS: "600000", SIM_CALLBACK_DELAY_MS: "600000", SIM_ORDERS_PER_MINUTE: "0", ROUTING_LEARN_MS: "500" });
});

afterAll(async () => {
  await hub?.stop();
});

const CONSOLE_DIR = path.resolve(__dirname, "..", "console");
const served = async (f: string) => {
  const r = await fetch(`${hub.url}/console/${f}`);
  expect(r.status).toBe(200);
  return r.text();
};

type Row = { rank: number; unitId: string; unitName: string; categoryCode: string | null; path: string; percent: string; reason: string };
type Logic = {
  proposalRows(routing: unknown, which?: string): Row[];
  proposalAssignBody(p: Row): { unitId: string; categoryCode?: string };
  suggestionGroups(answer: unknown): { heading: string; code: string; suggestions: { id: string; kindLabel: string; summary: string; caseIds: string[]; file: string; figures: string }[] }[];
  downloadName(file: string): string;
  exampleKindLabel(kind: string): string;
  viaLabel(via: string): string;
  periodOf(from: string, to: string): { query?: { from?: string; to?: string }; error?: string };
  candidateFiles(rows: { name: string; text: string }[]): { files: Record<string, unknown>; errors: string[] };
  reportView(report: unknown): {
    total: number;
    headline: string;
    counts: { key: string; value: number }[];
    byUnit: { unitId: string; gains: string }[];
    changes: { id: string; kindLabel: string; before: string; after: string }[];
  };
  catalogueView(
    answer: unknown,
    q: string,
    names?: Record<string, string>,
  ): { groups: { cityCode: string; items: { code: string; basis: string; keywords: string[]; owners: { text: string }[] }[] }[]; shown: number; total: number };
  errorCodeText(code: string): string;
  routeFor(hash: string, role: string, roleLabel?: string): { view: string; redirect?: string; notice?: string };
};

/** logic.js as the browser runs it: the served file, evaluated as a plain script. */
async function servedLogic(): Promise<Logic> {
  const win: Record<string, unknown> = {};
  win.window = win;
  vm.runInNewContext(await served("logic.js"), win);
  expect(win.TongguanLogic).toBeDefined();
  return win.TongguanLogic as Logic;
}

/** The endpoints of app.js's API table by name: { assign: "POST /api/v1/triage/{id}/assign", … }. */
async function apiTable(): Promise<Record<string, string>> {
  const js = await served("app.js");
  return Object.fromEntries([...js.matchAll(/^\s+(\w+): "((?:GET|POST) \/api\/v1\/[^"]+)",$/gm)].map((m) => [m[1], m[2]]));
}

/** The URL of an endpoint of the table, its {params} filled. */
const url = (endpoint: string, params: Record<string, string> = {}, query = "") => `${hub.url}${endpoint.split(" ")[1].replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k]))}${query}`;

const order = workOrder;
const post = (body: unknown) => postWorkOrder(hub, body);
const routed = (id: string) =>
  waitFor(`case ${id} routed`, async () => {
    const c = (await http(`${hub.url}/api/v1/cases/${id}`, { key: KEYS.agent })).body;
    return c && c.status !== "RECEIVED" && c;
  });

describe("the served console has the routing pages", () => {
  it("index.html links the new views and tabs, app.js renders them, and every endpoint they call is in the OpenAPI document", async () => {
    const html = await served("index.html");
    expect(html).toBe(fs.readFileSync(path.join(CONSOLE_DIR, "index.html"), "utf8"));
    for (const id of [
      "view-catalogue",
      "view-learning",
      "view-dryrun",
      "catalogue-q",
      "learning-suggestions",
      "learning-examples",
      "learning-unmapped",
      "dryrun-form",
      "dryrun-from",
      "dryrun-to",
      "dryrun-files",
      "dryrun-add",
    ])
      expect({ id, found: html.includes(`id="${id}"`) }).toEqual({ id, found: true });
    for (const tab of ["#/catalogue", "#/learning", "#/dry-run"]) expect(html).toContain(`href="${tab}"`);
    for (const text of ["派单目录", "派单学习", "规则试运行", "学习样例", "未映射分类", "修改建议", "不修改任何案件"]) expect(html).toContain(text);

    const js = await served("app.js");
    for (const text of ["派至此单位", "其他可选单位", "试运行", "下载修改后的文件", "viewCatalogue", "viewLearning", "viewDryRun", "proposalAssignBody", "candidateFiles", "reportView"])
      expect({ text, found: js.includes(text) }).toEqual({ text, found: true });

    const api = await apiTable();
    expect(api).toMatchObject({
      catalogue: "GET /api/v1/routing/catalogue",
      unmapped: "GET /api/v1/routing/unmapped",
      examples: "GET /api/v1/routing/examples",
      suggestions: "GET /api/v1/routing/suggestions",
      suggestionFile: "GET /api/v1/routing/suggestions/{id}/file",
      suggestionDryRun: "POST /api/v1/routing/suggestions/{id}/dry-run",
      dryRun: "POST /api/v1/routing/dry-run",
      assign: "POST /api/v1/triage/{id}/assign",
    });
    const doc = (await http(`${hub.url}/api/openapi.json`)).body as { paths: Record<string, Record<string, unknown>> };
    const missing = Object.values(api).filter((e) => !doc.paths[e.split(" ")[1]]?.[e.split(" ")[0].toLowerCase()]);
    expect(missing).toEqual([]);

    const L = await servedLogic();
    expect(L.routeFor("#/catalogue", "agent")).toEqual({ view: "catalogue" });
    expect(L.routeFor("#/learning", "engineer")).toEqual({ view: "learning" });
    expect(L.routeFor("#/dry-run", "agent").view).toBe("cases");
  });
});

describe("派单建议 → 派单学习 → 规则试运行 on a live hub", () => {
  let caseId = "";
  let taken: Row;

  it("待分拨: a vague order waits with proposals the page shows as rows (rank, unit, path, percentage, reason)", async () => {
    const L = await servedLogic();
    const api = await apiTable();
    caseId = await post(
      order({
        category: ["其他", "其他诉求"],
        title: "",
        content: "来电人反映楼下晚上经常很吵，影响休息。",
        address: "常州市天宁区局前街",
        region: { city: "常州市", district: "天宁区", street: "天宁街道" },
      }),
    );
    const c = await routed(caseId);
    expect(c.status).toBe("TRIAGE");

    // what the 待分拨 page loads
    const triage = await http(url(api.triage), { key: KEYS.agent });
    expect(triage.status).toBe(200);
    const inQueue = triage.body.items.find((x: { id: string }) => x.id === caseId);
    expect(inQueue).toBeDefined();
    const rows = L.proposalRows(inQueue.routing, "proposals");
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(3);
    rows.forEach((r, i) => {
      expect(r.rank).toBe(i + 1);
      expect(r.unitName).toMatch(/[\u4e00-\u9fa5]/);
      expect(r.path).toMatch(/[\u4e00-\u9fa5]/);
      expect(r.percent).toMatch(/^(?:<1|\d{1,3})%$/);
      expect(r.categoryCode).toMatch(/^([0-9]{2}){1,4}$/);
      expect(r.reason).toMatch(/[\u4e00-\u9fa5]/);
    });
    // the case detail shows the same proposals
    expect(L.proposalRows((await http(url(api.caseGet, { id: caseId }), { key: KEYS.agent })).body.routing, "proposals")).toEqual(rows);
    taken = rows[rows.length > 1 ? 1 : 0];
  });

  it("派至此单位: the body the button posts (unit AND catalogue item) dispatches the case to that unit", async () => {
    const L = await servedLogic();
    const api = await apiTable();
    const body = L.proposalAssignBody(taken);
    expect(body).toEqual({ unitId: taken.unitId, categoryCode: taken.categoryCode });
    const r = await http(url(api.assign, { id: caseId }), { key: KEYS.agent, body });
    expect(r.status).toBe(200);
    const c = (await http(url(api.caseGet, { id: caseId }), { key: KEYS.agent })).body;
    expect(c.status).toBe("DISPATCHED");
    expect(c.owner.unitId).toBe(taken.unitId);
    // a second click (the queue not yet refreshed) is refused with a Chinese message the page shows
    const again = await http(url(api.assign, { id: caseId }), { key: KEYS.agent, body });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    // a dispatched case's other units, when the hub gives them, are rows the page can show
    for (const a of L.proposalRows(c.routing, "alternatives")) expect(a.unitName).toMatch(/[\u4e00-\u9fa5]/);
  });

  it("派单学习: an assignment is a 学习样例, a manual one the rules miss turns into a suggestion; its file downloads and its dry-run answers a report", async () => {
    const L = await servedLogic();
    const api = await apiTable();
    // agents may not open the engineer's pages' data
    expect((await http(url(api.suggestions), { key: KEYS.agent })).status).toBe(403);

    const example = await waitFor("the assignment is a labelled example", async () => {
      const xs = (await http(url(api.examples, {}, "?limit=100"), { key: KEYS.engineer })).body.items as { caseId: string; kind: string; unitId: string; categoryCode: string }[];
      return xs.find((x) => x.caseId === caseId);
    });
    expect(example).toMatchObject({ kind: "assigned", unitId: taken.unitId, categoryCode: taken.categoryCode });
    expect(L.exampleKindLabel(example.kind)).toBe("人工派单");

    // 人工派单 (any unit) of a second vague order to a department its rules would not choose: an
    // example the hub cannot route today, so it proposes a change
    const second = await post(
      order({
        category: ["其他", "其他诉求"],
        title: "",
        content: "来电人反映家门口的事情一直没人管，希望有关部门过来看看。",
        address: "常州市天宁区局前街",
        region: { city: "常州市", district: "天宁区", street: "天宁街道" },
      }),
    );
    const triaged = await routed(second);
    expect(triaged.status).toBe("TRIAGE");
    const proposed = new Set(L.proposalRows(triaged.routing, "proposals").map((p) => p.unitId));
    const units = (await http(url(api.units), { key: KEYS.agent })).body.items as { unitId: string; kind: string; cityCode: string }[];
    const other = units.find((u) => u.cityCode === "3204" && u.kind !== "street" && !proposed.has(u.unitId) && u.unitId !== taken.unitId)!;
    expect(other).toBeDefined();
    expect((await http(url(api.assign, { id: second }), { key: KEYS.agent, body: { unitId: other.unitId, categoryCode: taken.categoryCode } })).status).toBe(200);

    const answer = await waitFor(
      "a suggestion from the assignments",
      async () => {
        const r = await http(url(api.suggestions), { key: KEYS.engineer });
        return r.status === 200 && r.body.items.length > 0 && r.body;
      },
      30_000,
      500,
    );
    const groups = L.suggestionGroups(answer);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      expect(g.heading).toMatch(/[\u4e00-\u9fa5]/);
      for (const s of g.suggestions) {
        expect(s.kindLabel).toMatch(/[\u4e00-\u9fa5]/);
        expect(s.summary).toMatch(/[\u4e00-\u9fa5]/);
        expect(s.figures).toMatch(/^\d+ 件样例 · 现规则派对 \d+ 件 → 修改后 \d+ 件$/);
      }
    }
    const mine = groups.flatMap((g) => g.suggestions).find((s) => s.caseIds.includes(second) || s.caseIds.includes(caseId));
    expect(mine).toBeDefined();

    // 下载修改后的文件
    const file = await http(url(api.suggestionFile, { id: mine!.id }), { key: KEYS.engineer });
    expect(file.status).toBe(200);
    expect(file.body.file).toBe(mine!.file);
    expect(file.body.file).toMatch(/^cities\/[a-z0-9_-]+\/.+\.json$/);
    expect(L.downloadName(file.body.file)).toBe(path.basename(file.body.file));
    expect(typeof file.body.content).toBe("object");

    // 试运行
    const run = await http(url(api.suggestionDryRun, { id: mine!.id }), { key: KEYS.engineer, body: {} });
    expect(run.status).toBe(200);
    const v = L.reportView(run.body.report);
    expect(v.total).toBeGreaterThanOrEqual(1);
    expect(v.headline).toMatch(/^共重放 \d+ 件案件/);
    expect(v.counts.map((c) => c.key)).toEqual(["changedOwner", "toTriage", "fromTriage", "unchanged", "decidedByPerson", "personAgreed"]);

    // 未映射分类: the vague 其他 path is listed with its count and why
    const un = await http(url(api.unmapped, {}, "?system=hotline12345"), { key: KEYS.engineer });
    expect(un.status).toBe(200);
    const vague = (un.body.items as { path: string[]; count: number; via: string }[]).find((i) => i.path.join("/") === "其他/其他诉求");
    expect(vague).toBeDefined();
    expect(vague!.count).toBeGreaterThanOrEqual(1);
    expect(L.viaLabel(vague!.via)).toMatch(/[\u4e00-\u9fa5]/);
  });

  it("规则试运行: the files the page builds from a changed rules file answer a report naming the moved case; a bad file is 422 in Chinese", async () => {
    const L = await servedLogic();
    const api = await apiTable();
    const id = await post(
      order({
        category: ["城乡建设", "市容管理", "占道经营"],
        title: "早餐摊占道",
        content: "每天早上南大街人行道上有流动摊点占道经营。",
        region: { city: "常州市", district: "钟楼区", street: "南大街街道" },
        address: "常州市钟楼区南大街",
      }),
    );
    const c = await routed(id);
    expect(c.status).toBe("DISPATCHED");
    const rules = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "cities", "changzhou", "rules.json"), "utf8")) as { rules: { id: string }[] };
    const changed = structuredClone(rules) as { rules: { id: string; principle: string; owners: unknown[] }[] };
    const rule = changed.rules.find((x) => x.id === c.routing.ruleId);
    expect(rule).toBeDefined();
    const target = c.owner.unitId === "CZ-CGJ" ? "CZ-ZL-CGJ" : "CZ-CGJ";
    // a department owns it now, not the street office first (a 属地 rule must start with the street)
    Object.assign(rule!, { principle: "条线", owners: [{ unit: target }] });

    // what the page sends: the period from its date inputs, the files from its rows
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const period = L.periodOf(today, today);
    expect(period.error).toBeUndefined();
    const cand = L.candidateFiles([
      { name: "changzhou/rules.json", text: JSON.stringify(changed, null, 2) },
      { name: "", text: "" },
    ]);
    expect(cand.errors).toEqual([]);
    const r = await http(url(api.dryRun), { key: KEYS.engineer, body: { ...period.query, files: cand.files } });
    expect(r.status).toBe(200);
    const v = L.reportView(r.body);
    expect(v.total).toBeGreaterThanOrEqual(1);
    const moved = v.changes.find((x) => x.id === id);
    expect(moved).toMatchObject({ kindLabel: "换承办单位" });
    expect(moved!.after).toContain(`规则 ${rule!.id}`);
    expect(v.byUnit.find((u) => u.unitId === target)?.gains).toMatch(/^\+[1-9]/);
    // nothing was written
    expect((await http(url(api.caseGet, { id }), { key: KEYS.agent })).body.owner.unitId).toBe(c.owner.unitId);

    const bad = await http(url(api.dryRun), { key: KEYS.engineer, body: { files: { "changzhou/rules.json": { rules: [{ id: "X" }] } } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(L.errorCodeText(bad.body.error.code)).toMatch(/[\u4e00-\u9fa5]/);
  });
});

describe("派单目录 for agents and engineers", () => {
  it("answers both roles with every item's basis, keywords and owner chain; the filter box narrows it", async () => {
    const L = await servedLogic();
    const api = await apiTable();
    for (const key of [KEYS.agent, KEYS.engineer]) expect((await http(url(api.catalogue), { key })).status).toBe(200);
    const all = (await http(url(api.catalogue), { key: KEYS.agent })).body;
    const v = L.catalogueView(all, "");
    expect(v.total).toBe(all.items.length);
    expect(v.groups.length).toBeGreaterThanOrEqual(1);
    const dispatchable = all.items.filter((i: { dispatchable: boolean }) => i.dispatchable);
    expect(dispatchable.length).toBeGreaterThan(0);
    for (const i of dispatchable) expect({ code: i.code, basis: i.basis !== null }).toEqual({ code: i.code, basis: true }); // every item says what it rests on
    const withOwners = v.groups.flatMap((g) => g.items).find((i) => i.owners.length && i.keywords.length);
    expect(withOwners).toBeDefined();
    expect(withOwners!.basis).toMatch(/[\u4e00-\u9fa5]/);
    expect(withOwners!.owners[0].text).toMatch(/[\u4e00-\u9fa5]/);
    // the filter box: a keyword finds its item
    const found = L.catalogueView(all, withOwners!.keywords[0]);
    expect(found.groups.flatMap((g) => g.items).map((i) => i.code)).toContain(withOwners!.code);
    expect(found.shown).toBeLessThan(v.total);
    // one city
    const cityCode = all.items[0].cityCode as string;
    const one = (await http(url(api.catalogue, {}, `?city=${cityCode}`), { key: KEYS.agent })).body;
    expect(one.items.every((i: { cityCode: string }) => i.cityCode === cityCode)).toBe(true);
  });
});
