import type { UnitTask } from "../../contracts/types";
import { validate } from "../../contracts";
import { replyText, UnitSimulator } from "./simulator";
import { startFakeHub as fakeHub, until } from "../../kit/fake-hub.testkit";

/** A stand-in for the hub's gateway: records every call, answers {caseId, status}. */
const startFakeHub = () =>
  fakeHub((path, body) => {
    if (!path.startsWith("/api/v1/units/")) return { status: 404, body: { error: { code: "NOT_FOUND" } } };
    const kind = path.split("/").pop()!;
    const v = validate(`tongguan:unit/${kind}`, body);
    return { status: v.ok ? 200 : 400, body: v.ok ? { caseId: "TG1", status: kind === "result" ? "REPLIED" : "IN_PROGRESS" } : { errors: v.errors } };
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function makeTask(over: Partial<UnitTask> = {}): UnitTask {
  return {
    taskId: "TK-1",
    caseId: "TG1",
    role: "owner",
    rework: 0,
    title: "南大街商业街早餐摊占用人行道",
    content: "人行道上有早餐流动摊点占道经营。",
    appealType: "投诉",
    category: { path: ["城乡建设", "市容管理", "占道经营"], code: null },
    location: { address: "常州市钟楼区南大街" },
    urgency: "一般",
    signDeadline: null,
    handleDeadline: "2024-06-25T09:30:00.000Z",
    reporter: { confidential: false, name: "王**", phone: "139****2716" },
    sentAt: "2024-06-11T08:47:33+08:00",
    ...over,
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

describe("UnitSimulator", () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let sim: UnitSimulator;
  const lines: string[] = [];

  beforeEach(async () => {
    hub = await startFakeHub();
    lines.length = 0;
  });
  afterEach(async () => {
    await sim?.stop();
    await hub.close();
  });

  async function start(opts: ConstructorParameters<typeof UnitSimulator>[0] = {}) {
    sim = new UnitSimulator({ acceptDelayMs: 10, workMs: 30, log: (l) => lines.push(l), ...opts });
    const url = await sim.start(0);
    sim.setHub(hub.url + "/", "key-units");
    return url;
  }

  it("refuses an invalid task with field errors", async () => {
    const url = await start();
    const { reporter: _r, ...noReporter } = makeTask();
    const r = await post(`${url}/units/U1/tasks`, { ...noReporter, urgency: "特急" });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    expect(r.body.error.errors.map((e: any) => e.pointer).sort()).toEqual(["/reporter", "/urgency"]);
    expect(sim.tasks()).toEqual([]);
  });

  it("signs, then reports a result to the hub with the units key", async () => {
    const url = await start();
    const r = await post(`${url}/units/CZ-ZL-CGJ/tasks`, makeTask());
    expect(r).toEqual({ status: 200, body: { taskId: "TK-1", status: "received" } });
    await until(() => sim.task("CZ-ZL-CGJ", "TK-1")?.status === "replied");
    expect(hub.calls.map((c) => c.path)).toEqual(["/api/v1/units/CZ-ZL-CGJ/tasks/TK-1/accept", "/api/v1/units/CZ-ZL-CGJ/tasks/TK-1/result"]);
    expect(hub.calls.every((c) => c.apiKey === "key-units")).toBe(true);
    expect(hub.calls[1].body.outcome).toBe(0);
    expect(hub.calls[1].body.text).toMatch(/执法队员/);
    const t = sim.tasks()[0];
    expect(t.hubCalls.map((c) => [c.kind, c.status])).toEqual([
      ["accept", 200],
      ["result", 200],
    ]);
    expect(lines.some((l) => l.includes("签收任务 TK-1"))).toBe(true);
  });

  it("a second delivery of the same round starts nothing new; a rework does", async () => {
    const url = await start();
    await post(`${url}/units/U1/tasks`, makeTask());
    const again = await post(`${url}/units/U1/tasks`, makeTask());
    expect(again.body).toMatchObject({ duplicate: true });
    await until(() => sim.task("U1", "TK-1")?.status === "replied");
    await sleep(60);
    expect(hub.calls).toHaveLength(2);
    await post(`${url}/units/U1/tasks`, makeTask({ rework: 1, note: "重办原因：回访不满意" }));
    await until(() => hub.calls.length === 4);
    expect(sim.task("U1", "TK-1")).toMatchObject({ rework: 1 });
  });

  it("asks for an extension when configured, with the chosen outcome", async () => {
    const url = await start({ behaviour: { U1: { extensionDays: 5, outcome: 2 } } });
    await post(`${url}/units/U1/tasks`, makeTask());
    await until(() => sim.task("U1", "TK-1")?.status === "replied");
    expect(hub.calls.map((c) => c.path.split("/").pop())).toEqual(["accept", "extension", "result"]);
    expect(hub.calls[1].body.until).toBe("2024-06-30T09:30:00.000Z");
    expect(hub.calls[2].body.outcome).toBe(2);
    expect(sim.task("U1", "TK-1")!.extensionRequested).toBe(true);
  });

  it("refuses when configured", async () => {
    const url = await start({ behaviour: { "*": { refuse: true } } });
    await post(`${url}/units/U2/tasks`, makeTask());
    await until(() => sim.task("U2", "TK-1")?.status === "refused");
    expect(hub.calls).toHaveLength(1);
    expect(hub.calls[0].path).toBe("/api/v1/units/U2/tasks/TK-1/refuse");
    expect(hub.calls[0].body.reason).toMatch(/不属于本单位职责/);
  });

  it("records co-unit tasks without answering, and silent units stay silent", async () => {
    const url = await start({ behaviour: { SILENT: { silent: true } } });
    await post(`${url}/units/CO/tasks`, makeTask({ role: "co" }));
    await post(`${url}/units/SILENT/tasks`, makeTask({ taskId: "TK-2" }));
    await sleep(100);
    expect(hub.calls).toEqual([]);
    expect(sim.tasks().map((t) => [t.unitId, t.role, t.status])).toEqual([
      ["CO", "co", "received"],
      ["SILENT", "owner", "received"],
    ]);
  });

  it("co-unit tasks are signed with acceptCoTasks, never replied", async () => {
    const url = await start({ acceptCoTasks: true });
    await post(`${url}/units/CO/tasks`, makeTask({ role: "co" }));
    await until(() => sim.task("CO", "TK-1")?.status === "accepted");
    await sleep(80);
    expect(hub.calls.map((c) => c.path)).toEqual(["/api/v1/units/CO/tasks/TK-1/accept"]);
  });

  it("records urges and a recall cancels the pending work", async () => {
    const url = await start({ acceptDelayMs: 10, workMs: 400 });
    await post(`${url}/units/U1/tasks`, makeTask());
    await until(() => sim.task("U1", "TK-1")?.status === "accepted");
    const u = await post(`${url}/units/U1/tasks/TK-1/urge`, { taskId: "TK-1", caseId: "TG1", level: "催办", text: "请尽快办理", urgedAt: "2024-06-12T01:00:00Z" });
    expect(u.status).toBe(200);
    const r = await post(`${url}/units/U1/tasks/TK-1/recall`, { taskId: "TK-1", caseId: "TG1", reason: "改派", recalledAt: "2024-06-12T02:00:00Z" });
    expect(r).toEqual({ status: 200, body: { taskId: "TK-1", status: "recalled" } });
    await sleep(500);
    expect(hub.calls.map((c) => c.path.split("/").pop())).toEqual(["accept"]);
    const t = sim.task("U1", "TK-1")!;
    expect(t.status).toBe("recalled");
    expect(t.urges).toHaveLength(1);
    expect(t.recall?.reason).toBe("改派");
    expect(lines.some((l) => l.includes("已被撤回"))).toBe(true);
  });

  it("answers 404 for an unknown task and 400 for a mismatched or invalid follow-up", async () => {
    const url = await start({ behaviour: { U1: { silent: true } } });
    const recall = { taskId: "NOPE", caseId: "TG1", reason: "改派", recalledAt: "2024-06-12T02:00:00Z" };
    expect((await post(`${url}/units/U1/tasks/NOPE/recall`, recall)).status).toBe(404);
    await post(`${url}/units/U1/tasks`, makeTask());
    expect((await post(`${url}/units/U1/tasks/TK-1/recall`, recall)).body.error.code).toBe("TASK_MISMATCH");
    const bad = await post(`${url}/units/U1/tasks/TK-1/urge`, { taskId: "TK-1", caseId: "TG1", level: "提醒", text: "x", urgedAt: "2024-06-12T01:00:00Z" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors[0].pointer).toBe("/level");
  });

  it("marks the task failed when the hub refuses the accept", async () => {
    const url = await start();
    sim.setHub(hub.url + "/broken", "key-units");
    await post(`${url}/units/U1/tasks`, makeTask());
    await until(() => sim.task("U1", "TK-1")?.status === "failed");
    expect(sim.task("U1", "TK-1")!.hubCalls).toHaveLength(1);
  });

  it("stop() clears pending timers", async () => {
    const url = await start({ acceptDelayMs: 50 });
    await post(`${url}/units/U1/tasks`, makeTask());
    await sim.stop();
    await sleep(120);
    expect(hub.calls).toEqual([]);
  });
});

describe("replyText", () => {
  const t = makeTask();
  it("depends on the category and the outcome, and validates as a result", () => {
    expect(replyText(t, 0)).toMatch(/^经核实，已安排执法队员到场处置/);
    expect(replyText({ ...t, category: { path: ["城乡建设", "排水防涝", "道路积水"], code: null } }, 0)).toMatch(/排水抢险/);
    expect(replyText({ ...t, reporter: { confidential: true } }, 0)).toMatch(/反馈12345平台/);
    expect(replyText(t, 1)).toMatch(/暂无法彻底解决/);
    expect(replyText(t, 3)).toMatch(/退单/);
    for (const o of [0, 1, 2, 3] as const) expect(validate("tongguan:unit/result", { outcome: o, text: replyText(t, o) }).ok).toBe(true);
  });
});
