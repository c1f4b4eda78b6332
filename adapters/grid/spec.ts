/**
 * The grid adapter's spec (网格化/数字城管): grid members and supervisors report 部件/事件 (信息采集),
 * supervisors answer verification requests (核查结案), and the street offices and departments that
 * work through the grid system receive their dispatches (派遣) there and report back through it.
 * Every event is checked against the city's management.json and units.json before the hub sees it
 * (mapping.ts `checkEvent`): an unknown code is a 422 naming the segment and the value.
 */
import type {
  GridEvent,
  GridFile,
  GridTaskAccept,
  GridTaskFeedback,
  GridTaskRefuse,
  GridVerificationResult,
  HandlerRecall,
  HandlerTask,
  HandlerUrge,
  OriginOverdue,
  Verification,
} from "../../contracts/types";
import { type CityData, loadCities } from "../../domain/routing";
import { type AdapterSpec, callCase, type HubPort } from "../../kit/adapter";
import { requireOneOf } from "../../kit/errors";
import {
  checkEvent,
  type GridCity,
  gridFileProblems,
  SCHEMA,
  SYSTEM,
  toCaseDraft,
  toDispatch,
  toOverdueNotice,
  toRecall,
  toTaskAcceptParams,
  toTaskFeedbackParams,
  toTaskRefuseParams,
  toUrge,
  toVerificationParams,
  toVerificationRequest,
} from "./mapping";
import { GridSimulator } from "./simulator";

export { SCHEMA, SYSTEM } from "./mapping";

/** The API-key role of the grid system (and of its simulator). */
export const GRID_ROLE = "grid";

/** What the hub cannot work without, beyond the contract's required fields. */
const EVENT_NEEDS = [{ fields: ["gridCode", "lng", "address"], zh: "至少需要一项位置信息：网格编码、坐标或地址", en: "some location is needed: grid code, coordinates or address" }];

/** The grid view of one city: its districts, its streets (street units) and its management.json. */
export function gridCityOf(c: CityData, grid: GridFile): GridCity {
  const streets: Record<string, string> = {};
  for (const u of c.units) if (u.kind === "street") streets[u.streetCode] = u.streetName;
  const districts: Record<string, string> = {};
  for (const [code, name] of Object.entries(c.city.districtCodes)) if (name) districts[code] = name;
  return { code: c.code, name: c.name, districts, streets, grid };
}

/**
 * Every city with a management.json (loaded and validated against tongguan:data/management by loadCities),
 * checked for the segments the adapter relies on; a bad file stops start-up with the file and the reason.
 */
export function loadGridCities(cities: CityData[] = loadCities()): GridCity[] {
  const out: GridCity[] = [];
  for (const c of cities) {
    if (!c.management) continue;
    const problems = gridFileProblems(c.management, `${c.dir}/management.json`);
    if (problems.length) throw new Error(`网格数据校验失败 / grid data is inconsistent:\n  ${problems.join("\n  ")}`);
    out.push(gridCityOf(c, c.management));
  }
  return out;
}

let cached: GridCity[] | undefined;
/** The grid cities, read once. */
export function gridCities(): GridCity[] {
  cached ??= loadGridCities();
  return cached;
}

const now = () => new Date().toISOString();

export const grid: AdapterSpec = {
  system: SYSTEM,
  title: "网格化城市管理系统（数字城管）",
  roles: ["source", "handler"],
  basePath: "/v1/grid",
  perTarget: true,
  origin: { label: "数字城管", noun: "上报", assessment: "district" },
  callers: [{ role: GRID_ROLE, label: "网格化城市管理平台", demoKey: "demo-grid-key" }],
  settings: [
    {
      env: "EXT_GRID_URL",
      purpose: "url",
      description: "网格化城市管理平台的接口地址（派遣、核查任务）；未设置时使用内置模拟器 / base URL of the grid system; the built-in simulator when unset",
      example: "https://szcg.example.gov.cn/api",
    },
    {
      env: "EXT_GRID_UNIT_<ID>_URL",
      purpose: "targetUrl",
      description:
        "经网格平台办理的某一单位自己的派遣地址（如区数字化二级平台；CZ-ZL-NDJ-JD → EXT_GRID_UNIT_CZ_ZL_NDJ_JD_URL）；城市数据中的 url 次之，再次为 EXT_GRID_URL / one unit's own dispatch URL",
      example: "https://szcg.zl.example.gov.cn/api",
    },
    { env: "EXT_GRID_API_KEY", purpose: "apiKey", description: "调用网格化城市管理平台时发送的 X-Api-Key（仅来自环境变量） / sent as X-Api-Key to the grid system", example: "（密钥 secret）" },
    { env: "SIM_GRID_PORT", purpose: "simPort", description: "网格化城市管理平台模拟器的固定端口（默认随机） / fixed port of its simulator", example: "4300" },
  ],
  simulator: {
    role: GRID_ROLE,
    create: (sim, log) => new GridSimulator({ acceptDelayMs: sim.unitAcceptMs, workMs: sim.unitWorkMs, verifyDelayMs: sim.callbackDelayMs, dispatchSamplesOnReady: sim.dispatchSamples, log }),
  },
  routes: [
    {
      method: "POST",
      path: "/events",
      kind: "event",
      schema: SCHEMA.event,
      summary: "网格上报：网格员/监督员上报部件或事件，按本市网格编码、部件事件分类和城市范围核对后建立案件（即时处理只记录；同一事件编号重复上报答复 200 duplicate） / a grid report",
      responses: [
        { status: 202, description: "已受理：新建案件 / accepted: a new case", answer: "CaseAccepted" },
        { status: 200, description: "重复上报，未重复建案 / a duplicate: nothing created", answer: "CaseDuplicate" },
      ],
      async handle(body: GridEvent, _params, hub: HubPort) {
        requireOneOf(body as unknown as Record<string, unknown>, EVENT_NEEDS);
        const draft = toCaseDraft(body, checkEvent(body, gridCities()));
        const r = await hub.call<{ caseId: string; duplicate: boolean }>("cases.open", { draft });
        return { status: r.duplicate ? 200 : 202, body: r.duplicate ? { caseId: r.caseId, duplicate: true } : { caseId: r.caseId }, caseId: r.caseId };
      },
    },
    {
      method: "POST",
      path: "/verifications/:verificationId/result",
      kind: "verification-result",
      schema: SCHEMA.verificationResult,
      summary: "核查结果：监督员现场核查，通过则结案，不通过则返工 / a supervisor's verification result",
      handle: (body: GridVerificationResult, params, hub: HubPort) => callCase(hub, "cases.verification", toVerificationParams(params.verificationId, body, now())),
    },
    {
      method: "POST",
      path: "/units/:unitId/tasks/:taskId/accept",
      kind: "task-accept",
      schema: SCHEMA.taskAccept,
      summary: "派遣签收：经网格平台办理的单位签收派遣任务 / a unit signs for a dispatch through the grid system",
      handle: (body: GridTaskAccept, params, hub: HubPort) => callCase(hub, "cases.unitAccept", toTaskAcceptParams(params, body, now())),
    },
    {
      method: "POST",
      path: "/units/:unitId/tasks/:taskId/feedback",
      kind: "task-feedback",
      schema: SCHEMA.taskFeedback,
      summary: "处置反馈：经网格平台办理的单位报送处置结果，城市管理案件随后提请监督员核查 / a unit reports its disposal through the grid system",
      handle: (body: GridTaskFeedback, params, hub: HubPort) => callCase(hub, "cases.unitResult", toTaskFeedbackParams(params, body, now())),
    },
    {
      method: "POST",
      path: "/units/:unitId/tasks/:taskId/refuse",
      kind: "task-refuse",
      schema: SCHEMA.taskRefuse,
      summary: "派遣退回：经网格平台办理的单位认为非本单位职责，退回派遣（统管按规则改派，多次退回则提请派单审定） / a unit refuses a dispatch through the grid system",
      handle: (body: GridTaskRefuse, params, hub: HubPort) => callCase(hub, "cases.unitRefuse", toTaskRefuseParams(params, body)),
    },
  ],
  commands: {
    task: {
      schema: SCHEMA.task,
      summary: "派遣：把案件派给经网格平台办理的街道或部门 / dispatch to a unit that works through the grid system",
      build: (payload, target) => toDispatch(payload as HandlerTask, target),
    },
    urge: {
      schema: SCHEMA.urge,
      summary: "派遣催办/督办：对经网格平台办理的单位预警、催办，或向其上级督办 / urge (or supervise) a unit that works through the grid system",
      build: (payload, target) => toUrge(payload as HandlerUrge, target),
    },
    recall: {
      schema: SCHEMA.recall,
      summary: "派遣撤回：案件改派、退单或提请派单审定时撤回派遣 / recall a dispatch",
      build: (payload, target) => toRecall(payload as HandlerRecall, target),
    },
    verification: {
      schema: SCHEMA.verification,
      summary: "核查任务：请监督员现场核查处置结果（核查结案） / ask a supervisor to verify on site",
      build: (payload) => toVerificationRequest(payload as Verification),
    },
    overdue: {
      schema: SCHEMA.overdue,
      summary: "时限通报：时限巡查对处置单位预警、催办、督办时告知上报该事件的网格平台 / the deadline jobs' notice about an event the grid system reported",
      build: (payload) => toOverdueNotice(payload as OriginOverdue),
    },
  },
};
