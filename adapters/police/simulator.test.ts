import { validate } from "../../contracts";
import type { BureauNotice } from "../../contracts/types";
import { hubStub } from "../../kit/bureau";
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
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error("timed out");
};

describe("police simulator", () => {
  let hub: Awaited<ReturnType<typeof hubStub>>;
  const sim = createPoliceSimulator({ receiptDelayMs: 5, feedbackDelayMs: 10 });
  beforeAll(async () => {
    hub = await hubStub(police);
    await sim.start(0);
    sim.setHub(hub.url, "demo-police-key");
  });
  afterAll(async () => {
    await sim.stop();
    await hub.stop();
  });
  const send = (p: BureauNotice) => {
    const req = police.commands.notice!.build(p, null);
    return fetch(`${sim.url}${req.path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(req.body) });
  };

  it("signs and reports per vehicle in the police's format, which the hub maps to the credit calls", async () => {
    await send(n);
    await until(() => sim.notice("NT-P1")?.status === "reported");
    const [r, f] = hub.calls;
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
    expect(hub.calls.filter((c) => c.params.noticeId === "NT-P1-RV").map((c) => c.action)).toEqual(["sanctions.noticeReceipt", "sanctions.noticeFeedback"]);
    expect(hub.calls.at(-1)!.body).toMatchObject({ clmx: [{ czjg: "已解除" }, { czjg: "已解除" }] });
  });
});
