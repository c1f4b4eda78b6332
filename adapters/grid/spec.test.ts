import { fakeHub } from "../../kit/conformance";
import { HubError } from "../../kit/errors";
import { sampleEvents } from "./simulator";
import { grid, GRID_ROLE } from "./spec";

// Generic checks (contracts, examples, builders, every route through a fake hub, the simulator)
// are in adapters/conformance.test.ts; here only what is particular to the grid system.

const route = (kind: string) => grid.routes.find((r) => r.kind === kind)!;

async function refusedWith(p: Promise<unknown>): Promise<HubError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HubError);
    return e as HubError;
  }
  throw new Error("expected a HubError");
}

describe("grid spec", () => {
  it("declares itself: a source and a handler, its routes and commands, one caller role", () => {
    expect(grid.system).toBe("grid");
    expect(grid.basePath).toBe("/v1/grid");
    expect(grid.roles).toEqual(["source", "handler"]);
    expect(grid.routes.map((r) => `${r.method} ${r.path} ${r.kind}`)).toEqual([
      "POST /events event",
      "POST /verifications/:verificationId/result verification-result",
      "POST /units/:unitId/tasks/:taskId/accept task-accept",
      "POST /units/:unitId/tasks/:taskId/feedback task-feedback",
      "POST /units/:unitId/tasks/:taskId/refuse task-refuse",
    ]);
    expect(Object.keys(grid.commands).sort()).toEqual(["overdue", "recall", "task", "urge", "verification"]);
    expect(grid.callers.map((c) => c.role)).toEqual([GRID_ROLE]);
    expect(grid.origin).toEqual({ label: "数字城管", noun: "上报", assessment: "district" }); // its cases count for 区考评
  });

  it("event: opens a case with the checked draft (202), a duplicate answers 200", async () => {
    const [ev] = sampleEvents(new Date("2026-12-01T02:00:00Z"));
    const hub = fakeHub(() => ({ caseId: "TG1", duplicate: false }));
    await expect(route("event").handle(ev, {}, hub)).resolves.toEqual({ status: 202, body: { caseId: "TG1" }, caseId: "TG1" });
    expect(hub.calls.map((c) => c.action)).toEqual(["cases.open"]);
    expect(hub.calls[0].params.draft).toMatchObject({
      origin: { system: "grid", externalId: ev.eventId },
      category: { path: ["部件", "公用设施", "上水井盖"] },
      cityManagement: { objectCode: ev.objectCode },
    });
    const dup = fakeHub(() => ({ caseId: "TG1", duplicate: true }));
    await expect(route("event").handle(ev, {}, dup)).resolves.toEqual({ status: 200, body: { caseId: "TG1", duplicate: true }, caseId: "TG1" });
  });

  it("event: an unknown code is a 422 naming the segment and the value, and the hub is not called", async () => {
    const [ev] = sampleEvents();
    const hub = fakeHub();
    const e = await refusedWith(route("event").handle({ ...ev, gridCode: "32040499900301" }, {}, hub));
    expect(e.code).toBe(422);
    expect(e.type).toBe("GRID_CODE_INVALID");
    expect((e.data as { message: string }).message).toBe("网格编码 32040499900301 的街道段 999 不属于钟楼区");
    expect((e.data as { errors: unknown[] }).errors).toEqual([
      { pointer: "/gridCode", message: "网格编码 32040499900301 的街道段 999 不属于钟楼区", messageEn: "the street segment 999 of grid code 32040499900301 is not a street of 钟楼区 (320404)" },
    ]);
    expect(hub.calls).toEqual([]);
  });

  it("event: without any location (no grid code, coordinates or address) it is a 422", async () => {
    const { gridCode: _g, address: _a, lng: _x, lat: _y, objectCode: _o, ...bare } = sampleEvents()[1];
    const e = await refusedWith(route("event").handle(bare, {}, fakeHub()));
    expect(e.code).toBe(422);
    expect((e.data as { errors: { pointer: string }[] }).errors[0].pointer).toBe("/gridCode");
  });

  it("every sample event is accepted: 即时处理 and coordinates-only included", async () => {
    const events = sampleEvents();
    expect(events.some((e) => e.fixedOnSite)).toBe(true);
    expect(events.some((e) => e.lng !== undefined && !e.gridCode && !e.address)).toBe(true);
    for (const ev of events) {
      const hub = fakeHub(() => ({ caseId: "TG1", duplicate: false }));
      await expect(route("event").handle(ev, {}, hub)).resolves.toMatchObject({ status: 202 });
    }
  });

  it("verification result → cases.verification; task steps → cases.unitAccept / cases.unitResult", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", status: "ARCHIVED" }));
    await expect(route("verification-result").handle({ passed: false, note: "未整改", inspectorId: "JD1", checkedAt: "2026-12-01T15:00:00+08:00" }, { verificationId: "VF1" }, hub)).resolves.toEqual({
      status: 200,
      body: { caseId: "TG1", status: "ARCHIVED" },
      caseId: "TG1",
    });
    expect(hub.calls[0]).toEqual({
      action: "cases.verification",
      params: { system: "grid", verificationId: "VF1", passed: false, note: "未整改", inspectorId: "JD1", at: "2026-12-01T15:00:00+08:00" },
    });
    await route("task-accept").handle({ handler: "李强" }, { unitId: "CZ-ZL-NDJ-JD", taskId: "TK1" }, hub);
    expect(hub.calls[1]).toMatchObject({ action: "cases.unitAccept", params: { unitId: "CZ-ZL-NDJ-JD", taskId: "TK1", handler: "李强" } });
    await route("task-feedback").handle({ outcome: 0, text: "已处置" }, { unitId: "CZ-ZL-NDJ-JD", taskId: "TK1" }, hub);
    expect(hub.calls[2]).toMatchObject({ action: "cases.unitResult", params: { unitId: "CZ-ZL-NDJ-JD", taskId: "TK1", outcome: 0, text: "已处置" } });
  });

  it("its settings: one URL, a per-unit URL pattern, a key and a simulator port", () => {
    expect(grid.settings.map((s) => `${s.purpose} ${s.env}`)).toEqual(["url EXT_GRID_URL", "targetUrl EXT_GRID_UNIT_<ID>_URL", "apiKey EXT_GRID_API_KEY", "simPort SIM_GRID_PORT"]);
  });
});
