import { HubError, notFound } from "../../kit/errors";
import { fakeHub } from "../../kit/conformance";
import { fromSample } from "./mapping";
import { loadSamples } from "./simulator";
import { hotline12345 } from "./spec";

// Generic checks (contracts exist, examples validate, built bodies match the platform's
// contracts, every route through a fake hub) are in adapters/conformance.test.ts.

const route = (kind: string) => hotline12345.routes.find((r) => r.kind === kind)!;
const order = fromSample(loadSamples()[0]);

describe("hotline12345 spec", () => {
  it("declares itself", () => {
    expect(hotline12345.system).toBe("hotline12345");
    expect(hotline12345.basePath).toBe("/v1/hotline12345");
    expect(hotline12345.routes.map((r) => `${r.method} ${r.path} ${r.kind}`)).toEqual([
      "POST /work-orders work-order",
      "POST /work-orders/:orderNo/callback callback",
      "POST /work-orders/:orderNo/urge urge",
    ]);
    expect(Object.keys(hotline12345.commands).sort()).toEqual(["extension", "overdue", "reply", "return", "sign"]);
  });

  it("work-order: opens a case (202) and answers a duplicate with 200", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", duplicate: false }));
    await expect(route("work-order").handle(order, {}, hub)).resolves.toEqual({ status: 202, body: { caseId: "TG1" }, caseId: "TG1" });
    expect(hub.calls).toHaveLength(1);
    expect(hub.calls[0].action).toBe("cases.open");
    expect(hub.calls[0].params.draft.origin).toEqual({ system: "hotline12345", externalId: order.orderNo, channel: "电话" });
    expect(hub.calls[0].params.draft.category).toEqual({ path: order.category, code: null });

    const dup = fakeHub(() => ({ caseId: "TG1", duplicate: true }));
    await expect(route("work-order").handle(order, {}, dup)).resolves.toEqual({ status: 200, body: { caseId: "TG1", duplicate: true }, caseId: "TG1" });
  });

  it("callback: passes satisfaction, comment and time", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", status: "ARCHIVED" }));
    const res = await route("callback").handle({ satisfaction: 2, comment: "满意", calledBackAt: "2024-06-14T10:02:00+08:00" }, { orderNo: "CZ1" }, hub);
    expect(res).toEqual({ status: 200, body: { caseId: "TG1", status: "ARCHIVED" }, caseId: "TG1" });
    expect(hub.calls).toEqual([{ action: "cases.callback", params: { system: "hotline12345", externalId: "CZ1", satisfaction: 2, comment: "满意", at: "2024-06-14T10:02:00+08:00" } }]);
  });

  it("callback without time or comment: at is the arrival time, no comment key", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", status: "IN_PROGRESS" }));
    const before = Date.now();
    await route("callback").handle({ satisfaction: 0 }, { orderNo: "CZ1" }, hub);
    const p = hub.calls[0].params;
    expect(p).not.toHaveProperty("comment");
    expect(Date.parse(p.at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("urge: passes level and text", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", status: "IN_PROGRESS" }));
    const res = await route("urge").handle({ level: "督办", text: "请今日报送", urgedAt: "2024-06-20T09:00:00+08:00", supervisor: "市12345督办科" }, { orderNo: "SQ1" }, hub);
    expect(res).toEqual({ status: 200, body: { caseId: "TG1", status: "IN_PROGRESS" }, caseId: "TG1" });
    expect(hub.calls[0]).toEqual({
      action: "cases.urge",
      params: { system: "hotline12345", externalId: "SQ1", level: "督办", text: "请今日报送", at: "2024-06-20T09:00:00+08:00" },
    });
  });

  it("hub refusals propagate", async () => {
    const hub = fakeHub(() => {
      throw notFound("工单", "work order", "CZ404");
    });
    await expect(route("callback").handle({ satisfaction: 2 }, { orderNo: "CZ404" }, hub)).rejects.toBeInstanceOf(HubError);
  });

  it("outbound kinds POST to /work-orders/{orderNo}/{action}", () => {
    const at = "2024-06-11T09:20:05+08:00";
    const payloads: Record<string, Record<string, unknown>> = {
      sign: { externalId: "CZ1", unitId: "U1", unitName: "钟楼区城市管理局", signedAt: at },
      return: { externalId: "CZ1", reason: "非本市职责", returnedAt: at },
      extension: { externalId: "CZ1", until: "2024-06-28T17:30:00+08:00", reason: "待配件", unitName: "钟楼区城市管理局", requestedAt: at },
      reply: { externalId: "CZ1", outcome: 2, text: "已部分整改", unitName: "钟楼区城市管理局", repliedAt: at },
      overdue: { externalId: "CZ1", caseId: "TG1", level: "催办", deadlineKind: "handle", deadline: at, overdue: true, unitName: "钟楼区城市管理局", text: "已超过办理时限", notifiedAt: at },
    };
    for (const [kind, k] of Object.entries(hotline12345.commands)) {
      const req = k.build(payloads[kind], null);
      expect([kind, req.method, req.path]).toEqual([kind, "POST", `/work-orders/CZ1/${kind}`]);
    }
  });
});
