import { validate } from "../../contracts";
import type { BureauNotice } from "../../contracts/types";
import { bureauSimulatorUnderTest } from "../../kit/bureau.testkit";
import { SCHEMA } from "./mapping";
import { createHousingSimulator } from "./simulator";
import { housing } from "./spec";

const n: BureauNotice = {
  noticeId: "NT-H1",
  subject: { type: "company", id: "91320400MA1XXXXXXX", name: "某物业服务有限公司" },
  measures: ["列入前期物业招标企业黑名单", "在建项目重点监管"],
  receiptDeadline: "2026-12-03T17:30:00+08:00",
  feedbackDeadline: "2026-12-15T17:30:00+08:00",
  sentAt: "2026-12-01T10:00:00+08:00",
};
describe("housing simulator", () => {
  const t = bureauSimulatorUnderTest(housing, createHousingSimulator({ receiptDelayMs: 5, feedbackDelayMs: 10 }));
  const { sim, send, until } = t;

  it("signs and reports per restriction (a project named for project supervision); partial leaves one undone", async () => {
    sim.setBehaviour("NT-H2", { partial: true });
    await send(n);
    await send({ ...n, noticeId: "NT-H2" });
    await until(() => sim.notice("NT-H1")?.status === "reported" && sim.notice("NT-H2")?.status === "reported");
    const of = (id: string, action: string) => t.hub.calls.find((c) => c.params.noticeId === id && c.action === action)!;
    expect(validate(SCHEMA.receipt, of("NT-H1", "sanctions.noticeReceipt").body).ok).toBe(true);
    expect(validate(SCHEMA.feedback, of("NT-H1", "sanctions.noticeFeedback").body).ok).toBe(true);
    expect(of("NT-H1", "sanctions.noticeFeedback").params).toMatchObject({
      system: "housing",
      done: true,
      measures: [
        { measure: "列入前期物业招标企业黑名单", done: true },
        { done: true, note: expect.stringContaining("在建项目") },
      ],
    });
    expect(of("NT-H2", "sanctions.noticeFeedback").params).toMatchObject({ done: false, measures: [{ done: false }, { done: true }] });
  });

  it("a revocation is signed too", async () => {
    await send({ ...n, noticeId: "NT-H1-RV", kind: "revocation", revokes: "NT-H1" });
    await until(() => sim.notice("NT-H1-RV")?.status === "reported");
    expect(sim.notice("NT-H1-RV")).toMatchObject({
      revocation: true,
      revokes: "NT-H1",
      hubCalls: [
        { kind: "receipt", status: 200 },
        { kind: "feedback", status: 200 },
      ],
    });
  });
});
