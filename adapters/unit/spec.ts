/**
 * The generic handling-unit adapter (承办单位通用接口): every unit without a bureau-specific
 * adapter receives tasks over HTTP at its own base URL and reports back on these routes.
 */
import { BATCH_PATH, callCase, type AdapterSpec, type InboundRoute } from "../../kit/adapter";
import { UnitSimulator } from "./simulator";
import type { UnitAccept, UnitExtension, UnitNotice, UnitRecall, UnitRefuse, UnitResult, UnitTask, UnitUrge } from "../../contracts/types";
import { buildNotice, buildRecall, buildTask, buildUrge, toAcceptParams, toExtensionParams, toRefuseParams, toResultParams } from "./mapping";

/** API-key role shared by a gateway that speaks for all units. */
export const ALL_UNITS_ROLE = "units";

/** API-key role of one unit: `unit.<unitId>`. */
export const unitRole = (unitId: string): string => `unit.${unitId}`;

const answer = callCase;

const now = () => new Date().toISOString();

const routes: InboundRoute[] = [
  {
    method: "POST",
    path: "/:unitId/tasks/:taskId/accept",
    kind: "accept",
    schema: "tongguan:unit/accept",
    summary: "签收任务 / sign for a task",
    handle: (body: UnitAccept, params, hub) => answer(hub, "cases.unitAccept", toAcceptParams(params, body, now())),
  },
  {
    method: "POST",
    path: "/:unitId/tasks/:taskId/result",
    kind: "result",
    schema: "tongguan:unit/result",
    summary: "报送办理结果 / report the handling result",
    handle: (body: UnitResult, params, hub) => answer(hub, "cases.unitResult", toResultParams(params, body, now())),
  },
  {
    method: "POST",
    path: "/:unitId/tasks/:taskId/extension",
    kind: "extension",
    schema: "tongguan:unit/extension",
    summary: "申请延期 / request an extension of the handling deadline",
    handle: (body: UnitExtension, params, hub) => answer(hub, "cases.unitExtension", toExtensionParams(params, body)),
  },
  {
    method: "POST",
    path: "/:unitId/tasks/:taskId/refuse",
    kind: "refuse",
    schema: "tongguan:unit/refuse",
    summary: "退回任务（非本单位职责） / refuse a task that is not this unit's responsibility",
    handle: (body: UnitRefuse, params, hub) => answer(hub, "cases.unitRefuse", toRefuseParams(params, body)),
  },
];

export const unit: AdapterSpec = {
  system: "unit",
  title: "承办单位（通用接口）",
  roles: ["handler"],
  basePath: "/v1/units",
  perTarget: true,
  defaultHandler: true,
  callers: [{ role: ALL_UNITS_ROLE, label: "承办单位网关", demoKey: "demo-units-key" }],
  rolePrefix: { prefix: "unit.", label: "承办单位" },
  settings: [
    {
      env: "EXT_UNITS_URL",
      purpose: "url",
      description: "所有未单独配置地址的承办单位共用的接口地址；未设置时使用内置模拟器 / base URL for every unit without its own",
      example: "https://units-gateway.example.gov.cn",
    },
    {
      env: "EXT_UNIT_<ID>_URL",
      purpose: "targetUrl",
      description: "某一承办单位自己的接口地址（CZ-ZL-CGJ → EXT_UNIT_CZ_ZL_CGJ_URL）；城市数据中的 url 次之 / one unit's own base URL",
      example: "https://cgj.zl.example.gov.cn/tongguan",
    },
    { env: "EXT_UNITS_API_KEY", purpose: "apiKey", description: "调用承办单位接口时发送的 X-Api-Key / sent as X-Api-Key to units", example: "（密钥 secret）" },
    { env: "SIM_UNIT_PORT", purpose: "simPort", description: "承办单位模拟器的固定端口（默认随机） / fixed port of the unit simulator", example: "4200" },
  ],
  simulator: {
    role: ALL_UNITS_ROLE,
    create: (sim, log) => new UnitSimulator({ acceptDelayMs: sim.unitAcceptMs, workMs: sim.unitWorkMs, log }),
  },
  routes,
  batch: { path: BATCH_PATH, max: 100 },
  commands: {
    task: {
      schema: "tongguan:unit/task",
      summary: "派发任务 / dispatch a task to a unit (owner or co-unit)",
      build: (payload, target) => buildTask(payload as UnitTask, target),
    },
    urge: {
      schema: "tongguan:unit/urge",
      summary: "催办/督办 / urge or supervise the owner unit",
      build: (payload, target) => buildUrge(payload as UnitUrge, target),
    },
    recall: {
      schema: "tongguan:unit/recall",
      summary: "撤回任务 / recall a task (the case moved elsewhere)",
      build: (payload, target) => buildRecall(payload as UnitRecall, target),
    },
    notice: {
      schema: "tongguan:unit/notice",
      summary: "抄告单 / a notice of measures to take about a subject (联合惩戒抄告)",
      build: (payload, target) => buildNotice(payload as UnitNotice, target),
    },
  },
  /** `units` (a gateway for all units) or `unit.<unitId>` for the unit named in the path. */
  authorize(role: string, params: Record<string, string>): boolean {
    if (role === ALL_UNITS_ROLE) return true;
    const unitId = params.unitId;
    return typeof unitId === "string" && unitId.length > 0 && role === unitRole(unitId);
  },
};
