import { validate } from "../../contracts";
import type { HandlerTask, Verification } from "../../contracts/types";
import { toDispatch, toVerificationRequest } from "./mapping";
import { FAIL_MARKER, GridSimulator, sampleEvents } from "./simulator";
import { startFakeHub as fakeHub, until } from "../../kit/fake-hub.testkit";

/** A stand-in for the hub's gateway: records every call, checks each against the grid contracts. */
const startFakeHub = () =>
  fakeHub((path, body) => {
    const schema = path.endsWith("/events")
      ? "tongguan:grid/event"
      : path.endsWith("/result")
        ? "tongguan:grid/verification-result"
        : path.endsWith("/accept")
          ? "tongguan:grid/task-accept"
          : "tongguan:grid/task-feedback";
    const v = validate(schema, body);
    return { status: v.ok ? (path.endsWith("/events") ? 202 : 200) : 422, body: v.ok ? { caseId: "TG1", status: "IN_PROGRESS" } : { errors: v.errors } };
  });

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));

const task: HandlerTask = {
  taskId: "TK-1",
  caseId: "TG1",
  role: "owner",
  rework: 0,
  title: "暴露垃圾：某处",
  content: "空地暴露垃圾",
  appealType: "举报",
  category: { path: ["事件", "市容环境", "暴露垃圾"], code: "010202" },
  location: { address: "某处" },
  urgency: "一般",
  signDeadline: null,
  handleDeadline: null,
  reporter: { confidential: false },
  sentAt: "2026-12-01T09:15:00+08:00",
};
const verification = (caseId: string, reply: string): Verification => ({
  verificationId: `VF-${caseId}-${reply.length}`,
  caseId,
  externalId: "GE1",
  title: "上水井盖",
  location: { address: "某处" },
  reply,
  dueAt: "2026-12-01T12:00:00+08:00",
  sentAt: "2026-12-01T09:00:00+08:00",
});

describe("GridSimulator", () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let sim: GridSimulator;
  const lines: string[] = [];

  beforeEach(async () => {
    hub = await startFakeHub();
    lines.length = 0;
    sim = new GridSimulator({ acceptDelayMs: 5, workMs: 5, verifyDelayMs: 5, log: (l) => lines.push(l) });
    await sim.start(0);
    sim.setHub(hub.url, "demo-grid-key");
  });
  afterEach(async () => {
    await sim.stop();
    await hub.close();
  });

  it("posts the sample events to the hub with its key, including 即时处理 and coordinates only", async () => {
    const answers = await sim.dispatchSamples();
    expect(answers.map((a) => a.status)).toEqual(sampleEvents().map(() => 202));
    expect(hub.calls.every((c) => c.path === "/api/v1/grid/events" && c.apiKey === "demo-grid-key")).toBe(true);
    expect(hub.calls.some((c) => c.body.fixedOnSite === true)).toBe(true);
    expect(lines.some((l) => l.includes("即时处理"))).toBe(true);
  });

  it("receives a dispatch, signs for it and reports the disposal through the grid routes", async () => {
    const req = toDispatch(task, "CZ-ZL-NDJ-JD");
    const res = await post(`${sim.url}${req.path}`, req.body);
    expect(res).toEqual({ status: 200, body: { dispatchId: "TK-1", status: "received" } });
    await until(() => hub.calls.length === 2);
    expect(hub.calls.map((c) => c.path)).toEqual(["/api/v1/grid/units/CZ-ZL-NDJ-JD/tasks/TK-1/accept", "/api/v1/grid/units/CZ-ZL-NDJ-JD/tasks/TK-1/feedback"]);
    await until(() => [...sim.dispatches.values()][0].status === "reported");
    expect(lines[0]).toMatch(/^\[网格\] 收到派遣 TK-1（案件 TG1，主办单位 CZ-ZL-NDJ-JD）/);
    // the same dispatch again starts nothing
    expect((await post(`${sim.url}${req.path}`, req.body)).body).toMatchObject({ duplicate: true });
  });

  it("refuses a dispatch that breaks the contract", async () => {
    const res = await post(`${sim.url}/dispatches`, { dispatchId: "X" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("answers a verification request after the delay: passed by default", async () => {
    const req = toVerificationRequest(verification("TG1", "已更换井盖"));
    expect((await post(`${sim.url}${req.path}`, req.body)).status).toBe(200);
    await until(() => hub.calls.length === 1);
    expect(hub.calls[0].path).toBe(`/api/v1/grid/verifications/${req.body.verificationId}/result`);
    expect(hub.calls[0].body).toMatchObject({ passed: true, inspectorId: expect.any(String) });
    await until(() => lines.some((l) => l.includes("通过，结案")));
  });

  it("the marker in the feedback fails a case once (返工), its next verification passes", async () => {
    const first = toVerificationRequest(verification("TG2", `已处置${FAIL_MARKER}`));
    await post(`${sim.url}${first.path}`, first.body);
    await until(() => hub.calls.length === 1);
    expect(hub.calls[0].body.passed).toBe(false);
    const second = toVerificationRequest(verification("TG2", `已再次处置${FAIL_MARKER}`));
    await post(`${sim.url}${second.path}`, second.body);
    await until(() => hub.calls.length === 2);
    expect(hub.calls[1].body.passed).toBe(true);
    await until(() => lines.some((l) => l.includes("不通过，返工")));
  });

  it("failVerifications fails every case's first verification", async () => {
    sim.setFailVerifications(true);
    const req = toVerificationRequest(verification("TG3", "已处置"));
    await post(`${sim.url}${req.path}`, req.body);
    await until(() => hub.calls.length === 1);
    expect(hub.calls[0].body.passed).toBe(false);
  });
});
