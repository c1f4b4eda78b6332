/**
 * Issue 6, done when: on real NATS + PostgreSQL, an order whose category the catalogue has never
 * seen is routed by its text with the deciding words in the reason; a vague 其他 order the text
 * cannot settle waits in triage with three proposals, one click each; the agent's choice becomes a
 * labelled example and a suggestion; the dry-run shows, on stored cases, the effect of a changed rule.
 */
import { startProductionHub, type TestHub, http, waitFor, KEYS, workOrder, postWorkOrder } from "./harness";

jest.setTimeout(90_000);

let hub: TestHub;
beforeAll(async () => {
  hub = await startProductionHub({ LOG_LEVEL: "error", SIM_CALLBACK_DELAY_MS: "600000", ROUTING_LEARN_MS: "500" });
});
afterAll(async () => hub?.stop());

const order = workOrder;
const post = async (body: unknown) => (await http(`${hub.url}/api/v1/cases/${await postWorkOrder(hub, body)}`, { key: KEYS.agent })).body;

describe("text-aware dispatch and learning from agents", () => {
  it("routes an order whose category path the catalogue has never seen by its text, naming the words", async () => {
    const c = await post(
      order({
        category: ["某新平台", "从未见过的分类"],
        title: "楼下饭店油烟直排",
        content: "来电人反映小区楼下新开的饭店厨房油烟没有净化直接排放，油烟味熏到楼上住户家里，窗户都不敢开。",
        address: "常州市钟楼区南大街",
        region: { city: "常州市", district: "钟楼区", street: "南大街街道", community: "" },
      }),
    );
    expect(c.status).toBe("DISPATCHED");
    expect(c.routing.reason).toMatch(/按诉求内容中的「[^」]+」.*判定为「[^」]+」（置信度 [01]\.\d\d）/);
    expect(c.routing.reason).toContain("油烟");
  });

  let triaged: { id: string; status: string; routing: { reason: string; proposals: { unitId: string; categoryCode: string; reason: string }[] } };
  it("sends a vague 其他 order the text cannot settle to triage with three proposals", async () => {
    triaged = await post(
      order({
        category: ["其他", "其他诉求"],
        title: "",
        content: "来电人反映楼下晚上经常很吵，影响休息。",
        address: "常州市天宁区局前街",
        region: { city: "常州市", district: "天宁区", street: "天宁街道" },
      }),
    );
    expect(triaged.status).toBe("TRIAGE");
    expect(triaged.routing.proposals).toHaveLength(3);
    expect(new Set(triaged.routing.proposals.map((p) => p.unitId)).size).toBe(3);
    for (const p of triaged.routing.proposals) expect(p.reason).toContain("置信度");
    expect(triaged.routing.reason).toContain("转人工分拨");
  });

  it("takes a proposal in one click, keeps it as a labelled example and turns it into a suggestion", async () => {
    const p = triaged.routing.proposals[1];
    const r = await http(`${hub.url}/api/v1/triage/${triaged.id}/assign`, { key: KEYS.agent, body: { unitId: p.unitId, categoryCode: p.categoryCode } });
    expect(r.status).toBe(200);
    const c = (await http(`${hub.url}/api/v1/cases/${triaged.id}`, { key: KEYS.agent })).body;
    expect(c.status).toBe("DISPATCHED");
    expect(c.owner.unitId).toBe(p.unitId);
    expect(c.timeline.find((e: { type: string }) => e.type === "ASSIGNED").summary).toContain("采纳派单建议 2");

    const example = await waitFor("the assignment is a labelled example", async () => {
      const xs = (await http(`${hub.url}/api/v1/routing/examples`, { key: KEYS.engineer })).body.items as { caseId: string; unitId: string; categoryCode: string; labelSource: string }[];
      return xs.find((x) => x.caseId === triaged.id);
    });
    expect(example).toMatchObject({ unitId: p.unitId, categoryCode: p.categoryCode, labelSource: "proposal" });

    const s = (await http(`${hub.url}/api/v1/routing/suggestions`, { key: KEYS.engineer })).body;
    const mine = (s.items as { code: string; suggestions: { id: string; caseIds: string[]; file: string; routedWith: number }[] }[])
      .flatMap((i) => i.suggestions)
      .filter((x) => x.caseIds.includes(triaged.id));
    expect(mine.length).toBeGreaterThan(0);
    const file = (await http(`${hub.url}/api/v1/routing/suggestions/${mine[0].id}/file`, { key: KEYS.engineer })).body;
    expect(file.file).toBe(mine[0].file);
    const run = (await http(`${hub.url}/api/v1/routing/suggestions/${mine[0].id}/dry-run`, { key: KEYS.engineer, body: {} })).body;
    expect(run.report.total).toBeGreaterThanOrEqual(2);
    // the case a person decided is listed apart, and the candidate now agrees with the person
    expect(run.report.decidedByPerson.find((d: { id: string }) => d.id === triaged.id)).toMatchObject({ agrees: true });
  });

  it("dry-runs a changed rule over the stored cases without writing anything", async () => {
    const c = await post(
      order({
        category: ["城乡建设", "市容管理", "占道经营"],
        title: "早餐摊占道",
        content: "每天早上南大街人行道上有流动摊点占道经营。",
        region: { city: "常州市", district: "钟楼区", street: "南大街街道" },
        address: "常州市钟楼区南大街",
      }),
    );
    expect(c.status).toBe("DISPATCHED");
    const rules = (await import("../cities/changzhou/rules.json")).default as { rules: { id: string; match: { categoryPrefixes?: string[][]; districtCodes?: string[] }; owners: unknown[] }[] };
    const changed = structuredClone(rules);
    const rule = changed.rules.find((x) => !x.match.districtCodes && x.match.categoryPrefixes?.some((p) => p.join("/") === "城乡建设/市容管理/占道经营"))!;
    Object.assign(rule, { principle: "条线", owners: [{ unit: "CZ-CGJ" }] });
    const r = await http(`${hub.url}/api/v1/routing/dry-run`, { key: KEYS.engineer, body: { files: { "changzhou/rules.json": changed } } });
    expect(r.status).toBe(200);
    const change = r.body.changes.find((x: { id: string }) => x.id === c.id);
    expect(change).toMatchObject({ kind: "owner", before: { ownerUnitId: c.owner.unitId }, after: { ownerUnitId: "CZ-CGJ", ruleId: rule.id } });
    expect(r.body.byUnit.find((u: { unitId: string }) => u.unitId === "CZ-CGJ").gains).toBeGreaterThanOrEqual(1);
    // nothing was written: the case keeps its owner
    expect((await http(`${hub.url}/api/v1/cases/${c.id}`, { key: KEYS.agent })).body.owner.unitId).toBe(c.owner.unitId);

    const bad = await http(`${hub.url}/api/v1/routing/dry-run`, { key: KEYS.engineer, body: { files: { "changzhou/rules.json": { rules: [{ id: "X" }] } } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain("候选文件校验失败");
  });

  it("lists the category paths seen in the store that reach no dispatchable item, with counts", async () => {
    const r = await http(`${hub.url}/api/v1/routing/unmapped?system=hotline12345`, { key: KEYS.engineer });
    expect(r.status).toBe(200);
    const seen = (r.body.items as { path: string[]; count: number; via: string }[]).find((i) => i.path.join("/") === "某新平台/从未见过的分类");
    expect(seen).toMatchObject({ count: 1, via: "none" });
    expect((r.body.items as { path: string[] }[]).some((i) => i.path.join("/") === "城乡建设/市容管理/占道经营")).toBe(false);
  });
});
