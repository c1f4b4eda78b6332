/**
 * The console's pure logic (console/logic.js), against a stub of GET /api/v1/meta built from what
 * the hub serves it from: the status labels of contracts/canonical/common, the legal actions and
 * 超期 statuses of domain/lifecycle.ts and the systems of adapters/. No browser, no services.
 */
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { OVERDUE_STATUSES, STATUS_LABEL, TRANSITIONS, type CaseAction } from "../domain/lifecycle";
import { COMMANDS } from "../kit/adapter";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require("./logic.js");

const CONSOLE_ACTIONS: CaseAction[] = ["assign", "adjudicate", "reassign", "returnCase"];
const STATUSES = Object.keys(STATUS_LABEL);

/** What GET /api/v1/meta answers (the shape agreed with the gateway), from the hub's own sources. */
const META = {
  statuses: STATUSES.map((value) => ({ value, label: STATUS_LABEL[value as keyof typeof STATUS_LABEL] })),
  outcomes: [
    { value: 0, label: "解决" },
    { value: 1, label: "未解决" },
    { value: 2, label: "部分解决" },
    { value: 3, label: "不办理退单" },
  ],
  satisfaction: [
    { value: 0, label: "不满意" },
    { value: 1, label: "理解" },
    { value: 2, label: "满意" },
    { value: 3, label: "非常满意" },
  ],
  eventTypes: [
    { value: "RECEIVED", label: "收到工单" },
    { value: "ROUTED", label: "规则派单" },
    { value: "ASSIGNED", label: "人工派单" },
    { value: "TRIAGE_EXPIRED", label: "分拨超时退单" },
  ],
  actions: Object.fromEntries(STATUSES.map((s) => [s, CONSOLE_ACTIONS.filter((a) => (TRANSITIONS[a].from as string[]).includes(s)).map((action) => ({ action, label: TRANSITIONS[action].label }))])),
  overdueStatuses: OVERDUE_STATUSES,
  commands: [
    { value: "sign", label: "签收" },
    { value: "return", label: "退单" },
    { value: "task", label: "承办任务" },
  ],
  systems: [
    { system: "hotline12345", title: "12345政务服务便民热线", roles: ["source"], origin: true },
    { system: "unit", title: "承办单位（通用接口）", roles: ["handler"], origin: false },
  ],
};

const v = L.vocabulary(META);

describe("names come from the hub's vocabulary (meta)", () => {
  it("shows a status, outcome, satisfaction and timeline event by its Chinese name", () => {
    expect(L.statusLabel(v, "DISPATCHED")).toBe("已派单待签收");
    expect(L.statusLabel(v, "TRIAGE")).toBe("待人工分拨");
    for (const s of STATUSES) expect(L.statusLabel(v, s)).toBe(STATUS_LABEL[s as keyof typeof STATUS_LABEL]);
    expect(L.outcomeText(v, 0)).toBe("0 解决");
    expect(L.outcomeText(v, 3)).toBe("3 不办理退单");
    expect(L.satisfactionText(v, 3)).toBe("3 非常满意");
    expect(L.satisfactionText(v, "0")).toBe("0 不满意");
    expect(L.eventLabel(v, "TRIAGE_EXPIRED")).toBe("分拨超时退单");
    expect(L.systemTitle(v, "hotline12345")).toBe("12345政务服务便民热线");
    expect(L.systemTitle(v, "unit")).toBe("承办单位（通用接口）"); // named even though it raises no cases
    expect(L.commandLabel(v, "sign")).toBe("签收");
    expect(L.commandLabel(v, "task")).toBe("承办任务");
  });

  it("falls back to the code when meta does not know it or is not loaded, and shows nothing for no value", () => {
    expect(L.statusLabel(v, "SOMETHING_NEW")).toBe("SOMETHING_NEW");
    expect(L.eventLabel(v, "CO_UNIT_RESULT")).toBe("CO_UNIT_RESULT");
    const none = L.vocabulary(null);
    expect(none.loaded).toBe(false);
    expect(L.statusLabel(none, "DISPATCHED")).toBe("DISPATCHED");
    expect(L.outcomeText(none, 2)).toBe("2");
    expect(L.outcomeText(v, null)).toBe("");
    expect(L.satisfactionText(v, undefined)).toBe("");
    expect(L.systemTitle(none, "unit")).toBe("unit");
    expect(L.commandLabel(v, "publication")).toBe("publication");
    expect(L.commandLabel(none, "sign")).toBe("sign");
    // the hub's own API for people is not an external system: refused agent commands are kept as "api"
    expect(L.systemTitle(v, "api")).toBe("控制台接口");
  });

  it("builds the status and origin filters in meta's order", () => {
    expect(L.statusOptions(v).map((o: { value: string }) => o.value)).toEqual(STATUSES);
    expect(L.statusOptions(v)[0]).toEqual({ value: "RECEIVED", label: "已受理" });
    expect(L.openFilterLabel(v, L.overdueStatuses(v))).toBe("在办（待人工分拨、待派单审定、已派单待签收、办理中）");
    // 来源: only the systems meta says raise cases
    expect(L.originOptions(v)).toEqual([{ value: "hotline12345", label: "12345政务服务便民热线" }]);
    expect(
      L.originOptions(
        L.vocabulary({
          systems: [
            { system: "unit", title: "承办单位", origin: false },
            { system: "grid", title: "网格化平台", origin: true },
            { system: "legacy", title: "未说明" },
          ],
        }),
      ),
    ).toEqual([{ value: "grid", label: "网格化平台" }]);
    expect(L.statusOptions(L.vocabulary(null))).toEqual([]);
    expect(L.originOptions(L.vocabulary(null))).toEqual([]);
  });
});

describe("超期 follows meta's overdue statuses", () => {
  const now = Date.parse("2024-06-11T12:00:00+08:00");
  const past = now - 60_000;
  const later = now + 60_000;

  it("counts a case in one of meta's statuses once its handling deadline has passed", () => {
    expect(L.overdueStatuses(v)).toEqual(OVERDUE_STATUSES);
    for (const s of STATUSES) expect({ s, over: L.isOverdue(v, s, past, now) }).toEqual({ s, over: OVERDUE_STATUSES.includes(s as (typeof OVERDUE_STATUSES)[number]) });
    expect(L.isOverdue(v, "IN_PROGRESS", later, now)).toBe(false);
    expect(L.isOverdue(v, "IN_PROGRESS", null, now)).toBe(false);
    expect(L.isOverdue(v, "IN_PROGRESS", Number.NaN, now)).toBe(false);
  });

  it("uses whatever statuses meta serves, and none while meta is not loaded", () => {
    expect(L.isOverdue(L.vocabulary({ overdueStatuses: ["REPLIED"] }), "REPLIED", past, now)).toBe(true);
    expect(L.isOverdue(L.vocabulary({ overdueStatuses: ["REPLIED"] }), "IN_PROGRESS", past, now)).toBe(false);
    expect(L.isOverdue(L.vocabulary(null), "IN_PROGRESS", past, now)).toBe(false);
    expect(L.overdueStatuses(L.vocabulary(null))).toEqual([]);
  });
});

describe("派单 / 改派 / 退单 buttons follow the legal actions for the case's status", () => {
  const buttons = (status: string, role = "agent") => L.allowedActions(v, status, role).map((a: { label: string }) => a.label);

  it("offers an agent exactly what the lifecycle allows, with its name", () => {
    expect(buttons("TRIAGE")).toEqual(["人工派单", "退单"]);
    expect(buttons("DISPATCHED")).toEqual(["改派", "退单"]);
    expect(buttons("IN_PROGRESS")).toEqual(["改派", "退单"]);
    expect(buttons("ADJUDICATION")).toEqual(["审定派单", "退单"]);
    for (const s of ["RECEIVED", "REPLIED", "ARCHIVED", "RETURNED"]) expect(buttons(s)).toEqual([]);
    for (const s of STATUSES) expect(L.allowedActions(v, s, "agent").map((a: { action: string }) => a.action)).toEqual(CONSOLE_ACTIONS.filter((a) => (TRANSITIONS[a].from as string[]).includes(s)));
  });

  it("待派单审定: offers 审定派单 (adjudicate) from meta, before 退单, to agents only", () => {
    expect(TRANSITIONS.adjudicate.from).toEqual(["ADJUDICATION"]);
    expect(v.actions.ADJUDICATION.map((a: { action: string }) => a.action)).toEqual(["adjudicate", "returnCase"]);
    const fromMeta = L.vocabulary({
      actions: {
        ADJUDICATION: [
          { action: "returnCase", label: "退单" },
          { action: "adjudicate", label: "审定派单" },
        ],
      },
    });
    expect(L.allowedActions(fromMeta, "ADJUDICATION", "agent")).toEqual([
      { action: "adjudicate", label: "审定派单" },
      { action: "returnCase", label: "退单" },
    ]);
    expect(L.allowedActions(fromMeta, "ADJUDICATION", "engineer")).toEqual([]);
    expect(L.statusLabel(v, "ADJUDICATION")).toBe("待派单审定");
  });

  it("offers engineers nothing (they read only), nor anyone anything while meta is not loaded", () => {
    expect(buttons("TRIAGE", "engineer")).toEqual([]);
    expect(L.allowedActions(L.vocabulary(null), "TRIAGE", "agent")).toEqual([]);
  });

  it("puts 退单 last whatever order meta lists the actions in", () => {
    const shuffled = L.vocabulary({
      actions: {
        TRIAGE: [
          { action: "returnCase", label: "退单" },
          { action: "assign", label: "人工派单" },
        ],
      },
    });
    expect(L.allowedActions(shuffled, "TRIAGE", "agent").map((a: { action: string }) => a.action)).toEqual(["assign", "returnCase"]);
  });

  it("ignores actions the console has no dialog for", () => {
    const odd = L.vocabulary({
      actions: {
        IN_PROGRESS: [
          { action: "extend", label: "延期申请" },
          { action: "reassign", label: "改派" },
        ],
      },
    });
    expect(L.allowedActions(odd, "IN_PROGRESS", "agent")).toEqual([{ action: "reassign", label: "改派" }]);
  });
});

describe("refused messages (流转健康 · 最近拒收报文) say why in Chinese", () => {
  it("names the reason for a refused key, bad JSON, a wrong content type and an oversized body", () => {
    expect(L.refusedReason({ errorCode: "UNAUTHORIZED", httpStatus: 401, errors: null })).toBe("密钥缺失或无效");
    expect(L.refusedReason({ errorCode: "FORBIDDEN", httpStatus: 403 })).toBe("该密钥无权调用此接口");
    expect(L.refusedReason({ errorCode: "INVALID_JSON", httpStatus: 400 })).toBe("请求体不是合法的 JSON");
    expect(L.refusedReason({ errorCode: "UNSUPPORTED_MEDIA_TYPE", httpStatus: 415 })).toBe("内容类型不是 application/json");
    expect(L.refusedReason({ errorCode: "PAYLOAD_TOO_LARGE", httpStatus: 413 })).toBe("请求体过大");
    expect(L.refusedReason({ errorCode: "ILLEGAL_TRANSITION", httpStatus: 409 })).toBe("案件当前状态不允许该操作");
  });

  it("adds the first field error of a contract violation, and how many there are", () => {
    const m = {
      errorCode: "VALIDATION_FAILED",
      httpStatus: 422,
      errors: [
        { pointer: "/orderNo", message: "必须有属性 orderNo", messageEn: "must have required property 'orderNo'" },
        { pointer: "/region/districtCode", message: "格式不正确", messageEn: "must match pattern" },
      ],
    };
    expect(L.refusedReason(m)).toBe("请求内容不符合接口约定：/orderNo：必须有属性 orderNo（共 2 处）");
    expect(L.refusedReason({ ...m, errors: m.errors.slice(0, 1) })).toBe("请求内容不符合接口约定：/orderNo：必须有属性 orderNo");
    // an agent's command names its fields as people do
    expect(L.refusedReason({ errorCode: "VALIDATION_FAILED", httpStatus: 422, errors: [{ pointer: "/unitId", message: "不能为空" }] })).toBe("请求内容不符合接口约定：承办单位（/unitId）：不能为空");
    // no Chinese message kept: the English one rather than nothing
    expect(L.refusedReason({ errorCode: "VALIDATION_FAILED", errors: [{ pointer: "/x", messageEn: "must be string" }] })).toBe("请求内容不符合接口约定：/x：must be string");
  });

  it("falls back to the code, then to the HTTP status", () => {
    expect(L.refusedReason({ errorCode: "SOMETHING_NEW", httpStatus: 409 })).toBe("SOMETHING_NEW");
    expect(L.refusedReason({ httpStatus: 500 })).toBe("HTTP 500");
    expect(L.refusedReason({})).toBe("—");
    expect(L.refusedReason({ errorCode: "INTERNAL", httpStatus: 500, errors: [{ message: "connection refused" }] })).toBe("系统内部错误：connection refused");
  });

  it("has a Chinese name for every error code the hub answers with", () => {
    const root = path.resolve(__dirname, "..");
    const codes = new Set<string>(["BAD_REQUEST", "SERVICE_UNAVAILABLE", "INTERNAL"]); // the gateway's generic answers
    for (const dir of ["services", "kit", "lib"]) {
      const d = path.join(root, dir);
      if (!fs.existsSync(d)) continue;
      for (const f of fs.readdirSync(d)) {
        if (!f.endsWith(".ts") || f.endsWith(".test.ts")) continue;
        const src = fs.readFileSync(path.join(d, f), "utf8");
        for (const m of src.matchAll(/HubError\(\s*\d{3}\s*,\s*"([A-Z][A-Z0-9_]+)"/g)) codes.add(m[1]);
        for (const m of src.matchAll(/conflict\(\s*"([A-Z][A-Z0-9_]+)"/g)) codes.add(m[1]);
      }
    }
    expect(codes.size).toBeGreaterThan(8);
    expect([...codes].filter((c) => !L.ERROR_TEXT[c])).toEqual([]);
    for (const text of Object.values(L.ERROR_TEXT)) expect(text).toMatch(/[\u4e00-\u9fa5]/);
  });
});

describe("待分拨: the tab badge and the 流转健康 card show one figure", () => {
  it("takes the triage queue's total", () => {
    expect(L.triageCount({ items: [{}, {}], total: 2 })).toBe(2);
    expect(L.triageCount({ items: [{}, {}, {}] })).toBe(3);
    expect(L.triageCount(null)).toBeNull();
  });

  it("puts the same figure in the 案件状态 card, even when the flow's own count was read at another moment", () => {
    const flowCases = { TRIAGE: 3, DISPATCHED: 2, ARCHIVED: 1 };
    const badge = L.triageCount({ items: [], total: 5 });
    const { rows, total } = L.flowStatusRows(v, flowCases, badge);
    expect(rows.map((r: { value: string }) => r.value)).toEqual(STATUSES);
    expect(rows.find((r: { value: string }) => r.value === "TRIAGE")).toEqual({ value: "TRIAGE", label: "待人工分拨", count: badge });
    expect(rows.find((r: { value: string }) => r.value === "DISPATCHED").count).toBe(2);
    expect(rows.find((r: { value: string }) => r.value === "REPLIED").count).toBe(0);
    expect(total).toBe(5 + 2 + 1);
  });

  it("shows the triage row as unknown when the queue could not be read, and keeps statuses meta does not list", () => {
    const { rows, total } = L.flowStatusRows(v, { TRIAGE: 3, DISPATCHED: 2, PAUSED: 4 }, null);
    expect(rows.find((r: { value: string }) => r.value === "TRIAGE").count).toBeNull();
    expect(rows[rows.length - 1]).toEqual({ value: "PAUSED", label: "PAUSED", count: 4 });
    expect(total).toBe(6);
    const bare = L.flowStatusRows(L.vocabulary(null), { DISPATCHED: 1 }, 2);
    expect(bare.rows.map((r: { value: string; count: number }) => [r.value, r.count])).toEqual([
      ["DISPATCHED", 1],
      ["TRIAGE", 2],
    ]);
  });
});

describe("navigation", () => {
  it("tells an agent who opens 流转健康 why they see the cases instead", () => {
    expect(L.routeFor("#/flow", "agent")).toEqual({ view: "cases", redirect: "#/cases", notice: "流转健康仅对集成工程师开放，当前密钥角色为坐席" });
    expect(L.routeFor("#/flow", "agent", "坐席（热线一组）").notice).toBe("流转健康仅对集成工程师开放，当前密钥角色为坐席（热线一组）");
    expect(L.routeFor("#/flow", "engineer")).toEqual({ view: "flow" });
  });

  it("opens the other views for both roles", () => {
    expect(L.routeFor("", "agent")).toEqual({ view: "cases" });
    expect(L.routeFor("#/cases", "engineer")).toEqual({ view: "cases" });
    expect(L.routeFor("#/triage", "agent")).toEqual({ view: "triage" });
    expect(L.routeFor("#/cases/CS-1%2F2", "agent")).toEqual({ view: "case", id: "CS-1/2" });
    expect(L.routeFor("#/cases/%E0%A4", "agent")).toEqual({ view: "case", id: "%E0%A4" });
    expect(L.routeFor("#/nowhere", "agent")).toEqual({ view: "cases", redirect: "#/cases" });
    expect(L.routeFor("#/flow", null)).toEqual({ view: "login" });
  });
});

describe("dialog hints (派单 / 改派 / 退单)", () => {
  it("派单: '请选择承办单位' goes away once a unit is picked", () => {
    const hints = L.dialogHints("assign");
    expect(hints.change({ unitId: "" })).toBeNull(); // nothing said before the button is pressed
    expect(hints.submit({ unitId: "" })).toBe("请选择承办单位");
    expect(hints.change({ unitId: "CZ-TN-HPJD" })).toEqual({ hide: true });
    expect(hints.shown).toBe(false);
    expect(hints.change({ unitId: "CZ-TN-HPJD" })).toBeNull();
    expect(hints.submit({ unitId: "CZ-TN-HPJD" })).toBeNull(); // sent
  });

  it("改派: follows the form field by field", () => {
    const hints = L.dialogHints("reassign");
    expect(hints.submit({ unitId: "", reason: "" })).toBe("请选择新的承办单位");
    expect(hints.change({ unitId: "CZ-TN-HPJD", reason: "" })).toEqual({ show: "请填写改派理由" });
    expect(hints.change({ unitId: "CZ-TN-HPJD", reason: "   " })).toEqual({ show: "请填写改派理由" });
    expect(hints.change({ unitId: "CZ-TN-HPJD", reason: "事发地属红梅街道" })).toEqual({ hide: true });
  });

  it("审定派单: needs a unit, then the basis", () => {
    const hints = L.dialogHints("adjudicate");
    expect(hints.submit({ unitId: "", basis: "" })).toBe("请选择审定的承办单位");
    expect(hints.change({ unitId: "CZ-ZL-CGJ", basis: " " })).toEqual({ show: "请填写审定依据（职责清单、权责清单条目或派单规则）" });
    expect(hints.change({ unitId: "CZ-ZL-CGJ", basis: "城市管理领域职责清单：占道经营查处" })).toEqual({ hide: true });
    expect(L.fieldErrorText({ pointer: "/basis", message: "不能为空" })).toBe("审定依据（/basis）：不能为空");
  });

  it("退单: needs a reason", () => {
    expect(L.formHint("returnCase", { reason: "" })).toBe("请填写退单理由");
    expect(L.formHint("returnCase", { reason: "不属于本市受理范围" })).toBeNull();
  });

  it("leaves the hub's answer (e.g. 案件已由该单位承办) in place while the user edits", () => {
    const hints = L.dialogHints("assign");
    expect(hints.submit({ unitId: "CZ-TN-HPJD" })).toBeNull();
    hints.answered();
    expect(hints.change({ unitId: "CZ-TN-LGJD" })).toBeNull();
  });
});

describe("the page's files", () => {
  it("logic.js works as a plain browser script (window.TongguanLogic)", () => {
    const src = fs.readFileSync(path.join(__dirname, "logic.js"), "utf8");
    const sandbox: Record<string, unknown> = {};
    sandbox.window = sandbox;
    vm.runInNewContext(src, sandbox);
    const B = (sandbox as { TongguanLogic?: typeof L }).TongguanLogic;
    expect(B).toBeDefined();
    expect(B.refusedReason({ errorCode: "UNAUTHORIZED" })).toBe("密钥缺失或无效");
  });

  it("the page loads logic.js before app.js", () => {
    const html = fs.readFileSync(path.join(__dirname, "index.html"), "utf8");
    const a = html.indexOf('src="/console/logic.js"');
    const b = html.indexOf('src="/console/app.js"');
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
  });

  it("no status, outcome or satisfaction table nor legal-action list is declared in the console", () => {
    for (const f of ["app.js", "logic.js"]) {
      const src = fs.readFileSync(path.join(__dirname, f), "utf8");
      for (const label of Object.values(STATUS_LABEL)) expect({ f, label, found: src.includes(label) }).toEqual({ f, label, found: false });
      for (const s of STATUSES) expect({ f, s, table: new RegExp(`\\b${s}\\s*:\\s*["'\`]`).test(src) }).toEqual({ f, s, table: false });
      expect(src).not.toMatch(/\b(STATUS_LABEL|STATUS_ORDER|OUTCOME_LABEL|SATISFACTION_LABEL|EVENT_LABEL|ORIGIN_LABEL|SYSTEM_LABEL|ALLOWED)\b/);
      expect(src).not.toMatch(/["']不办理退单["']|["']非常满意["']/);
      // no outbound kind table ({ sign: "签收", … }) nor a copy of the 超期 statuses
      expect(src).not.toMatch(/\bOUTBOUND_KIND\b|\bOPEN_STATUSES\b/);
      const kinds = `["']?(?:${Object.keys(COMMANDS).join("|")})["']?\\s*:\\s*["'\`]`;
      expect({ f, table: new RegExp(`${kinds}[^"'\`\\n]*["'\`]\\s*,\\s*${kinds}`).test(src) }).toEqual({ f, table: false });
      expect(src).not.toMatch(new RegExp(OVERDUE_STATUSES.map((s) => `["'\`]${s}["'\`]`).join("\\s*,\\s*")));
    }
  });
});
