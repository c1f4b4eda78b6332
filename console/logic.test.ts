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
    expect(L.openFilterLabel(v, L.overdueStatuses(v))).toBe("在办（待人工分拨、待派单审定、已派单待签收、办理中、待核查结案）");
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

describe("派单建议 (proposals) in triage and on the case", () => {
  const routing = {
    decidedBy: "rules",
    reason: "诉求分类「其他/其他诉求」不说明诉求事项",
    proposals: [
      {
        unitId: "CZ-ZL-CGJ",
        unitName: "钟楼区城市管理局",
        categoryCode: "030201",
        categoryPath: ["城市管理", "市容环境", "占道经营"],
        confidence: 0.8734,
        ruleId: "cz-cg",
        reason: "诉求内容中的「占道」「摆摊」",
      },
      { unitId: "CZ-ZL-NDJ-JD", unitName: "南大街街道", categoryCode: "030101", categoryPath: ["城市管理", "市容环境"], confidence: 0.1, reason: "" },
      { unitName: "无编号", confidence: 0.01 },
    ],
    alternatives: [{ unitId: "CZ-ZL-SCJGJ", unitName: "钟楼区市场监督管理局", categoryCode: "050101", categoryPath: ["市场监管", "食品安全"], confidence: 0.004, reason: "x" }],
  };

  it("shows the confidence as a percentage", () => {
    expect(L.percentText(0.8734)).toBe("87%");
    expect(L.percentText(1)).toBe("100%");
    expect(L.percentText(0)).toBe("0%");
    expect(L.percentText(0.004)).toBe("<1%");
    expect(L.percentText(1.7)).toBe("100%");
    expect(L.percentText(null)).toBe("—");
    expect(L.percentText(Number.NaN)).toBe("—");
  });

  it("lists the proposals best first with rank, unit, catalogue path, percentage and reason; skips one without a unit", () => {
    const rows = L.proposalRows(routing, "proposals");
    expect(rows.map((r: { rank: number; unitName: string; path: string; percent: string }) => [r.rank, r.unitName, r.path, r.percent])).toEqual([
      [1, "钟楼区城市管理局", "城市管理 / 市容环境 / 占道经营", "87%"],
      [2, "南大街街道", "城市管理 / 市容环境", "10%"],
    ]);
    expect(rows[0]).toMatchObject({ unitId: "CZ-ZL-CGJ", categoryCode: "030201", ruleId: "cz-cg", reason: "诉求内容中的「占道」「摆摊」" });
    expect(rows[1].ruleId).toBeNull();
    expect(L.proposalRows(routing, "alternatives")).toEqual([expect.objectContaining({ rank: 1, unitName: "钟楼区市场监督管理局", percent: "<1%" })]);
    expect(L.proposalRows(routing)).toHaveLength(2); // proposals by default
    expect(L.proposalRows(null, "proposals")).toEqual([]);
    expect(L.proposalRows({ reason: "x" }, "alternatives")).toEqual([]);
  });

  it("taking a proposal sends its unit AND its catalogue item", () => {
    const [first] = L.proposalRows(routing, "proposals");
    expect(L.proposalAssignBody(first)).toEqual({ unitId: "CZ-ZL-CGJ", categoryCode: "030201" });
    expect(L.proposalAssignBody({ unitId: "CZ-X", categoryCode: null })).toEqual({ unitId: "CZ-X" });
  });
});

describe("派单学习: suggestions, examples, unmapped categories", () => {
  const answer = {
    items: [
      {
        cityCode: "3204",
        code: "030201",
        path: ["城市管理", "市容环境", "占道经营"],
        suggestions: [
          {
            id: "s1",
            kind: "mapping",
            summary: "把 12345 分类「其他/流动摊贩」映射到「城市管理/市容环境/占道经营」",
            change: {},
            file: "cities/changzhou/mappings/hotline12345.json",
            caseIds: ["C1", "C2"],
            support: 2,
            routedNow: 0,
            routedWith: 2,
          },
          { id: "s2", kind: "keywords", summary: "加关键词", file: "cities/changzhou/categories.json", caseIds: [], support: 1, routedNow: 1, routedWith: 1 },
        ],
      },
      { cityCode: "3204", code: "0999", path: [], suggestions: [] },
    ],
    total: 2,
  };

  it("groups suggestions by catalogue item with the path as heading and the figures", () => {
    const groups = L.suggestionGroups(answer);
    expect(groups).toHaveLength(1); // an item without suggestions is left out
    expect(groups[0]).toMatchObject({ key: "3204:030201", heading: "城市管理 / 市容环境 / 占道经营", code: "030201" });
    expect(groups[0].suggestions.map((s: { kindLabel: string }) => s.kindLabel)).toEqual(["分类映射", "关键词"]);
    expect(groups[0].suggestions[0]).toMatchObject({ id: "s1", caseIds: ["C1", "C2"], support: 2, routedNow: 0, routedWith: 2, figures: "2 件样例 · 现规则派对 0 件 → 修改后 2 件" });
    expect(L.suggestionGroups(null)).toEqual([]);
    expect(L.suggestionGroups({ items: [{ code: "01", suggestions: [{ id: "x" }] }] })[0].heading).toBe("01");
  });

  it("names the downloaded file after the last part of its path", () => {
    expect(L.downloadName("cities/changzhou/mappings/hotline12345.json")).toBe("hotline12345.json");
    expect(L.downloadName("cities/suqian/rules.json")).toBe("rules.json");
    expect(L.downloadName("cities\\suqian\\units")).toBe("units.json");
    expect(L.downloadName("")).toBe("file.json");
    expect(L.fileText({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });

  it("labels the examples' kinds and the unmapped categories' via in Chinese", () => {
    expect(["assigned", "reassigned", "adjudicated", "refused"].map(L.exampleKindLabel)).toEqual(["人工派单", "改派", "派单审定", "退回"]);
    expect(["prefix", "vague", "none"].map(L.viaLabel)).toEqual(["仅上级可对应", "分类不说明事项", "无对应"]);
    expect(L.viaLabel("something")).toBe("something");
    expect(L.exampleKindLabel(null)).toBe("");
    expect(L.labelSourceLabel("proposal")).toBe("采纳派单建议");
    expect(L.suggestionKindLabel("rule")).toBe("派单规则");
    // the example kinds carry the names of the lifecycle's actions
    expect(L.EXAMPLE_KIND.assigned).toBe(TRANSITIONS.assign.label);
    expect(L.EXAMPLE_KIND.reassigned).toBe(TRANSITIONS.reassign.label);
  });
});

describe("规则试运行: the period, the candidate files, the report", () => {
  it("turns the period's dates into ISO times in Beijing time, and refuses a reversed one", () => {
    expect(L.periodOf("2024-06-01", "2024-06-30")).toEqual({ query: { from: "2024-06-01T00:00:00+08:00", to: "2024-06-30T23:59:59.999+08:00" } });
    expect(L.periodOf("", "")).toEqual({ query: {} });
    expect(L.periodOf("2024-06-01", "")).toEqual({ query: { from: "2024-06-01T00:00:00+08:00" } });
    expect(L.periodOf("2024-07-01", "2024-06-30")).toEqual({ error: "受理时间起不能晚于受理时间止" });
    expect(L.periodOf("2024/06/01", "")).toEqual({ error: "日期格式应为 YYYY-MM-DD" });
  });

  it("builds the files object from the rows, skipping empty rows", () => {
    const r = L.candidateFiles([
      { name: " changzhou/rules.json ", text: '{"rules": []}' },
      { name: "", text: "  " },
      { name: "cities/suqian/mappings/hotline12345.json", text: '{"system":"hotline12345"}' },
    ]);
    expect(r.errors).toEqual([]);
    expect(r.files).toEqual({ "changzhou/rules.json": { rules: [] }, "suqian/mappings/hotline12345.json": { system: "hotline12345" } });
  });

  it("names every problem with its row: no name, a bad name, a repeated file, no content, bad JSON, not an object, nothing at all", () => {
    const r = L.candidateFiles([
      { name: "", text: "{}" },
      { name: "changzhou/rule.json", text: "{}" },
      { name: "changzhou/rules.json", text: "{}" },
      { name: "cities/changzhou/rules.json", text: "{}" },
      { name: "changzhou/units.json", text: "" },
      { name: "changzhou/categories.json", text: "{oops" },
      { name: "suqian/rules.json", text: "[1]" },
    ]);
    expect(r.errors).toHaveLength(6);
    expect(r.errors[0]).toBe("第 1 个文件：请填写文件名，如 changzhou/rules.json");
    expect(r.errors[1]).toMatch(/^第 2 个文件：文件名「changzhou\/rule\.json」应为/);
    expect(r.errors[2]).toBe("第 4 个文件：「changzhou/rules.json」已在前面给出");
    expect(r.errors[3]).toBe("第 5 个文件（changzhou/units.json）：请粘贴或选择文件内容");
    expect(r.errors[4]).toMatch(/^第 6 个文件（changzhou\/categories\.json）：不是合法的 JSON/);
    expect(r.errors[5]).toBe("第 7 个文件（suqian/rules.json）：内容应为 JSON 对象");
    expect(L.candidateFiles([{ name: "", text: "" }]).errors).toEqual(["请至少给出一个候选文件"]);
  });

  it("formats a report: counts, units (+gains / -losses), rules (before → after), transitions, changed cases", () => {
    const report = {
      total: 12,
      counts: { changedOwner: 2, toTriage: 1, fromTriage: 0, unchanged: 9, decidedByPerson: 1, personAgreed: 1 },
      changes: [
        {
          id: "C1",
          receivedAt: "2024-06-11T08:00:00+08:00",
          status: "DISPATCHED",
          categoryPath: ["城市管理", "占道经营"],
          kind: "owner",
          storedOwnerUnitId: "A",
          before: { triage: false, ownerUnitId: "A", ownerUnitName: "南大街街道", ruleId: "r-street", reason: "属地" },
          after: { triage: false, ownerUnitId: "B", ownerUnitName: "钟楼区城市管理局", ruleId: "r-cg", reason: "条线" },
        },
        {
          id: "C2",
          receivedAt: "2024-06-11T09:00:00+08:00",
          status: "DISPATCHED",
          categoryPath: [],
          kind: "to_triage",
          storedOwnerUnitId: "A",
          before: { triage: false, ownerUnitId: "A", ownerUnitName: "南大街街道", ruleId: "r-street", reason: "属地" },
          after: { triage: true, reason: "没有规则" },
        },
      ],
      decidedByPerson: [],
      byUnit: [
        { unitId: "A", unitName: "南大街街道", gains: 0, losses: 2 },
        { unitId: "B", unitName: "钟楼区城市管理局", gains: 1, losses: 0 },
      ],
      byRule: [{ ruleId: "r-street", before: 5, after: 3 }],
      transitions: [
        { from: "r-street", to: "r-cg", count: 1 },
        { from: "r-street", to: "triage", count: 1 },
      ],
    };
    const v = L.reportView(report);
    expect(v.headline).toBe("共重放 12 件案件，3 件派单会变化");
    expect(v.counts.map((c: { label: string; value: number }) => `${c.label} ${c.value}`)).toEqual([
      "换承办单位 2",
      "转入人工分拨 1",
      "不再人工分拨 0",
      "不变 9",
      "人工决定的案件 1",
      "其中规则与人工一致 1",
    ]);
    expect(v.byUnit.map((u: { unitName: string; gains: string; losses: string; net: number }) => [u.unitName, u.gains, u.losses, u.net])).toEqual([
      ["南大街街道", "+0", "-2", -2],
      ["钟楼区城市管理局", "+1", "-0", 1],
    ]);
    expect(v.byRule).toEqual([{ ruleId: "r-street", before: 5, after: 3, text: "5 → 3" }]);
    expect(v.transitions.map((t: { text: string; count: number }) => `${t.text} ×${t.count}`)).toEqual(["r-street → r-cg ×1", "r-street → 人工分拨 ×1"]);
    expect(v.changes[0]).toMatchObject({
      id: "C1",
      kindLabel: "换承办单位",
      path: "城市管理 / 占道经营",
      before: "南大街街道（规则 r-street）",
      after: "钟楼区城市管理局（规则 r-cg）",
      beforeReason: "属地",
      afterReason: "条线",
    });
    expect(v.changes[1]).toMatchObject({ kindLabel: "转入人工分拨", after: "人工分拨", afterReason: "没有规则" });
    expect(L.changeKindLabel("from_triage")).toBe("不再人工分拨");
    const empty = L.reportView({ total: 4, counts: { unchanged: 4 } });
    expect(empty.headline).toBe("共重放 4 件案件，派单均无变化");
    expect(empty.changes).toEqual([]);
    expect(L.reportView(null).total).toBe(0);
    expect(L.sideText(null)).toBe("—");
  });
});

describe("派单目录: basis, keywords, owner chain, filter", () => {
  const answer = {
    items: [
      { cityCode: "3204", code: "03", path: ["城市管理"], dispatchable: false, keywords: [], basis: null, owners: [] },
      {
        cityCode: "3204",
        code: "030201",
        path: ["城市管理", "市容环境", "占道经营"],
        dispatchable: true,
        triage: false,
        description: "流动摊贩、店外经营",
        keywords: ["占道", "摆摊"],
        basis: { source: "《常州市城市管理领域职责清单》", item: "占道经营查处", ref: "第 12 项" },
        owners: [{ ruleId: "cz-cg", ruleName: "城管条线", principle: "条线", chain: ["钟楼区城市管理局", "属地街道/镇"], why: "占道经营查处属城管" }],
      },
      { cityCode: "3213", code: "0101", path: ["住房", "物业"], dispatchable: true, keywords: ["物业"], basis: { source: "宿迁市权责清单", item: "物业监管" }, owners: [] },
    ],
  };

  it("writes the basis and an owner rule in a line", () => {
    expect(L.basisText(answer.items[1].basis)).toBe("《常州市城市管理领域职责清单》：占道经营查处（第 12 项）");
    expect(L.basisText({ source: "宿迁市权责清单", item: "物业监管" })).toBe("宿迁市权责清单：物业监管");
    expect(L.basisText(null)).toBe("");
    expect(L.ownerText(answer.items[1].owners[0])).toBe("城管条线（条线）：钟楼区城市管理局 → 属地街道/镇");
    expect(L.ownerText({ ruleId: "r1", chain: [] })).toBe("r1");
  });

  it("groups by city with the cities' names, and filters by every word of the box", () => {
    const all = L.catalogueView(answer, "", { "3204": "常州市" });
    expect(all.groups.map((g: { cityName: string; items: unknown[] }) => [g.cityName, g.items.length])).toEqual([
      ["常州市", 2],
      ["城市 3213", 1],
    ]);
    expect(all).toMatchObject({ shown: 3, total: 3 });
    expect(all.groups[0].items[1]).toMatchObject({
      code: "030201",
      path: "城市管理 / 市容环境 / 占道经营",
      dispatchable: true,
      keywords: ["占道", "摆摊"],
      basis: "《常州市城市管理领域职责清单》：占道经营查处（第 12 项）",
    });
    expect(all.groups[0].items[1].owners).toEqual([{ ruleId: "cz-cg", text: "城管条线（条线）：钟楼区城市管理局 → 属地街道/镇", why: "占道经营查处属城管" }]);
    // by keyword, by owner, by code, by basis; every word must match
    const codes = (q: string) => L.catalogueView(answer, q).groups.flatMap((g: { items: { code: string }[] }) => g.items.map((i) => i.code));
    expect(codes("摆摊")).toEqual(["030201"]);
    expect(codes("城市管理局")).toEqual(["030201"]);
    expect(codes("0101")).toEqual(["0101"]);
    expect(codes("权责清单 物业")).toEqual(["0101"]);
    expect(codes("城市管理 物业")).toEqual([]);
    expect(L.catalogueView(null, "x")).toEqual({ groups: [], shown: 0, total: 0 });
  });
});

describe("navigation to the routing pages", () => {
  it("opens 派单目录 for both roles and 派单学习 / 规则试运行 for engineers only", () => {
    expect(L.routeFor("#/catalogue", "agent")).toEqual({ view: "catalogue" });
    expect(L.routeFor("#/catalogue", "engineer")).toEqual({ view: "catalogue" });
    expect(L.routeFor("#/learning", "engineer")).toEqual({ view: "learning" });
    expect(L.routeFor("#/dry-run", "engineer")).toEqual({ view: "dryrun" });
    expect(L.routeFor("#/learning", "agent")).toEqual({ view: "cases", redirect: "#/cases", notice: "派单学习仅对集成工程师开放，当前密钥角色为坐席" });
    expect(L.routeFor("#/dry-run", "agent").notice).toBe("规则试运行仅对集成工程师开放，当前密钥角色为坐席");
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
