import { validate } from "../../contracts";
import type { BureauNotice } from "../../contracts/types";
import { bureauSimulatorUnderTest } from "../../kit/bureau.testkit";
import { SCHEMA } from "./mapping";
import { createPoliceSimulator } from "./simulator";
import { police } from "./spec";

const n: BureauNotice = {
  noticeId: "NT-P1",
  subject: { type: "company", id: "91320400MA1XXXXXXX", name: "某渣土运输有限公司" },
  measures: ["收回车辆通行证"],
  vehicles: [{ plate: "苏D12345", passNo: "CZ-ZT-0018" }, { plate: "苏D67890" }],
  receiptDeadline: "2026-12-03T17:30:00+08:00",
  feedbackDeadline: "2026-12-15T17:30:00+08:00",
  sentAt: "2026-12-01T10:00:00+08:00",
};
describe("police simulator", () => {
  const t = bureauSimulatorUnderTest(police, createPoliceSimulator({ receiptDelayMs: 5, feedbackDelayMs: 10 }));
  const { sim, send, until } = t;

  it("signs and reports per vehicle in the police's format, which the hub maps to the credit calls", async () => {
    await send(n);
    await until(() => sim.notice("NT-P1")?.status === "reported");
    const [r, f] = t.hub.calls;
    expect(validate(SCHEMA.receipt, r.body).ok && validate(SCHEMA.feedback, f.body).ok).toBe(true);
    expect(f.body).toMatchObject({
      clmx: [
        { hphm: "苏D12345", txzbh: "CZ-ZT-0018", czjg: "已收回" },
        { hphm: "苏D67890", czjg: "已收回" },
      ],
      sfwc: "1",
    });
    expect(r.params).toEqual({ system: "police", noticeId: "NT-P1", receivedBy: "市公安局交通警察支队 王建国（模拟）（警号 040123）", at: expect.any(String) });
    expect(f.params).toMatchObject({ system: "police", noticeId: "NT-P1", done: true, measures: [{ done: true }, { done: true }, { measure: "收回车辆通行证", done: true }] });
  });

  it("a revocation: signed, its items reported 已解除", async () => {
    await send({ ...n, noticeId: "NT-P1-RV", kind: "revocation", revokes: "NT-P1" });
    await until(() => sim.notice("NT-P1-RV")?.status === "reported");
    expect(t.hub.calls.filter((c) => c.params.noticeId === "NT-P1-RV").map((c) => c.action)).toEqual(["sanctions.noticeReceipt", "sanctions.noticeFeedback"]);
    expect(t.hub.calls.at(-1)!.body).toMatchObject({ clmx: [{ czjg: "已解除" }, { czjg: "已解除" }] });
  });
});
