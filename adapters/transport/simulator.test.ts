import { validate } from "../../contracts";
import type { BureauNotice } from "../../contracts/types";
import { bureauSimulatorUnderTest } from "../../kit/bureau.testkit";
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
describe("transport simulator", () => {
  const t = bureauSimulatorUnderTest(transport, createTransportSimulator({ receiptDelayMs: 5, feedbackDelayMs: 10 }));
  const { sim, send, until } = t;

  it("signs and reports with the licence and the vehicles' 道路运输证", async () => {
    await send(n);
    await until(() => sim.notice("NT-T1")?.status === "reported");
    const [r, f] = t.hub.calls;
    expect(validate(SCHEMA.receipt, r.body).ok && validate(SCHEMA.feedback, f.body).ok).toBe(true);
    expect(f.body).toMatchObject({ licence_no: expect.any(String), results: [{ result_code: "1", vehicle_certs: [{ plate_no: "苏D12345", action: "暂扣" }] }], completed: 1 });
    expect(f.params).toMatchObject({ system: "transport", noticeId: "NT-T1", done: true, text: expect.stringContaining("道路运输经营许可证号") });
  });

  it("silent for all: records notices and reminders, answers nothing", async () => {
    sim.setBehaviour("*", { silent: true });
    const before = t.hub.calls.length;
    await send({ ...n, noticeId: "NT-T2" });
    const rem = transport.commands.receiptRequest!.build({ noticeId: "NT-T2", what: "receipt", dueAt: n.receiptDeadline, sentAt: "2026-12-04T09:00:00+08:00" }, null);
    expect((await fetch(`${sim.url}${rem.path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(rem.body) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 60));
    expect(t.hub.calls.length).toBe(before);
    expect(sim.notice("NT-T2")).toMatchObject({ status: "received", reminders: [{ of: "receipt" }] });
    sim.setBehaviour("*", {});
  });

  it("a revocation is signed too", async () => {
    await send({ ...n, noticeId: "NT-T1-RV", kind: "revocation", revokes: "NT-T1" });
    await until(() => sim.notice("NT-T1-RV")?.status === "reported");
    expect(t.hub.calls.at(-1)!.body).toMatchObject({ results: [{ vehicle_certs: [{ action: "恢复" }] }] });
  });
});
