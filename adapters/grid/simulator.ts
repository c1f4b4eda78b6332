/**
 * The grid system's stand-in (网格化城市管理平台模拟器): a real HTTP server that receives the hub's
 * dispatches (派遣) with their 催办/督办 and 撤回, verification requests (核查任务) and 时限通报 about
 * the events it reported, logs each in Chinese, plays the units that work through the grid system
 * (签收, then 处置反馈 with a photo after a while; nothing more once a dispatch is recalled) and the
 * supervisors (核查 with a photo: passed by default; `failVerifications` or the marker 【核查不通过】
 * in the feedback makes a case fail once, for 返工). It can also post sample grid events to the hub
 * (`dispatchSamples`).
 * Failure modes (`/__sim/mode`) come from SimulatorServer.
 */
import { validate } from "../../contracts";
import type {
  GridDispatch,
  GridEvent,
  GridOverdueNotice,
  GridRecall,
  GridTaskAccept,
  GridTaskFeedback,
  GridTaskRefuse,
  GridUrge,
  GridVerificationRequest,
  GridVerificationResult,
} from "../../contracts/types";
import type { AdapterSimulator } from "../../kit/adapter";
import { postJson, type SimRequest, type SimResponse, SimulatorServer } from "../../kit/simulator";
import { SCHEMA } from "./mapping";

/** In the feedback text, makes the supervisor fail the case's first verification (返工). */
export const FAIL_MARKER = "【核查不通过】";

/** How one unit on the grid system behaves (key: unitId, or "*" for every unit without its own entry). */
export interface GridUnitBehaviour {
  /** refuse (派遣退回) owner dispatches instead of signing them */
  refuse?: boolean;
  /** record dispatches but never answer */
  silent?: boolean;
}

export interface GridSimulatorOptions {
  /** the hub's base URL (or later via setHub) */
  hubUrl?: string;
  /** API key with role "grid" */
  apiKey?: string;
  /** delay before a unit signs for a dispatch, default 500 ms */
  acceptDelayMs?: number;
  /** from signing to the 处置反馈, default 3000 ms */
  workMs?: number;
  /** delay before a supervisor answers a verification request, default 3000 ms */
  verifyDelayMs?: number;
  /** the first verification of every case fails (返工), the next passes */
  failVerifications?: boolean;
  /** only record dispatches (no 签收 or 反馈), e.g. when real units answer */
  silentUnits?: boolean;
  /** post the sample events when the hub is ready */
  dispatchSamplesOnReady?: boolean;
  log?: (line: string) => void;
}

export interface SimDispatch {
  dispatch: GridDispatch;
  receivedAt: string;
  status: "received" | "accepted" | "reported" | "refused" | "recalled" | "failed";
  /** 催办/督办 received for this dispatch (to its unit or, 督办, to the unit's supervisor) */
  urges: GridUrge[];
  recall?: GridRecall;
  hubCalls: { kind: "accept" | "feedback" | "refuse"; status: number; answer: unknown }[];
}

export interface SimVerification {
  request: GridVerificationRequest;
  receivedAt: string;
  result?: GridVerificationResult;
  status: "received" | "answered" | "failed";
  hubStatus?: number;
  hubAnswer?: unknown;
}

const INSPECTOR = "JD0000001";
const HANDLER = "李强（模拟经办人）";

function simError(status: number, code: string, message: string, messageEn: string, errors?: unknown): SimResponse {
  return { status, body: { error: { code, message, messageEn, ...(errors ? { errors } : {}) } } };
}

/** re-read after an await: a recall may have arrived meanwhile */
const recalled = (s: SimDispatch): boolean => s.status === "recalled";

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** Sample grid events (invented, marked 示例): components and events in 常州 and 宿迁, one 即时处理, one with coordinates only. */
export function sampleEvents(now: Date = new Date()): GridEvent[] {
  const day = `${now.getFullYear()}${pad(now.getMonth() + 1, 2)}${pad(now.getDate(), 2)}`;
  const t = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const photo = (id: string) => [`https://grid.example.gov.cn/photos/${id}-1.jpg`];
  const id = (district: string, n: number) => `GE${district}${day}${pad(n, 4)}`;
  return [
    {
      eventId: id("320404", 1),
      reportedAt: t(30),
      reporter: { id: "JD0401017", role: "监督员" },
      kind: "部件",
      majorCode: "01",
      minorCode: "01",
      objectCode: "3204040101000001",
      gridCode: "32040400100301",
      address: "常州市钟楼区南大街(示例)12号门前人行道",
      lng: 119.956,
      lat: 31.779,
      description: "(示例)人行道上一处上水井盖破损下沉，行人易绊倒。",
      photos: photo(id("320404", 1)),
    },
    {
      eventId: id("320402", 2),
      reportedAt: t(25),
      reporter: { id: "WG0204011", role: "网格员" },
      kind: "事件",
      majorCode: "01",
      minorCode: "02",
      gridCode: "32040200400203",
      address: "常州市天宁区茶山街道(示例)某小区北门外空地",
      description: "(示例)空地上堆有约两平方米暴露垃圾，散发异味。",
      photos: photo(id("320402", 2)),
    },
    {
      // 即时处理: fixed on the spot, recorded only
      eventId: id("321302", 3),
      reportedAt: t(20),
      reporter: { id: "WG1302004", role: "网格员" },
      kind: "事件",
      majorCode: "05",
      minorCode: "02",
      gridCode: "32130200400205",
      address: "宿迁市宿城区古城街道(示例)幸福路菜场东侧",
      description: "(示例)菜场东侧人行道两处流动摊点占道经营，已现场劝离。",
      fixedOnSite: true,
    },
    {
      // coordinates only: no grid code, no address
      eventId: id("320411", 4),
      reportedAt: t(15),
      reporter: { id: "JD1103002", role: "监督员" },
      kind: "事件",
      majorCode: "04",
      minorCode: "02",
      lng: 119.972,
      lat: 31.83,
      description: "(示例)暴雨后下穿通道积水约 30 厘米，车辆涉水缓行。",
    },
    {
      eventId: id("321311", 5),
      reportedAt: t(10),
      reporter: { id: "JD1101006", role: "监督员" },
      kind: "部件",
      majorCode: "03",
      minorCode: "02",
      objectCode: "3213110302000118",
      gridCode: "32131100100102",
      address: "宿迁市宿豫区顺河街道(示例)洪泽湖路公交站旁",
      lng: 118.33,
      lat: 33.95,
      description: "(示例)公交站旁果皮箱箱体破损，桶盖缺失。",
    },
    {
      eventId: id("320412", 6),
      reportedAt: t(5),
      reporter: { id: "JD1201009", role: "监督员" },
      kind: "事件",
      majorCode: "01",
      minorCode: "01",
      gridCode: "32041200300401",
      address: "常州市武进区西湖街道(示例)某小区12幢楼顶",
      description: "(示例)12幢楼顶正在搭建彩钢棚，尚未完工。",
      photos: photo(id("320412", 6)),
    },
  ];
}

export class GridSimulator extends SimulatorServer implements AdapterSimulator {
  private hubUrl: string;
  private apiKey?: string;
  private readonly acceptDelayMs: number;
  private readonly workMs: number;
  private readonly verifyDelayMs: number;
  private failVerifications: boolean;
  private readonly silentUnits: boolean;
  private readonly samplesOnReady: boolean;
  private readonly log: (line: string) => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly behaviours: Record<string, GridUnitBehaviour> = {};
  private readonly failedOnce = new Set<string>();
  readonly dispatches = new Map<string, SimDispatch>();
  readonly verifications = new Map<string, SimVerification>();
  /** 时限通报 received about the events this system reported, in arrival order */
  readonly overdueNotices: GridOverdueNotice[] = [];
  /** urges and recalls for dispatches this simulator never received (kept, answered 200) */
  readonly strayUrges: GridUrge[] = [];
  /** what the hub answered to each posted sample event */
  readonly posted: { eventId: string; status: number; answer: unknown }[] = [];
  private stopped = false;

  constructor(opts: GridSimulatorOptions = {}) {
    super("grid", [
      { method: "POST", path: "/dispatches", handle: (r) => this.onDispatch(r) },
      { method: "POST", path: "/verifications", handle: (r) => this.onVerification(r) },
      { method: "POST", path: "/dispatches/:dispatchId/urge", handle: (r) => this.onUrge(r) },
      { method: "POST", path: "/dispatches/:dispatchId/recall", handle: (r) => this.onRecall(r) },
      { method: "POST", path: "/events/:eventId/overdue", handle: (r) => this.onOverdue(r) },
    ]);
    this.hubUrl = (opts.hubUrl ?? "").replace(/\/+$/, "");
    this.apiKey = opts.apiKey;
    this.acceptDelayMs = opts.acceptDelayMs ?? 500;
    this.workMs = opts.workMs ?? 3000;
    this.verifyDelayMs = opts.verifyDelayMs ?? 3000;
    this.failVerifications = opts.failVerifications ?? false;
    this.silentUnits = opts.silentUnits ?? false;
    this.samplesOnReady = opts.dispatchSamplesOnReady ?? false;
    this.log = opts.log ?? (() => {});
  }

  setHub(url: string, apiKey?: string): void {
    this.hubUrl = url.replace(/\/+$/, "");
    if (apiKey !== undefined) this.apiKey = apiKey;
  }

  /** Change one unit's behaviour ("*": every unit without its own), read when a dispatch arrives. */
  setBehaviour(unitId: string, behaviour: GridUnitBehaviour): void {
    this.behaviours[unitId] = { ...behaviour };
  }

  private behaviourOf(unitId: string): GridUnitBehaviour {
    return this.behaviours[unitId] ?? this.behaviours["*"] ?? {};
  }

  /** From now on, the first verification of every case fails once (返工) — or not. */
  setFailVerifications(on: boolean): void {
    this.failVerifications = on;
  }

  async hubReady(): Promise<void> {
    if (this.samplesOnReady) await this.dispatchSamples();
  }

  override async start(port = 0, host = "127.0.0.1"): Promise<string> {
    this.stopped = false;
    return super.start(port, host);
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await super.stop();
  }

  /** Posts the sample events (or the given ones) to the hub; answers what the hub said to each. */
  async dispatchSamples(events: GridEvent[] = sampleEvents()): Promise<{ eventId: string; status: number; answer: unknown }[]> {
    const out: { eventId: string; status: number; answer: unknown }[] = [];
    for (const ev of events) {
      const res = await this.toHub("/api/v1/grid/events", ev);
      const r = { eventId: ev.eventId, status: res.status, answer: res.body };
      out.push(r);
      this.posted.push(r);
      const what = `${ev.kind} ${ev.majorCode}${ev.minorCode}${ev.fixedOnSite ? "（即时处理）" : ""}`;
      this.log(res.status >= 200 && res.status < 300 ? `[网格] 上报 ${ev.eventId}：${what}，中枢受理 ${res.body?.caseId ?? ""}` : `[网格] 上报 ${ev.eventId}：${what}，被中枢拒绝：HTTP ${res.status}`);
    }
    return out;
  }

  private later(ms: number, fn: () => Promise<void>) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) void fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private async toHub(path: string, body: unknown): Promise<{ status: number; body: any }> {
    if (!this.hubUrl) return { status: 0, body: { error: "未设置中枢地址（setHub） / hub URL not set" } };
    const headers: Record<string, string> = this.apiKey ? { "x-api-key": this.apiKey } : {};
    return postJson(`${this.hubUrl}${path}`, body, headers, { attempts: 20, keepTrying: () => !this.stopped });
  }

  private onDispatch(req: SimRequest): SimResponse {
    const v = validate<GridDispatch>(SCHEMA.task, req.body);
    if (!v.ok) {
      this.log(`[网格] 拒收不合规派遣：${v.errors.map((e) => e.pointer).join(", ")}`);
      return simError(400, "VALIDATION_FAILED", `派遣内容不符合接口约定，共 ${v.errors.length} 处错误`, `the dispatch does not match the contract: ${v.errors.length} error(s)`, v.errors);
    }
    const d = v.value;
    const key = `${d.unitId}|${d.dispatchId}|${d.rework}`;
    const prev = this.dispatches.get(key);
    if (prev && prev.status !== "failed") return { status: 200, body: { dispatchId: d.dispatchId, status: prev.status, duplicate: true } };
    const s: SimDispatch = { dispatch: d, receivedAt: new Date().toISOString(), status: "received", urges: [], hubCalls: [] };
    this.dispatches.set(key, s);
    this.log(`[网格] 收到派遣 ${d.dispatchId}（案件 ${d.caseId}，${d.role}单位 ${d.unitId}${d.rework ? `，第${d.rework}次返工` : ""}）：${d.title}`);
    const b = this.behaviourOf(d.unitId);
    if (!this.silentUnits && !b.silent && d.role === "主办") this.later(this.acceptDelayMs, () => (b.refuse ? this.refuse(s) : this.accept(s)));
    return { status: 200, body: { dispatchId: d.dispatchId, status: s.status } };
  }

  private taskPath(d: GridDispatch, step: string) {
    return `/api/v1/grid/units/${encodeURIComponent(d.unitId)}/tasks/${encodeURIComponent(d.dispatchId)}/${step}`;
  }

  /** The dispatches received with this id (one per unit and round), latest first. */
  dispatchesOf(dispatchId: string): SimDispatch[] {
    return [...this.dispatches.values()].filter((d) => d.dispatch.dispatchId === dispatchId).reverse();
  }

  private invalid(what: string, schema: string, body: unknown): SimResponse | null {
    const v = validate(schema, body);
    if (v.ok) return null;
    this.log(`[网格] 拒收不合规${what}：${v.errors.map((e) => e.pointer).join(", ")}`);
    return simError(400, "VALIDATION_FAILED", `${what}内容不符合接口约定，共 ${v.errors.length} 处错误`, `the ${what} does not match the contract: ${v.errors.length} error(s)`, v.errors);
  }

  private onUrge(req: SimRequest): SimResponse {
    const bad = this.invalid("催办", SCHEMA.urge, req.body);
    if (bad) return bad;
    const u = req.body as GridUrge;
    const s = this.dispatchesOf(req.params.dispatchId)[0];
    if (s) s.urges.push(u);
    else this.strayUrges.push(u);
    this.log(`[网格] 收到${u.level} 派遣 ${u.dispatchId}（案件 ${u.caseId}，发往 ${u.unitId}）：${u.content}`);
    return { status: 200, body: { dispatchId: u.dispatchId, received: true } };
  }

  private onRecall(req: SimRequest): SimResponse {
    const bad = this.invalid("撤回", SCHEMA.recall, req.body);
    if (bad) return bad;
    const r = req.body as GridRecall;
    const s = this.dispatchesOf(req.params.dispatchId).find((d) => d.dispatch.unitId === r.unitId);
    if (s) {
      s.recall = r;
      s.status = "recalled";
    }
    this.log(`[网格] 派遣 ${r.dispatchId} 已撤回（${r.unitId}）：${r.reason}`);
    return { status: 200, body: { dispatchId: r.dispatchId, status: "recalled" } };
  }

  private onOverdue(req: SimRequest): SimResponse {
    const bad = this.invalid("时限通报", SCHEMA.overdue, req.body);
    if (bad) return bad;
    const n = req.body as GridOverdueNotice;
    this.overdueNotices.push(n);
    this.log(
      `[网格] 时限通报 事件 ${n.eventId}（案件 ${n.caseId}）：${n.level}，${n.limitKind}时限 ${n.deadline}${n.overdue ? "，已超期" : ""}，处置单位 ${n.unitName}${n.supervisorName ? `，督办单位 ${n.supervisorName}` : ""}`,
    );
    return { status: 200, body: { eventId: n.eventId, received: true } };
  }

  private async refuse(s: SimDispatch) {
    if (recalled(s)) return;
    const body: GridTaskRefuse = { reason: "(模拟)经核实，该派遣不属于本单位职责，请重新派遣。", handler: HANDLER };
    const res = await this.toHub(this.taskPath(s.dispatch, "refuse"), body);
    s.hubCalls.push({ kind: "refuse", status: res.status, answer: res.body });
    if (recalled(s)) return;
    s.status = res.status >= 200 && res.status < 300 ? "refused" : "failed";
    this.log(`[网格] ${s.dispatch.unitId} 退回派遣 ${s.dispatch.dispatchId}：HTTP ${res.status}`);
  }

  private async accept(s: SimDispatch) {
    if (s.status === "recalled") return;
    const body: GridTaskAccept = { acceptedAt: new Date().toISOString(), handler: HANDLER };
    const res = await this.toHub(this.taskPath(s.dispatch, "accept"), body);
    s.hubCalls.push({ kind: "accept", status: res.status, answer: res.body });
    if (res.status < 200 || res.status > 299) {
      if (recalled(s)) return;
      s.status = "failed";
      this.log(`[网格] 派遣 ${s.dispatch.dispatchId} 签收被中枢拒绝：HTTP ${res.status}`);
      return;
    }
    if (recalled(s)) return;
    s.status = "accepted";
    this.log(`[网格] ${s.dispatch.unitId} 签收派遣 ${s.dispatch.dispatchId}`);
    this.later(this.workMs, () => this.feedback(s));
  }

  private async feedback(s: SimDispatch) {
    if (s.status === "recalled") return;
    const body: GridTaskFeedback = {
      outcome: 0,
      text: `(模拟)已按${s.dispatch.category.path.at(-1) ?? "处置标准"}的结案标准处置完毕，现场已整改。`,
      finishedAt: new Date().toISOString(),
      handler: HANDLER,
      photos: [`https://grid.example.gov.cn/photos/${encodeURIComponent(s.dispatch.dispatchId)}-after.jpg`],
    };
    const res = await this.toHub(this.taskPath(s.dispatch, "feedback"), body);
    s.hubCalls.push({ kind: "feedback", status: res.status, answer: res.body });
    if (res.status < 200 || res.status > 299) {
      s.status = "failed";
      this.log(`[网格] 派遣 ${s.dispatch.dispatchId} 处置反馈被中枢拒绝：HTTP ${res.status}`);
      return;
    }
    if (!recalled(s)) s.status = "reported";
    this.log(`[网格] ${s.dispatch.unitId} 报送派遣 ${s.dispatch.dispatchId} 处置反馈`);
  }

  private onVerification(req: SimRequest): SimResponse {
    const v = validate<GridVerificationRequest>(SCHEMA.verification, req.body);
    if (!v.ok) {
      this.log(`[网格] 拒收不合规核查任务：${v.errors.map((e) => e.pointer).join(", ")}`);
      return simError(
        400,
        "VALIDATION_FAILED",
        `核查任务内容不符合接口约定，共 ${v.errors.length} 处错误`,
        `the verification request does not match the contract: ${v.errors.length} error(s)`,
        v.errors,
      );
    }
    const r = v.value;
    const prev = this.verifications.get(r.verificationId);
    if (prev && prev.status !== "failed") return { status: 200, body: { verificationId: r.verificationId, status: prev.status, duplicate: true } };
    const s: SimVerification = { request: r, receivedAt: new Date().toISOString(), status: "received" };
    this.verifications.set(r.verificationId, s);
    this.log(`[网格] 收到核查任务 ${r.verificationId}（案件 ${r.caseId}${r.ownerUnitName ? `，处置单位 ${r.ownerUnitName}` : ""}）：${r.title}；处置反馈：${r.feedback}`);
    this.later(this.verifyDelayMs, () => this.answer(s));
    return { status: 200, body: { verificationId: r.verificationId, status: s.status } };
  }

  /** Passed, unless this case should fail once (setting or marker) and has not failed yet. */
  private verdict(r: GridVerificationRequest): boolean {
    const wantsFail = this.failVerifications || r.feedback.includes(FAIL_MARKER);
    if (!wantsFail || this.failedOnce.has(r.caseId)) return true;
    this.failedOnce.add(r.caseId);
    return false;
  }

  private async answer(s: SimVerification) {
    const passed = this.verdict(s.request);
    const result: GridVerificationResult = {
      passed,
      inspectorId: INSPECTOR,
      note: passed ? "(模拟)现场核查，已达到结案标准。" : "(模拟)现场核查，问题仍未整改到位，未达到结案标准，返工。",
      checkedAt: new Date().toISOString(),
      photos: [`https://grid.example.gov.cn/photos/${encodeURIComponent(s.request.verificationId)}-check.jpg`],
    };
    s.result = result;
    const res = await this.toHub(`/api/v1/grid/verifications/${encodeURIComponent(s.request.verificationId)}/result`, result);
    s.hubStatus = res.status;
    s.hubAnswer = res.body;
    if (res.status < 200 || res.status > 299) {
      s.status = "failed";
      this.log(`[网格] 核查结果 ${s.request.verificationId} 被中枢拒绝：HTTP ${res.status}`);
      return;
    }
    s.status = "answered";
    this.log(`[网格] 监督员核查 ${s.request.verificationId}（案件 ${s.request.caseId}）：${passed ? "通过，结案" : "不通过，返工"}`);
  }
}
