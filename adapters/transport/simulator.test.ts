import { validate } from "../../contracts";
import type { BureauNotice } from "../../contracts/types";
import { hubStub } from "../../kit/bureau";
import { SCHEMA } from "./mapping";
import { createTransportSimulator } from "./simulator";
import { transport } from "./spec";

const n: BureauNotice = {
  noticeId: "NT-T1",
  subject: { type: "company", id: "91320400MA1XXXXXXX", name: "某渣土运输有限公司" },
  measures: ["对该企业的道路运输经营许可及车辆营运证开展核查，依法处理"],
  vehicles: [{ plate: "苏D12345" }],
  receiptDeadline: "2026-12-03T17:30:00+08:00",
  feedbackDeadline: "2026-12-15T17:30:00+08:00",
  sentAt: "2026-12-01T10:00:00+08:00",
};
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error("timed out");
};

describe("transport simulator", () => {
  let hub: Awaited<ReturnType<typeof hubStub>>;
  const sim = createTransportSimulator({ receiptDelayMs: 5, feedbackDelayMs: 10 });
  beforeAll(async () => {
    hub = await hubStub(transport);
    await sim.start(0);
    sim.setHub(hub.url, "demo-transport-key");
  });
  afterAll(async () => {
    await sim.stop();
    await hub.stop();
  });
  const send = (p: BureauNotice) => {
    const req = transport.commands.notice!.build(p, null);
    return fetch(`${sim.url}${req.path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(req.body) });
  };

  it("signs and reports with the licence and the vehicles' 道路运输证", async () => {
    await send(n);
    await until(() => sim.notice("NT-T1")?.status === "reported");
    const [r, f] = hub.calls;
    expect(validate(SCHEMA.receipt, r.body).ok && validate(SCHEMA.feedback, f.body).ok).toBe(true);
    expect(f.body).toMatchObject({ licence_no: expect.any(String), results: [{ result_code: "1", vehicle_certs: [{ plate_no: "苏D12345", action: "暂扣" }] }], completed: 1 });
    expect(f.params).toMatchObject({ system: "transport", noticeId: "NT-T1", done: true, text: expect.stringContaining("道路运输经营许可证号") });
  });

  it("silent for all: records notices and reminders, answers nothing", async () => {
    sim.setBehaviour("*", { silent: true });
    const before = hub.calls.length;
    await send({ ...n, noticeId: "NT-T2" });
    const rem = transport.commands.receiptRequest!.build({ noticeId: "NT-T2", what: "receipt", dueAt: n.receiptDeadline, sentAt: "2026-12-04T09:00:00+08:00" }, null);
    expect((await fetch(`${sim.url}${rem.path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(rem.body) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 60));
    expect(hub.calls.length).toBe(before);
    expect(sim.notice("NT-T2")).toMatchObject({ status: "received", reminders: [{ of: "receipt" }] });
    sim.setBehaviour("*", {});
  });

  it("a revocation is signed too", async () => {
    await send({ ...n, noticeId: "NT-T1-RV", kind: "revocation", revokes: "NT-T1" });
    await until(() => sim.notice("NT-T1-RV")?.status === "reported");
    expect(hub.calls.at(-1)!.body).toMatchObject({ results: [{ vehicle_certs: [{ action: "恢复" }] }] });
  });
});
