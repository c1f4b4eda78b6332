import { validate } from "../../contracts";
import { buildOpenApi } from "../../lib/openapi";
import { API } from "../../lib/api";
import { ConfigError, loadConfig } from "../../lib/config";
import { foldedInto } from "../../kit/adapter";
import { fakeHub } from "../../kit/conformance";
import type { AdapterSpec } from "../../kit/adapter";
import { line12319 } from "./spec";

// Generic checks (contracts, examples, builders against the receiving contracts, every route
// through a fake hub, the simulator starting) are in adapters/conformance.test.ts.

const route = (kind: string) => line12319.routes.find((r) => r.kind === kind)!;
const at = "2024-06-12T15:30:00+08:00";

describe("line12319 spec", () => {
  it("declares itself: its own mount point, routes and wire", () => {
    expect(line12319.basePath).toBe("/v1/line12319");
    expect(line12319.routes.map((r) => `${r.method} ${r.path} ${r.kind}`)).toEqual(["POST /tickets ticket", "POST /tickets/:ticketNo/visit callback", "POST /tickets/:ticketNo/supervise urge"]);
    expect(Object.keys(line12319.commands).sort()).toEqual(["extension", "overdue", "reply", "return", "sign"]);
    expect(line12319.origin).toEqual({ label: "12319", noun: "工单" });
  });

  it("ticket: opens a case whose origin is line12319 (202), a duplicate 200", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", duplicate: false }));
    const t = { ticketNo: "JS12319-1", acceptTime: at, problemDesc: "井盖破损", eventAddress: "某路", source: "热线电话" };
    await expect(route("ticket").handle(t, {}, hub)).resolves.toEqual({ status: 202, body: { caseId: "TG1" }, caseId: "TG1" });
    expect(hub.calls[0]).toMatchObject({ action: "cases.open", params: { draft: { origin: { system: "line12319", externalId: "JS12319-1", channel: "热线电话" } } } });
    const dup = fakeHub(() => ({ caseId: "TG1", duplicate: true }));
    await expect(route("ticket").handle(t, {}, dup)).resolves.toEqual({ status: 200, body: { caseId: "TG1", duplicate: true }, caseId: "TG1" });
  });

  it.each([
    ["不满意", 0],
    ["基本满意", 1],
    ["满意", 2],
    ["非常满意", 3],
  ] as const)("visit %s → cases.callback satisfaction %d", async (visitResult, satisfaction) => {
    const hub = fakeHub(() => ({ caseId: "TG1", status: "ARCHIVED" }));
    await route("callback").handle({ visitResult, visitOpinion: "意见", visitTime: at, visitor: "07" }, { ticketNo: "JS1" }, hub);
    expect(hub.calls).toEqual([{ action: "cases.callback", params: { system: "line12319", externalId: "JS1", satisfaction, comment: "意见", at } }]);
  });

  it("visit without opinion or time: no comment, at is the arrival time", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", status: "ARCHIVED" }));
    await route("callback").handle({ visitResult: "满意" }, { ticketNo: "JS1" }, hub);
    expect(hub.calls[0].params).not.toHaveProperty("comment");
    expect(Math.abs(Date.parse(hub.calls[0].params.at) - Date.now())).toBeLessThan(5000);
  });

  it("supervise → cases.urge with the level, the text (when given) and the time", async () => {
    const hub = fakeHub(() => ({ caseId: "TG1", status: "IN_PROGRESS" }));
    await route("urge").handle({ superviseType: "督办", superviseContent: "请今日反馈", superviseTime: at, superviseDept: "市12319" }, { ticketNo: "JS1" }, hub);
    await route("urge").handle({ superviseType: "催办" }, { ticketNo: "JS1" }, hub);
    expect(hub.calls[0].params).toEqual({ system: "line12319", externalId: "JS1", level: "督办", text: "请今日反馈", at });
    expect(hub.calls[1].params).not.toHaveProperty("text");
  });

  it("builds 12319's 超时提醒 (overdue) in its own words: 签收/处理, 是/否", () => {
    const w = line12319.commands.overdue!.build(
      { externalId: "JS1", caseId: "TG1", level: "预警", deadlineKind: "handle", deadline: at, overdue: false, unitName: "城管局", text: "不足1个工作时", notifiedAt: at },
      null,
    );
    expect(w).toEqual({
      method: "POST",
      path: "/tickets/JS1/warn",
      body: { warnType: "预警", limitType: "处理", limitTime: at, overtime: "否", handleDept: "城管局", warnContent: "不足1个工作时", warnTime: at },
    });
    expect(validate("tongguan:line12319/warn", w.body).ok).toBe(true);
    const s = line12319.commands.overdue!.build(
      { externalId: "JS1", caseId: "TG1", level: "督办", deadlineKind: "sign", deadline: at, overdue: true, unitName: "城管局", supervisorName: "市城管局", text: "x", notifiedAt: at },
      null,
    ).body as Record<string, unknown>;
    expect(s).toMatchObject({ limitType: "签收", overtime: "是", superviseDept: "市城管局" });
  });

  it("builds 12319's wire: paths, field names and its own result words", () => {
    const c = line12319.commands;
    expect(c.sign!.build({ externalId: "JS 1", unitId: "U", unitName: "城管局", signedAt: at }, null)).toEqual({
      method: "POST",
      path: "/tickets/JS%201/accept",
      body: { signDept: "城管局", signTime: at },
    });
    expect(c.return!.build({ externalId: "JS1", reason: "非职责", returnedAt: at }, null)).toEqual({ method: "POST", path: "/tickets/JS1/back", body: { backReason: "非职责", backTime: at } });
    expect(c.extension!.build({ externalId: "JS1", until: at, reason: "待料", unitName: "城管局", requestedAt: at }, null)).toEqual({
      method: "POST",
      path: "/tickets/JS1/delay",
      body: { delayTo: at, delayReason: "待料", applyDept: "城管局", applyTime: at },
    });
    const words = [0, 1, 2, 3].map((outcome) => c.reply!.build({ externalId: "JS1", outcome, text: "已处理", unitName: "城管局", repliedAt: at }, null).body as Record<string, unknown>);
    expect(words.map((b) => b.handleResult)).toEqual(["已解决", "未解决", "部分解决", "不予办理"]);
    expect(words[0]).toEqual({ handleResult: "已解决", feedbackContent: "已处理", handleDept: "城管局", feedbackTime: at });
  });
});

describe("LINE12319_VIA: 12319 folded into 12345", () => {
  /** The registry (and what is made from it) as a process with this environment loads it. */
  function loadWith(via: string | undefined): { ADAPTERS: AdapterSpec[]; DEMO_KEYS: Record<string, string> } {
    const saved = process.env.LINE12319_VIA;
    if (via === undefined) delete process.env.LINE12319_VIA;
    else process.env.LINE12319_VIA = via;
    try {
      let out!: { ADAPTERS: AdapterSpec[]; DEMO_KEYS: Record<string, string> };
      jest.isolateModules(() => {
        out = { ADAPTERS: require("../index").ADAPTERS, DEMO_KEYS: require("../../lib/config").DEMO_KEYS };
      });
      return out;
    } finally {
      if (saved === undefined) delete process.env.LINE12319_VIA;
      else process.env.LINE12319_VIA = saved;
    }
  }

  it("is declared in the spec's settings (so the README settings table has it)", () => {
    expect(line12319.settings.find((s) => s.env === "LINE12319_VIA")).toMatchObject({ purpose: "via", example: "hotline12345", values: ["hotline12345"] });
  });

  it("unset: 12319 is its own system — routes mounted, its key, its simulator", () => {
    const r = loadWith(undefined);
    expect(r.ADAPTERS.map((a) => a.system)).toContain("line12319");
    expect(r.DEMO_KEYS.line12319).toBe("demo-line12319-key");
    const paths = Object.keys((buildOpenApi(r.ADAPTERS, API, "t") as { paths: Record<string, unknown> }).paths);
    expect(paths).toContain("/api/v1/line12319/tickets");
  });

  it("hotline12345: the adapter is left out — no routes, no key, no simulator — and 12345 carries the traffic", () => {
    const r = loadWith("hotline12345");
    expect(r.ADAPTERS.map((a) => a.system)).not.toContain("line12319");
    expect(r.ADAPTERS.map((a) => a.system)).toContain("hotline12345");
    expect(r.DEMO_KEYS).not.toHaveProperty("line12319");
    const paths = Object.keys((buildOpenApi(r.ADAPTERS, API, "t") as { paths: Record<string, unknown> }).paths);
    expect(paths.filter((p) => p.includes("line12319"))).toEqual([]);
    expect(paths).toContain("/api/v1/hotline12345/work-orders");
  });

  it("foldedInto: only a declared value folds; anything else is a start-up error naming the setting", () => {
    expect(foldedInto(line12319, {})).toBeUndefined();
    expect(foldedInto(line12319, { LINE12319_VIA: " " })).toBeUndefined();
    expect(foldedInto(line12319, { LINE12319_VIA: "hotline12345" })).toBe("hotline12345");
    expect(foldedInto(line12319, { LINE12319_VIA: "grid" })).toBeUndefined();
    expect(() => loadConfig({ LINE12319_VIA: "hotline12345" })).not.toThrow();
    expect(() => loadConfig({ LINE12319_VIA: "hotline1234" })).toThrow(ConfigError);
    expect(() => loadConfig({ LINE12319_VIA: "hotline1234" })).toThrow(/LINE12319_VIA=hotline1234/);
  });
});
