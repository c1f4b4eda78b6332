/**
 * One HTTP server that plays every handling unit (承办单位): the unitId is in the path. It
 * receives tasks, urges and recalls as the generic unit interface defines them and, for the
 * owner, signs (签收), optionally asks for an extension (延期) and replies (办理结果) to the hub,
 * or refuses (退回) when told to. Failure modes (`/__sim/mode`) come from SimulatorServer.
 */
import { SimulatorServer, postJson, type SimRequest, type SimResponse } from "../../kit/simulator";
import { validate } from "../../contracts";
import { refuseText, replyText } from "../../kit/handler";
import type { Outcome, UnitAccept, UnitExtension, UnitNotice, UnitRecall, UnitRefuse, UnitResult, UnitTask, UnitUrge } from "../../contracts/types";

/** How one unit behaves (key: unitId, or "*" for every unit without its own entry). */
export interface UnitBehaviour {
  /** refuse (退回) owner tasks instead of signing them */
  refuse?: boolean;
  /** outcome of the reply, default 0 解决 */
  outcome?: Outcome;
  /** after signing, ask to extend the handling deadline by this many (calendar) days */
  extensionDays?: number;
  /** record tasks but never answer (to exercise sign-for deadlines and urging) */
  silent?: boolean;
}

export interface UnitSimulatorOptions {
  /** the hub's base URL, e.g. http://127.0.0.1:3000 (or later via setHub) */
  hubUrl?: string;
  /** API key with role "units", sent as X-Api-Key */
  apiKey?: string;
  /** delay before signing or refusing, default 500 ms */
  acceptDelayMs?: number;
  /** time from signing to the reply, default 3000 ms */
  workMs?: number;
  behaviour?: Record<string, UnitBehaviour>;
  /** co-unit tasks (协办) are only recorded; true also signs them */
  acceptCoTasks?: boolean;
  log?: (line: string) => void;
}

export type SimTaskStatus = "received" | "accepted" | "replied" | "refused" | "recalled" | "failed";

export interface SimHubCall {
  kind: "accept" | "extension" | "result" | "refuse";
  at: string;
  body: unknown;
  status: number;
  answer: unknown;
}

export interface SimTask {
  unitId: string;
  taskId: string;
  caseId: string;
  role: UnitTask["role"];
  rework: number;
  status: SimTaskStatus;
  receivedAt: string;
  task: UnitTask;
  urges: UnitUrge[];
  recall?: UnitRecall;
  extensionRequested: boolean;
  /** what the simulator sent to the hub for this task, with the hub's answers */
  hubCalls: SimHubCall[];
  error?: string;
}

interface TaskState extends SimTask {
  generation: number;
  timers: Set<NodeJS.Timeout>;
}

const HANDLER = "张伟（模拟经办人）";

/** The reply texts are the kit's (kit/handler.ts), shared with the bureaus' simulators. */
export { replyText };

const enc = encodeURIComponent;

function simError(status: number, code: string, message: string, messageEn: string, errors?: unknown): SimResponse {
  return { status, body: { error: { code, message, messageEn, ...(errors ? { errors } : {}) } } };
}

export class UnitSimulator extends SimulatorServer {
  private hubUrl: string;
  private apiKey?: string;
  private readonly acceptDelayMs: number;
  private readonly workMs: number;
  private readonly behaviours: Record<string, UnitBehaviour>;
  private readonly acceptCoTasks: boolean;
  private readonly log: (line: string) => void;
  private readonly state = new Map<string, TaskState>();
  /** 抄告单 received, by unit */
  readonly notices: { unitId: string; notice: UnitNotice; at: string }[] = [];
  /** 督办单 received as a supervisor, about tasks other units hold */
  readonly supervisions: { unitId: string; urge: UnitUrge; at: string }[] = [];
  private stopped = false;

  constructor(opts: UnitSimulatorOptions = {}) {
    super("unit", [
      { method: "POST", path: "/units/:unitId/tasks", handle: (r) => this.onTask(r) },
      { method: "POST", path: "/units/:unitId/tasks/:taskId/urge", handle: (r) => this.onUrge(r) },
      { method: "POST", path: "/units/:unitId/tasks/:taskId/recall", handle: (r) => this.onRecall(r) },
      { method: "POST", path: "/units/:unitId/notices", handle: (r) => this.onNotice(r) },
      { method: "POST", path: "/units/:unitId/supervisions", handle: (r) => this.onSupervision(r) },
    ]);
    this.hubUrl = (opts.hubUrl ?? "").replace(/\/+$/, "");
    this.apiKey = opts.apiKey;
    this.acceptDelayMs = opts.acceptDelayMs ?? 500;
    this.workMs = opts.workMs ?? 3000;
    this.behaviours = { ...(opts.behaviour ?? {}) };
    this.acceptCoTasks = opts.acceptCoTasks ?? false;
    this.log = opts.log ?? (() => {});
  }

  /** The hub starts after the simulator: tell it where the hub is and the "units" key. */
  setHub(url: string, apiKey?: string): void {
    this.hubUrl = url.replace(/\/+$/, "");
    if (apiKey !== undefined) this.apiKey = apiKey;
  }

  /** Change one unit's behaviour (read when each step of a task runs). */
  setBehaviour(unitId: string, behaviour: UnitBehaviour): void {
    this.behaviours[unitId] = { ...behaviour };
  }

  /** Every task received so far, oldest first (copies). */
  tasks(): SimTask[] {
    return [...this.state.values()].map((s) => this.view(s));
  }

  task(unitId: string, taskId: string): SimTask | undefined {
    const s = this.state.get(this.key(unitId, taskId));
    return s && this.view(s);
  }

  override async start(port = 0, host = "127.0.0.1"): Promise<string> {
    this.stopped = false;
    return super.start(port, host);
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.state.values()) this.cancel(s);
    await super.stop();
  }

  // ---------------------------------------------------------------------------------------------

  private key(unitId: string, taskId: string) {
    return `${unitId}\u0000${taskId}`;
  }

  private view(s: TaskState): SimTask {
    const { generation: _g, timers: _t, ...rest } = s;
    return structuredClone(rest);
  }

  private behaviourOf(unitId: string): UnitBehaviour {
    return this.behaviours[unitId] ?? this.behaviours["*"] ?? {};
  }

  private cancel(s: TaskState) {
    for (const t of s.timers) clearTimeout(t);
    s.timers.clear();
  }

  private later(s: TaskState, ms: number, fn: () => Promise<void>) {
    const gen = s.generation;
    const t = setTimeout(() => {
      s.timers.delete(t);
      if (this.stopped || s.generation !== gen || s.status === "recalled") return;
      fn().catch((e) => this.fail(s, (e as Error).message));
    }, ms);
    t.unref();
    s.timers.add(t);
  }

  /** Still the same round of this task, not recalled, simulator running. */
  private alive(s: TaskState, gen: number) {
    return !this.stopped && s.generation === gen && s.status !== "recalled";
  }

  private fail(s: TaskState, why: string) {
    if (s.status === "recalled") return;
    s.status = "failed";
    s.error = why;
    this.log(`[单位 ${s.unitId}] 任务 ${s.taskId} 处理中断：${why}`);
  }

  private async toHub(s: TaskState, kind: SimHubCall["kind"], body: UnitAccept | UnitResult | UnitExtension | UnitRefuse): Promise<boolean> {
    if (!this.hubUrl) {
      this.fail(s, "未设置中枢地址（setHub） / hub URL not set");
      return false;
    }
    const url = `${this.hubUrl}/api/v1/units/${enc(s.unitId)}/tasks/${enc(s.taskId)}/${kind}`;
    const headers: Record<string, string> = this.apiKey ? { "x-api-key": this.apiKey } : {};
    const res = await postJson(url, body, headers, { attempts: 20, keepTrying: () => !this.stopped });
    s.hubCalls.push({ kind, at: new Date().toISOString(), body, status: res.status, answer: res.body });
    const ok = res.status >= 200 && res.status < 300;
    if (!ok) this.log(`[单位 ${s.unitId}] 任务 ${s.taskId} ${kind} 被中枢拒绝：HTTP ${res.status}`);
    return ok;
  }

  private onTask(req: SimRequest): SimResponse {
    const unitId = req.params.unitId;
    const v = validate<UnitTask>("tongguan:unit/task", req.body);
    if (!v.ok) {
      this.log(`[单位 ${unitId}] 拒收不合规任务：${v.errors.map((e) => e.pointer).join(", ")}`);
      return simError(400, "VALIDATION_FAILED", `任务内容不符合接口约定，共 ${v.errors.length} 处错误`, `the task does not match the contract: ${v.errors.length} error(s)`, v.errors);
    }
    const task = v.value;
    const k = this.key(unitId, task.taskId);
    const prev = this.state.get(k);
    // The same round again (no Idempotency-Key, or a new one) while it is still under way or
    // answered: report as before and start nothing. After a recall, refusal or failure, or with a
    // higher rework count (重办), the task starts over.
    if (prev && prev.rework === task.rework && !["recalled", "refused", "failed"].includes(prev.status)) {
      return { status: 200, body: { taskId: task.taskId, status: prev.status, duplicate: true } };
    }
    if (prev) this.cancel(prev);
    const s: TaskState = {
      unitId,
      taskId: task.taskId,
      caseId: task.caseId,
      role: task.role,
      rework: task.rework,
      status: "received",
      receivedAt: new Date().toISOString(),
      task,
      urges: prev?.urges ?? [],
      extensionRequested: false,
      hubCalls: prev?.hubCalls ?? [],
      generation: (prev?.generation ?? 0) + 1,
      timers: new Set(),
    };
    this.state.set(k, s);
    const role = task.role === "owner" ? "承办" : "协办";
    const rework = task.rework > 0 ? `，第${task.rework}次重办` : "";
    this.log(`[单位 ${unitId}] 收到${role}任务 ${task.taskId}（案件 ${task.caseId}${rework}）：${task.title}`);
    this.plan(s);
    return { status: 200, body: { taskId: task.taskId, status: s.status } };
  }

  private plan(s: TaskState) {
    const b = this.behaviourOf(s.unitId);
    if (b.silent) {
      this.log(`[单位 ${s.unitId}] 任务 ${s.taskId} 不作应答（silent）`);
      return;
    }
    if (s.role === "co") {
      if (this.acceptCoTasks) this.later(s, this.acceptDelayMs, () => this.accept(s, s.generation, false));
      return;
    }
    if (b.refuse) {
      this.later(s, this.acceptDelayMs, () => this.refuse(s, s.generation));
      return;
    }
    this.later(s, this.acceptDelayMs, () => this.accept(s, s.generation, true));
  }

  private async refuse(s: TaskState, gen: number) {
    const body: UnitRefuse = refuseText(s.task.title);
    if (!(await this.toHub(s, "refuse", body))) return this.fail(s, "退回未被中枢接受");
    if (!this.alive(s, gen)) return;
    s.status = "refused";
    this.log(`[单位 ${s.unitId}] 退回任务 ${s.taskId}：非本单位职责`);
  }

  private async accept(s: TaskState, gen: number, owner: boolean) {
    const body: UnitAccept = { acceptedAt: new Date().toISOString(), handler: HANDLER };
    if (!(await this.toHub(s, "accept", body))) return this.fail(s, "签收未被中枢接受");
    if (!this.alive(s, gen)) return;
    s.status = "accepted";
    this.log(`[单位 ${s.unitId}] 签收任务 ${s.taskId}`);
    if (!owner) return;
    const days = this.behaviourOf(s.unitId).extensionDays;
    if (days && days > 0) {
      const base = s.task.handleDeadline ? Date.parse(s.task.handleDeadline) : Date.now();
      const ext: UnitExtension = {
        until: new Date(base + days * 86_400_000).toISOString(),
        reason: `需协调相关部门联合处置，申请延期${days}天。`,
      };
      const ok = await this.toHub(s, "extension", ext);
      if (!this.alive(s, gen)) return;
      s.extensionRequested = ok;
      this.log(`[单位 ${s.unitId}] 任务 ${s.taskId} 申请延期${days}天${ok ? "" : "（未被接受）"}`);
    }
    this.later(s, this.workMs, () => this.reply(s, gen));
  }

  private async reply(s: TaskState, gen: number) {
    const outcome = this.behaviourOf(s.unitId).outcome ?? 0;
    const body: UnitResult = { outcome, text: replyText(s.task, outcome), finishedAt: new Date().toISOString(), handler: HANDLER };
    if (!(await this.toHub(s, "result", body))) return this.fail(s, "办理结果未被中枢接受");
    if (!this.alive(s, gen)) return;
    s.status = "replied";
    this.log(`[单位 ${s.unitId}] 报送任务 ${s.taskId} 办理结果（${["解决", "未解决", "部分解决", "不办理退单"][outcome]}）`);
  }

  private follow<T extends { taskId: string }>(req: SimRequest, schema: string, what: string): { s: TaskState; body: T } | SimResponse {
    const { unitId, taskId } = req.params;
    const v = validate<T>(schema, req.body);
    if (!v.ok) return simError(400, "VALIDATION_FAILED", `${what}内容不符合接口约定，共 ${v.errors.length} 处错误`, `the body does not match the contract: ${v.errors.length} error(s)`, v.errors);
    if (v.value.taskId !== taskId) {
      return simError(400, "TASK_MISMATCH", `路径中的任务编号 ${taskId} 与消息中的 ${v.value.taskId} 不一致`, `taskId in the path (${taskId}) differs from the body's (${v.value.taskId})`);
    }
    const s = this.state.get(this.key(unitId, taskId));
    if (!s) return simError(404, "TASK_NOT_FOUND", `本单位没有任务 ${taskId}`, `unit ${unitId} has no task ${taskId}`);
    return { s, body: v.value };
  }

  private onUrge(req: SimRequest): SimResponse {
    const f = this.follow<UnitUrge>(req, "tongguan:unit/urge", "催办");
    if (!("s" in f)) return f;
    f.s.urges.push(f.body);
    this.log(`[单位 ${f.s.unitId}] 收到${f.body.level}：任务 ${f.s.taskId}，${f.body.text}`);
    return { status: 200, body: { taskId: f.s.taskId, status: f.s.status } };
  }

  /** 督办单 to a supervisor: about a task another unit holds (ownerUnitId), so it is recorded, not matched to a task here. */
  private onSupervision(req: SimRequest): SimResponse {
    const v = validate<UnitUrge>("tongguan:unit/urge", req.body);
    if (!v.ok) return simError(400, "VALIDATION_FAILED", `督办单内容不符合接口约定，共 ${v.errors.length} 处错误`, `the body does not match the contract: ${v.errors.length} error(s)`, v.errors);
    if (!v.value.ownerUnitId) return simError(400, "OWNER_MISSING", "督办单须注明承办单位（ownerUnitId）", "a supervision names the unit holding the task (ownerUnitId)");
    this.supervisions.push({ unitId: req.params.unitId, urge: v.value, at: new Date().toISOString() });
    this.log(`[单位 ${req.params.unitId}] 收到督办单：${v.value.ownerUnitName ?? v.value.ownerUnitId}承办的任务 ${v.value.taskId}，${v.value.text}`);
    return { status: 200, body: { taskId: v.value.taskId, status: "received" } };
  }

  private onRecall(req: SimRequest): SimResponse {
    const f = this.follow<UnitRecall>(req, "tongguan:unit/recall", "撤回");
    if (!("s" in f)) return f;
    this.cancel(f.s);
    f.s.status = "recalled";
    f.s.recall = f.body;
    this.log(`[单位 ${f.s.unitId}] 任务 ${f.s.taskId} 已被撤回：${f.body.reason}`);
    return { status: 200, body: { taskId: f.s.taskId, status: f.s.status } };
  }

  private onNotice(req: SimRequest): SimResponse {
    const v = validate<UnitNotice>("tongguan:unit/notice", req.body);
    if (!v.ok) return simError(400, "VALIDATION_FAILED", `抄告单内容不符合接口约定，共 ${v.errors.length} 处错误`, `the body does not match the contract: ${v.errors.length} error(s)`, v.errors);
    this.notices.push({ unitId: req.params.unitId, notice: v.value, at: new Date().toISOString() });
    this.log(`[单位 ${req.params.unitId}] 收到抄告单 ${v.value.noticeId}：${v.value.subject.name ?? v.value.subject.id}`);
    return { status: 200, body: { noticeId: v.value.noticeId, received: true } };
  }
}
