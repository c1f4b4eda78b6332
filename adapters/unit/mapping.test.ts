import { validate } from "../../contracts";
import type { UnitTask, UnitUrge, UnitRecall } from "../../contracts/types";
import { buildRecall, buildTask, buildUrge, toAcceptParams, toExtensionParams, toRefuseParams, toResultParams } from "./mapping";

const task: UnitTask = {
  taskId: "TK-1/a",
  caseId: "TG2406110842A1B2C3",
  role: "owner",
  rework: 0,
  title: "南大街商业街早餐摊占用人行道",
  content: "人行道上有早餐流动摊点占道经营。",
  appealType: "投诉",
  category: { path: ["城乡建设", "市容管理", "占道经营"], code: null },
  location: { address: "常州市钟楼区南大街", districtCode: "320404", gridCode: "32040400100301", lng: 119.956, lat: 31.779 },
  urgency: "一般",
  signDeadline: "2024-06-12T08:42:10+08:00",
  handleDeadline: null,
  reporter: { confidential: false, name: "王**", phone: "139****2716" },
  sentAt: "2024-06-11T08:47:33+08:00",
};
const urge: UnitUrge = { taskId: "TK-1/a", caseId: task.caseId, level: "督办", text: "已超期，请今日答复。", urgedAt: "2024-06-26T09:00:00+08:00" };
const recall: UnitRecall = { taskId: "TK-1/a", caseId: task.caseId, reason: "改派街道办事处", recalledAt: "2024-06-11T10:00:00+08:00" };

describe("unit contracts", () => {
  it("result: outcome 5 and a missing text are field errors with JSON pointers", () => {
    const r = validate("tongguan:unit/result", { outcome: 5 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const pointers = r.errors.map((e) => e.pointer).sort();
    expect(pointers).toEqual(["/outcome", "/text"]);
    const outcome = r.errors.find((e) => e.pointer === "/outcome")!;
    expect(outcome.messageEn).toBe("must be one of 0, 1, 2, 3");
    expect(outcome.message).toMatch(/取值必须是以下之一/);
    expect(r.errors.find((e) => e.pointer === "/text")!.messageEn).toBe("is required");
  });

  it("result: blank or too long text, unknown fields and bad dates are refused", () => {
    const r = validate("tongguan:unit/result", { outcome: 0, text: "   ", finishedAt: "昨天", extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.pointer).sort()).toEqual(["/extra", "/finishedAt", "/text"]);
    const long = validate("tongguan:unit/result", { outcome: 0, text: "字".repeat(4001) });
    expect(long.ok).toBe(false);
    expect(validate("tongguan:unit/result", { outcome: 0, text: "字".repeat(4000) }).ok).toBe(true);
  });

  it("accept, extension and refuse", () => {
    expect(validate("tongguan:unit/accept", {}).ok).toBe(true);
    const a = validate("tongguan:unit/accept", { acceptedAt: "2024-13-01", handler: "" });
    expect(a.ok ? [] : a.errors.map((e) => e.pointer).sort()).toEqual(["/acceptedAt", "/handler"]);
    const e = validate("tongguan:unit/extension", { reason: "需要更多时间" });
    expect(e.ok ? [] : e.errors.map((x) => x.pointer)).toEqual(["/until"]);
    const f = validate("tongguan:unit/refuse", { legalBasis: "某条例" });
    expect(f.ok ? [] : f.errors.map((x) => x.pointer)).toEqual(["/reason"]);
  });

  it("task: a confidential reporter carries no name or phone; enums and codes come from canonical/common", () => {
    expect(validate("tongguan:unit/task", { ...task, reporter: { confidential: true } }).ok).toBe(true);
    const r = validate("tongguan:unit/task", { ...task, reporter: { confidential: true, name: "王**", phone: "139****2716" } });
    expect(r.ok ? [] : r.errors.map((e) => e.pointer).sort()).toEqual(["/reporter/name", "/reporter/phone"]);
    const bad = validate("tongguan:unit/task", { ...task, role: "lead", urgency: "特急", location: { address: "x", gridCode: "123" }, category: { path: [] } });
    expect(bad.ok ? [] : bad.errors.map((e) => e.pointer).sort()).toEqual(["/category/code", "/category/path", "/location/gridCode", "/role", "/urgency"]);
  });
});

describe("outbound builders", () => {
  it("task → POST /units/{unitId}/tasks with the payload as a valid body", () => {
    const req = buildTask(task, "CZ-ZL-CGJ");
    expect(req).toEqual({ method: "POST", path: "/units/CZ-ZL-CGJ/tasks", body: task });
    expect(req.body).not.toBe(task);
    expect(validate("tongguan:unit/task", req.body).ok).toBe(true);
  });

  it("urge and recall put the URL-encoded unit and task ids in the path", () => {
    const u = buildUrge(urge, "钟楼 城管");
    expect(u.path).toBe("/units/%E9%92%9F%E6%A5%BC%20%E5%9F%8E%E7%AE%A1/tasks/TK-1%2Fa/urge");
    expect(validate("tongguan:unit/urge", u.body).ok).toBe(true);
    const r = buildRecall(recall, "CZ-ZL-CGJ");
    expect(r).toEqual({ method: "POST", path: "/units/CZ-ZL-CGJ/tasks/TK-1%2Fa/recall", body: recall });
    expect(validate("tongguan:unit/recall", r.body).ok).toBe(true);
  });

  it("a 督办 to the owner's supervisor is a 督办单 at the supervisor (it holds no such task); to the owner itself it stays an urge on the task", () => {
    const sup = { ...urge, level: "督办" as const, ownerUnitId: "CZ-ZL-NDJ-JD", ownerUnitName: "钟楼区南大街街道办事处" };
    const s = buildUrge(sup, "CZ-ZL-CGJ");
    expect(s).toEqual({ method: "POST", path: "/units/CZ-ZL-CGJ/supervisions", body: sup });
    expect(validate("tongguan:unit/urge", s.body).ok).toBe(true);
    expect(buildUrge(sup, "CZ-ZL-NDJ-JD").path).toBe("/units/CZ-ZL-NDJ-JD/tasks/TK-1%2Fa/urge");
  });

  it("refuses to build without a target unit", () => {
    expect(() => buildTask(task, null)).toThrow(/target/);
    expect(() => buildUrge(urge, "")).toThrow(/target/);
  });
});

describe("inbound params", () => {
  const p = { unitId: "CZ-ZL-CGJ", taskId: "TK-1" };
  const now = "2024-06-11T01:00:00.000Z";

  it("accept: the unit's time and handler, else the hub's receipt time and no handler", () => {
    expect(toAcceptParams(p, { acceptedAt: "2024-06-11T09:20:05+08:00", handler: "张伟" }, now)).toEqual({ ...p, at: "2024-06-11T09:20:05+08:00", handler: "张伟" });
    const bare = toAcceptParams(p, {}, now);
    expect(bare).toEqual({ ...p, at: now });
    expect("handler" in bare).toBe(false);
  });

  it("result, extension and refuse", () => {
    expect(toResultParams(p, { outcome: 2, text: " 部分解决 " }, now)).toEqual({ ...p, outcome: 2, text: "部分解决", at: now });
    expect(toResultParams(p, { outcome: 0, text: "已处理", finishedAt: "2024-06-12T08:00:00Z", handler: "李" }, now)).toEqual({
      ...p,
      outcome: 0,
      text: "已处理",
      at: "2024-06-12T08:00:00Z",
      handler: "李",
    });
    expect(toExtensionParams(p, { until: "2024-07-01T09:00:00Z", reason: "需协调" })).toEqual({ ...p, until: "2024-07-01T09:00:00Z", reason: "需协调" });
    expect(toRefuseParams(p, { reason: "非本单位职责" })).toEqual({ ...p, reason: "非本单位职责" });
    expect(toRefuseParams(p, { reason: "非本单位职责", legalBasis: "三定方案" })).toEqual({ ...p, reason: "非本单位职责", legalBasis: "三定方案" });
  });
});
