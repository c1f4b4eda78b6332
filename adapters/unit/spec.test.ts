import { fakeHub } from "../../kit/conformance";
import { unit } from "./spec";

// Generic checks (contracts exist, examples validate, built bodies match the unit contracts,
// every route through a fake hub) are in adapters/conformance.test.ts.

const route = (kind: string) => unit.routes.find((r) => r.kind === kind)!;
const params = { unitId: "CZ-ZL-CGJ", taskId: "TK-1" };

describe("unit spec", () => {
  it("declares the system, mount point, routes and outbound kinds", () => {
    expect(unit.system).toBe("unit");
    expect(unit.basePath).toBe("/v1/units");
    expect(unit.routes.map((r) => `${r.method} ${r.path} ${r.kind}`)).toEqual([
      "POST /:unitId/tasks/:taskId/accept accept",
      "POST /:unitId/tasks/:taskId/result result",
      "POST /:unitId/tasks/:taskId/extension extension",
      "POST /:unitId/tasks/:taskId/refuse refuse",
    ]);
    expect(Object.keys(unit.commands)).toEqual(["task", "urge", "recall", "notice"]);
    expect(unit.perTarget).toBe(true);
    expect(unit.defaultHandler).toBe(true);
  });

  it("authorize: the unit's own key and the all-units key, not another unit's", () => {
    const a = unit.authorize!;
    expect(a("unit.CZ-ZL-CGJ", params)).toBe(true);
    expect(a("units", params)).toBe(true);
    expect(a("unit.CZ-WJ-ZJJ", params)).toBe(false);
    expect(a("hotline12345", params)).toBe(false);
    expect(a("unit.", { taskId: "TK-1" })).toBe(false);
    expect(a("unit.undefined", { taskId: "TK-1" })).toBe(false);
  });

  it("accept → cases.unitAccept, 200 with the hub's answer and the caseId", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", status: "IN_PROGRESS" }));
    const calls = hub.calls;
    const before = Date.now();
    const out = await route("accept").handle({ handler: "张伟" }, params, hub);
    expect(out).toEqual({ status: 200, body: { caseId: "TG1", status: "IN_PROGRESS" }, caseId: "TG1" });
    expect(calls).toHaveLength(1);
    expect(calls[0].action).toBe("cases.unitAccept");
    expect(calls[0].params).toMatchObject({ ...params, handler: "张伟" });
    expect(Date.parse(calls[0].params.at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("result, extension and refuse call their actions", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", status: "REPLIED" }));
    const calls = hub.calls;
    await route("result").handle({ outcome: 1, text: "未解决", finishedAt: "2024-06-12T08:00:00Z" }, params, hub);
    await route("extension").handle({ until: "2024-07-01T09:00:00Z", reason: "需协调" }, params, hub);
    await route("refuse").handle({ reason: "非本单位职责", legalBasis: "三定方案" }, params, hub);
    expect(calls).toEqual([
      { action: "cases.unitResult", params: { ...params, outcome: 1, text: "未解决", at: "2024-06-12T08:00:00Z" } },
      { action: "cases.unitExtension", params: { ...params, until: "2024-07-01T09:00:00Z", reason: "需协调" } },
      { action: "cases.unitRefuse", params: { ...params, reason: "非本单位职责", legalBasis: "三定方案" } },
    ]);
  });

  it("lets the hub's errors propagate", async () => {
    const err = Object.assign(new Error("非法状态"), { code: 409 });
    const hub = fakeHub(() => {
      throw err;
    });
    await expect(route("accept").handle({}, params, hub)).rejects.toBe(err);
  });

  it("outbound kinds build from the outbox payload and target", () => {
    const req = unit.commands.recall!.build({ taskId: "T 1", caseId: "TG1", reason: "改派", recalledAt: "2024-06-11T10:00:00Z" }, "U1");
    expect(req.path).toBe("/units/U1/tasks/T%201/recall");
  });
});
