/**
 * One HTTP server that plays every handling unit (承办单位): the unitId is in the path. It
 * receives tasks, urges and recalls as the generic unit interface defines them and, for the
 * owner, signs (签收), optionally asks for an extension (延期) and replies (办理结果) to the hub,
 * or refuses (退回) when told to. How a task is played (per unit: silent, fail, refuse, outcome,
 * extension) is the kit's task desk (kit/task-desk.ts), the same one the bureaus' simulators keep
 * their units' tasks on; this file holds the generic interface's wire. Failure modes
 * (`/__sim/mode`) come from SimulatorServer.
 */
import { SimulatorServer, type SimRequest, type SimResponse } from "../../kit/simulator";
import { validate } from "../../contracts";
import { replyText } from "../../kit/handler";
import { type HeldTask, HubLink, simError, type TaskBehaviour, TaskDesk, type TaskHubCall } from "../../kit/task-desk";
import type { UnitAccept, UnitExtension, UnitNotice, UnitRecall, UnitRefuse, UnitResult, UnitTask, UnitUrge } from "../../contracts/types";

/** How one unit behaves (key: unitId, or "*" for every unit without its own entry): the kit's task behaviour (kit/task-desk.ts). */
export type UnitBehaviour = TaskBehaviour;

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

export type { SimTaskStatus } from "../../kit/task-desk";
export type SimHubCall = TaskHubCall;

export interface SimTask extends HeldTask<UnitUrge, UnitRecall> {
  role: UnitTask["role"];
  task: UnitTask;
}

const HANDLER = "张伟（模拟经办人）";

/** The reply texts are the kit's (kit/handler.ts), shared with the bureaus' simulators. */
export { replyText };

const enc = encodeURIComponent;

export class UnitSimulator extends SimulatorServer {
  private readonly hub: HubLink;
  private readonly desk: TaskDesk<SimTask>;
  private readonly log: (line: string) => void;
  /** 抄告单 received, by unit */
  readonly notices: { unitId: string; notice: UnitNotice; at: string }[] = [];
  /** 督办单 received as a supervisor, about tasks other units hold */
  readonly supervisions: { unitId: string; urge: UnitUrge; at: string }[] = [];

  constructor(opts: UnitSimulatorOptions = {}) {
    super("unit", [
      { method: "POST", path: "/units/:unitId/tasks", handle: (r) => this.onTask(r) },
      { method: "POST", path: "/units/:unitId/tasks/:taskId/urge", handle: (r) => this.onUrge(r) },
      { method: "POST", path: "/units/:unitId/tasks/:taskId/recall", handle: (r) => this.onRecall(r) },
      { method: "POST", path: "/units/:unitId/notices", handle: (r) => this.onNotice(r) },
      { method: "POST", path: "/units/:unitId/supervisions", handle: (r) => this.onSupervision(r) },
    ]);
    this.hub = new HubLink(opts.hubUrl, opts.apiKey);
    const log = opts.log ?? (() => {});
    this.log = log;
    this.desk = new TaskDesk<SimTask>({
      hub: this.hub,
      who: (unitId) => `[单位 ${unitId}]`,
      acceptDelayMs: opts.acceptDelayMs,
      workMs: opts.workMs,
      acceptCoTasks: opts.acceptCoTasks,
      behaviour: opts.behaviour,
      log,
      title: (t) => t.task.title,
      handleDeadline: (t) => t.task.handleDeadline ?? undefined,
      replyText: (t, outcome) => replyText(t.task, outcome),
      hubPath: (t, kind) => `/api/v1/units/${enc(t.unitId)}/tasks/${enc(t.taskId)}/${kind}`,
      bodies: {
        accept: (_t, at): UnitAccept => ({ acceptedAt: at, handler: HANDLER }),
        result: (_t, outcome, text, at): UnitResult => ({ outcome, text, finishedAt: at, handler: HANDLER }),
        extension: (_t, until, reason): UnitExtension => ({ until, reason }),
        refuse: (_t, reason, legalBasis): UnitRefuse => ({ reason, legalBasis }),
      },
    });
  }

  /** The hub starts after the simulator: tell it where the hub is and the "units" key. */
  setHub(url: string, apiKey?: string): void {
    this.hub.set(url, apiKey);
  }

  /** Change one unit's behaviour (read when each step of a task runs). */
  setBehaviour(unitId: string, behaviour: UnitBehaviour): void {
    this.desk.setBehaviour(unitId, behaviour);
  }

  /** Every task received so far, oldest first (copies). */
  tasks(): SimTask[] {
    return this.desk.tasks();
  }

  task(unitId: string, taskId: string): SimTask | undefined {
    return this.desk.task(this.key(unitId, taskId));
  }

  override async start(port = 0, host = "127.0.0.1"): Promise<string> {
    this.desk.start();
    return super.start(port, host);
  }

  override async stop(): Promise<void> {
    this.desk.stop();
    await super.stop();
  }

  // ---------------------------------------------------------------------------------------------

  private key(unitId: string, taskId: string) {
    return `${unitId}\u0000${taskId}`;
  }

  private onTask(req: SimRequest): SimResponse {
    const unitId = req.params.unitId;
    const v = validate<UnitTask>("tongguan:unit/task", req.body);
    if (!v.ok) {
      this.log(`[单位 ${unitId}] 拒收不合规任务：${v.errors.map((e) => e.pointer).join(", ")}`);
      return simError(400, "VALIDATION_FAILED", `任务内容不符合接口约定，共 ${v.errors.length} 处错误`, `the task does not match the contract: ${v.errors.length} error(s)`, v.errors);
    }
    const task = v.value;
    const failing = this.desk.failing(unitId, task.taskId);
    if (failing) return failing;
    return this.desk.receive(this.key(unitId, task.taskId), { unitId, taskId: task.taskId, caseId: task.caseId, role: task.role, rework: task.rework, task });
  }

  private follow<T extends { taskId: string }>(req: SimRequest, schema: string, what: string): { s: SimTask; body: T } | SimResponse {
    const { unitId, taskId } = req.params;
    const v = validate<T>(schema, req.body);
    if (!v.ok) return simError(400, "VALIDATION_FAILED", `${what}内容不符合接口约定，共 ${v.errors.length} 处错误`, `the body does not match the contract: ${v.errors.length} error(s)`, v.errors);
    if (v.value.taskId !== taskId) {
      return simError(400, "TASK_MISMATCH", `路径中的任务编号 ${taskId} 与消息中的 ${v.value.taskId} 不一致`, `taskId in the path (${taskId}) differs from the body's (${v.value.taskId})`);
    }
    const failing = this.desk.failing(unitId, taskId);
    if (failing) return failing;
    const s = this.desk.held(this.key(unitId, taskId));
    if (!s) return simError(404, "TASK_NOT_FOUND", `本单位没有任务 ${taskId}`, `unit ${unitId} has no task ${taskId}`);
    return { s, body: v.value };
  }

  private onUrge(req: SimRequest): SimResponse {
    const f = this.follow<UnitUrge>(req, "tongguan:unit/urge", "催办");
    if (!("s" in f)) return f;
    return this.desk.urged(f.s, f.body, f.body.level, f.body.text);
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
    return this.desk.recalled(f.s, f.body, f.body.reason);
  }

  private onNotice(req: SimRequest): SimResponse {
    const v = validate<UnitNotice>("tongguan:unit/notice", req.body);
    if (!v.ok) return simError(400, "VALIDATION_FAILED", `抄告单内容不符合接口约定，共 ${v.errors.length} 处错误`, `the body does not match the contract: ${v.errors.length} error(s)`, v.errors);
    this.notices.push({ unitId: req.params.unitId, notice: v.value, at: new Date().toISOString() });
    this.log(`[单位 ${req.params.unitId}] 收到抄告单 ${v.value.noticeId}：${v.value.subject.name ?? v.value.subject.id}`);
    return { status: 200, body: { noticeId: v.value.noticeId, received: true } };
  }
}
