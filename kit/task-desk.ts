/**
 * The one task-handling core of the simulated units: the generic unit simulator
 * (adapters/unit/simulator.ts) and a bureau's simulator with a case line (kit/bureau.ts
 * BureauSimulator) both keep their tasks on a `TaskDesk`. It holds the tasks (one round per
 * `generation`, a repeated round answered as a duplicate), plays them per unit (`TaskBehaviour`):
 * an owner task signed after `acceptDelayMs`, optionally followed by an extension request, and
 * replied `workMs` later; refused (退回); silent; failing with 500; a co-unit task (协办) only
 * recorded (or signed with `acceptCoTasks`); urges and recalls recorded (a recall stops the work).
 * What differs between the simulators is data: the wire bodies of the four answers, where they go
 * at the hub, the log prefix and how a task's title, deadline and reply are read.
 */
import type { Outcome } from "../contracts/types";
import type { CaseAnswer } from "./handler";
import { refuseText } from "./handler";
import { HubPoster, type HubPostOptions } from "./hub-link";
import type { SimResponse } from "./simulator";

/** An error answer of a simulator: {error: {code, message, messageEn, errors?}}. */
export function simError(status: number, code: string, message: string, messageEn: string, errors?: unknown): SimResponse {
  return { status, body: { error: { code, message, messageEn, ...(errors !== undefined ? { errors } : {}) } } };
}

/**
 * Where a simulator reports to (the hub's base URL) and with which key; `setHub` once the hub is
 * up. Posts go through kit/hub-link.ts: gathered into POST /api/v1/batch (unless `batch: false`
 * or SIM_HUB_BATCH=off), each answered with its own result, retried while the hub restarts.
 */
export class HubLink {
  url: string;
  apiKey?: string;
  private readonly poster: HubPoster;

  constructor(url?: string, apiKey?: string, opts: HubPostOptions = {}) {
    this.url = (url ?? "").replace(/\/+$/, "");
    this.apiKey = apiKey;
    this.poster = new HubPoster(opts);
  }

  set(url: string, apiKey?: string): void {
    this.url = url.replace(/\/+$/, "");
    if (apiKey !== undefined) this.apiKey = apiKey;
  }

  /** Whether posts are gathered into batches. */
  get batching(): boolean {
    return this.poster.batching;
  }

  /** POST a body to `<hub><path>` with the key, retrying under one Idempotency-Key while the hub restarts. */
  post(path: string, body: unknown, keepTrying: () => boolean): Promise<{ status: number; body: unknown }> {
    return this.poster.post(this.url, this.apiKey, path, body, keepTrying);
  }
}

/** How a simulated unit treats its tasks (key: unitId, or "*" for every unit without its own). */
export interface TaskBehaviour {
  /** record tasks but never answer (to exercise sign-for deadlines and urging) */
  silent?: boolean;
  /** answer deliveries of its tasks (and their urges and recalls) with HTTP 500 */
  fail?: boolean;
  /** refuse (退回) owner tasks instead of signing them */
  refuse?: boolean;
  /** outcome of the reply, default 0 解决 */
  outcome?: Outcome;
  /** after signing, ask to extend the handling deadline by this many (calendar) days */
  extensionDays?: number;
}

export type SimTaskStatus = "received" | "accepted" | "replied" | "refused" | "recalled" | "failed";

/** One call a simulated unit made to the hub, with the hub's answer. */
export interface TaskHubCall {
  kind: CaseAnswer;
  at: string;
  body: unknown;
  status: number;
  answer: unknown;
}

/** What the desk keeps of every task, whatever else a simulator holds with it (U: an urge as recorded, R: the recall). */
export interface HeldTask<U = unknown, R = unknown> {
  unitId: string;
  taskId: string;
  caseId: string;
  role: "owner" | "co";
  rework: number;
  status: SimTaskStatus;
  receivedAt: string;
  urges: U[];
  recall?: R;
  extensionRequested: boolean;
  /** what the simulator sent to the hub for this task, with the hub's answers */
  hubCalls: TaskHubCall[];
  error?: string;
}

/** A task as it arrives: what the simulator read from it, without the desk's own state. */
export type ArrivingTask<T extends HeldTask> = Omit<T, "status" | "receivedAt" | "urges" | "recall" | "extensionRequested" | "hubCalls" | "error">;

type State<T> = T & { generation: number; timers: Set<NodeJS.Timeout> };

export interface TaskDeskOptions<T extends HeldTask> {
  hub: HubLink;
  /** the log line's prefix for a unit: 「[单位 U1]」, 「[公安交警·U1]」 */
  who(unitId: string): string;
  /** delay before signing or refusing, default 500 ms */
  acceptDelayMs?: number;
  /** time from signing to the reply, default 3000 ms */
  workMs?: number;
  /** co-unit tasks (协办) are only recorded; true also signs them */
  acceptCoTasks?: boolean;
  /** a step due for a unit that has turned silent meanwhile is not taken (default: it is) */
  silenceStopsWork?: boolean;
  behaviour?: Record<string, TaskBehaviour>;
  log?: (line: string) => void;
  /** what the desk reads of a task: its title, handling deadline and the reply a unit writes for it */
  title(t: T): string;
  handleDeadline(t: T): string | undefined;
  replyText(t: T, outcome: Outcome): string;
  /** where at the hub an answer on the task goes (a path under the hub's URL) */
  hubPath(t: T, kind: CaseAnswer): string;
  /** the answers in the simulator's wire format */
  bodies: {
    accept(t: T, at: string): unknown;
    result(t: T, outcome: Outcome, text: string, at: string): unknown;
    extension(t: T, until: string, reason: string): unknown;
    refuse(t: T, reason: string, legalBasis: string): unknown;
  };
}

const OUTCOME_WORDS = ["解决", "未解决", "部分解决", "不办理退单"];

/** The tasks of a simulator's units and how they are played. Keys are the simulator's (a taskId, or unit and task). */
export class TaskDesk<T extends HeldTask> {
  private readonly state = new Map<string, State<T>>();
  private readonly behaviours: Record<string, TaskBehaviour>;
  private readonly acceptDelayMs: number;
  private readonly workMs: number;
  private readonly log: (line: string) => void;
  private stopped = false;

  constructor(private readonly o: TaskDeskOptions<T>) {
    this.behaviours = { ...(o.behaviour ?? {}) };
    this.acceptDelayMs = o.acceptDelayMs ?? 500;
    this.workMs = o.workMs ?? 3000;
    this.log = o.log ?? (() => {});
  }

  /** How one unit's tasks ("*": every unit without its own) are treated from now on; {} resets it. */
  setBehaviour(unitId: string, behaviour: TaskBehaviour): void {
    this.behaviours[unitId] = { ...behaviour };
  }

  /** The behaviours set so far, by unit. */
  get behaviour(): Record<string, TaskBehaviour> {
    return this.behaviours;
  }

  behaviourOf(unitId: string): TaskBehaviour {
    return this.behaviours[unitId] ?? this.behaviours["*"] ?? {};
  }

  /** Every task held, oldest first (copies). */
  tasks(): T[] {
    return [...this.state.values()].map((s) => this.view(s));
  }

  /** One task (a copy). */
  task(key: string): T | undefined {
    const s = this.state.get(key);
    return s && this.view(s);
  }

  /** The task itself, for recording on it (urge, recall). */
  held(key: string): T | undefined {
    return this.state.get(key);
  }

  start(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.state.values()) this.cancel(s);
  }

  /** 500 for a unit that fails (behaviour `fail`), else undefined. */
  failing(unitId: string | undefined, taskId: string): SimResponse | undefined {
    if (!unitId || !this.behaviourOf(unitId).fail) return undefined;
    this.log(`${this.o.who(unitId)} 任务 ${taskId} 模拟故障（HTTP 500）`);
    return simError(500, "SIMULATED_FAILURE", "模拟系统故障", "simulated failure");
  }

  /**
   * A task arrives. The same round again (the same rework) while it is still under way or
   * answered: reported as before, nothing new starts. After a recall, refusal or failure, or
   * with a higher rework count (重办), the task starts over.
   */
  receive(key: string, task: ArrivingTask<T>): SimResponse {
    const prev = this.state.get(key);
    if (prev && prev.rework === task.rework && !["recalled", "refused", "failed"].includes(prev.status)) {
      return { status: 200, body: { taskId: task.taskId, status: prev.status, duplicate: true } };
    }
    if (prev) this.cancel(prev);
    const s = {
      ...task,
      status: "received",
      receivedAt: new Date().toISOString(),
      urges: prev?.urges ?? [],
      extensionRequested: false,
      hubCalls: prev?.hubCalls ?? [],
      generation: (prev?.generation ?? 0) + 1,
      timers: new Set<NodeJS.Timeout>(),
    } as unknown as State<T>;
    this.state.set(key, s);
    const role = s.role === "owner" ? "承办" : "协办";
    const rework = s.rework > 0 ? `，第${s.rework}次重办` : "";
    this.log(`${this.o.who(s.unitId)} 收到${role}任务 ${s.taskId}（案件 ${s.caseId}${rework}）：${this.o.title(s)}`);
    this.plan(s);
    return { status: 200, body: { taskId: s.taskId, status: s.status } };
  }

  /** An urge (预警/催办/督办) on a held task: recorded. */
  urged(s: T, urge: T["urges"][number], level: string, text: string): SimResponse {
    s.urges.push(urge);
    this.log(`${this.o.who(s.unitId)} 收到${level}：任务 ${s.taskId}，${text}`);
    return { status: 200, body: { taskId: s.taskId, status: s.status } };
  }

  /** A recall (撤回): the work stops. */
  recalled(s: T, recall: NonNullable<T["recall"]>, reason: string): SimResponse {
    this.cancel(s as State<T>);
    s.status = "recalled";
    s.recall = recall;
    this.log(`${this.o.who(s.unitId)} 任务 ${s.taskId} 已被撤回：${reason}`);
    return { status: 200, body: { taskId: s.taskId, status: s.status } };
  }

  // ---------------------------------------------------------------------------------------------

  private view(s: State<T>): T {
    const { generation: _g, timers: _t, ...rest } = s;
    return structuredClone(rest) as unknown as T;
  }

  private cancel(s: State<T>) {
    for (const t of s.timers) clearTimeout(t);
    s.timers.clear();
  }

  /** Still the same round of this task, not recalled, simulator running. */
  private alive(s: State<T>, gen: number) {
    return !this.stopped && s.generation === gen && s.status !== "recalled";
  }

  private later(s: State<T>, ms: number, fn: () => Promise<void>) {
    const gen = s.generation;
    const t = setTimeout(() => {
      s.timers.delete(t);
      if (!this.alive(s, gen) || (this.o.silenceStopsWork && this.behaviourOf(s.unitId).silent)) return;
      fn().catch((e) => this.fail(s, (e as Error).message));
    }, ms);
    t.unref();
    s.timers.add(t);
  }

  private fail(s: State<T>, why: string) {
    if (s.status === "recalled") return;
    s.status = "failed";
    s.error = why;
    this.log(`${this.o.who(s.unitId)} 任务 ${s.taskId} 处理中断：${why}`);
  }

  private async toHub(s: State<T>, kind: CaseAnswer, body: unknown): Promise<boolean> {
    if (!this.o.hub.url) {
      this.fail(s, "未设置中枢地址（setHub） / hub URL not set");
      return false;
    }
    const res = await this.o.hub.post(this.o.hubPath(s, kind), body, () => !this.stopped);
    s.hubCalls.push({ kind, at: new Date().toISOString(), body, status: res.status, answer: res.body });
    const ok = res.status >= 200 && res.status < 300;
    if (!ok) this.log(`${this.o.who(s.unitId)} 任务 ${s.taskId} ${kind} 被中枢拒绝：HTTP ${res.status}`);
    return ok;
  }

  private plan(s: State<T>) {
    const b = this.behaviourOf(s.unitId);
    if (b.silent) {
      this.log(`${this.o.who(s.unitId)} 任务 ${s.taskId} 不作应答（silent）`);
      return;
    }
    if (s.role === "co") {
      if (this.o.acceptCoTasks) this.later(s, this.acceptDelayMs, () => this.accept(s, s.generation, false));
      return;
    }
    if (b.refuse) this.later(s, this.acceptDelayMs, () => this.refuse(s, s.generation));
    else this.later(s, this.acceptDelayMs, () => this.accept(s, s.generation, true));
  }

  private async refuse(s: State<T>, gen: number) {
    const r = refuseText(this.o.title(s));
    if (!(await this.toHub(s, "refuse", this.o.bodies.refuse(s, r.reason, r.legalBasis)))) return this.fail(s, "退回未被中枢接受");
    if (!this.alive(s, gen)) return;
    s.status = "refused";
    this.log(`${this.o.who(s.unitId)} 退回任务 ${s.taskId}：非本单位职责`);
  }

  private async accept(s: State<T>, gen: number, owner: boolean) {
    if (!(await this.toHub(s, "accept", this.o.bodies.accept(s, new Date().toISOString())))) return this.fail(s, "签收未被中枢接受");
    if (!this.alive(s, gen)) return;
    s.status = "accepted";
    this.log(`${this.o.who(s.unitId)} 签收任务 ${s.taskId}`);
    if (!owner) return;
    const days = this.behaviourOf(s.unitId).extensionDays;
    if (days && days > 0) {
      const deadline = this.o.handleDeadline(s);
      const base = deadline ? Date.parse(deadline) : Date.now();
      const until = new Date(base + days * 86_400_000).toISOString();
      const ok = await this.toHub(s, "extension", this.o.bodies.extension(s, until, `需协调相关部门联合处置，申请延期${days}天。`));
      if (!this.alive(s, gen)) return;
      s.extensionRequested = ok;
      this.log(`${this.o.who(s.unitId)} 任务 ${s.taskId} 申请延期${days}天${ok ? "" : "（未被接受）"}`);
    }
    this.later(s, this.workMs, () => this.reply(s, gen));
  }

  private async reply(s: State<T>, gen: number) {
    const outcome = this.behaviourOf(s.unitId).outcome ?? 0;
    const text = this.o.replyText(s, outcome);
    if (!(await this.toHub(s, "result", this.o.bodies.result(s, outcome, text, new Date().toISOString())))) return this.fail(s, "办理结果未被中枢接受");
    if (!this.alive(s, gen)) return;
    s.status = "replied";
    this.log(`${this.o.who(s.unitId)} 报送任务 ${s.taskId} 办理结果（${OUTCOME_WORDS[outcome]}）`);
  }
}
