/**
 * The 12319 城建服务热线 platform, simulated: a real HTTP server (kit/simulator.ts) that receives
 * what the hub sends (签收 accept, 退单 back, 延期 delay, 办理反馈 feedback, 超时提醒 warn), checks each body against
 * this adapter's contracts (400 with the field errors on drift), keeps per-ticket state and, a
 * while after each feedback, calls the caller back and posts the 回访 result to the hub. It can
 * dispatch its sample tickets. Failure switch and inspection come from SimulatorServer:
 *   POST /__sim/mode {failStatus?, failRate?, slowMs?, down?}   GET /__sim/received
 * and, here, GET /__sim/tickets (per-ticket state).
 */
import { validate } from "../../contracts";
import type { Accept12319, Back12319, Delay12319, Feedback12319, Ticket12319, Visit12319, Warn12319 } from "../../contracts/types";
import { SimulatorServer, postJson, type SimRequest, type SimResponse } from "../../kit/simulator";
import { SAMPLE_TICKETS, SCHEMA, SYSTEM, TICKET_PATH, dispatchable } from "./mapping";

export interface Line12319SimulatorOptions {
  hubUrl?: string;
  /** API key of role line12319, sent as X-Api-Key */
  apiKey?: string;
  /** delay between a feedback and the 回访, default 3000 ms */
  callbackDelayMs?: number;
  /** tickets whose FIRST 回访 is 不满意, to demonstrate 重办 */
  dissatisfiedTickets?: string[];
  /** hubReady() dispatches the sample tickets */
  dispatchSamples?: boolean;
  log?: (line: string) => void;
}

export interface VisitRecord {
  body: Visit12319;
  /** the hub's answer: 0 when it could not be reached */
  status: number;
  answer: unknown;
}

export interface TicketState {
  ticketNo: string;
  dispatched: boolean;
  caseId?: string;
  accepted?: Accept12319;
  back?: Back12319;
  delays: Delay12319[];
  feedbacks: Feedback12319[];
  /** 超时提醒: the hub's 预警/催办/督办 notices about the ticket, in arrival order */
  warnings: Warn12319[];
  visits: VisitRecord[];
}

const HUB_PATH = `/api/v1/${SYSTEM}`;
type Action = "accept" | "back" | "delay" | "feedback" | "warn";
const LABEL: Record<Action, string> = { accept: "签收", back: "退单", delay: "延期申请", feedback: "办理反馈", warn: "超时提醒" };
const CONTRACT: Record<Action, string> = { accept: SCHEMA.accept, back: SCHEMA.back, delay: SCHEMA.delay, feedback: SCHEMA.feedback, warn: SCHEMA.warn };

export class Line12319Simulator extends SimulatorServer {
  private hubUrl?: string;
  private apiKey?: string;
  private readonly callbackDelayMs: number;
  private readonly dissatisfied: Set<string>;
  private readonly dispatchSamplesOnReady: boolean;
  private readonly log: (line: string) => void;
  private readonly state = new Map<string, TicketState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = Math.floor(((Date.now() + 8 * 3600_000) % 86_400_000) / 10_000);

  constructor(opts: Line12319SimulatorOptions = {}) {
    const route = (a: Action) => ({ method: "POST", path: `${TICKET_PATH}/:ticketNo/${a}`, handle: (req: SimRequest) => this.onAction(a, req) });
    super(SYSTEM, [route("accept"), route("back"), route("delay"), route("feedback"), route("warn"), { method: "GET", path: "/__sim/tickets", handle: () => ({ status: 200, body: this.tickets() }) }]);
    this.hubUrl = opts.hubUrl?.replace(/\/+$/, "");
    this.apiKey = opts.apiKey;
    this.callbackDelayMs = opts.callbackDelayMs ?? 3000;
    this.dissatisfied = new Set(opts.dissatisfiedTickets ?? []);
    this.dispatchSamplesOnReady = opts.dispatchSamples ?? false;
    this.log = opts.log ?? ((line) => console.log(`[12319模拟] ${line}`));
  }

  setHub(url: string, apiKey?: string): void {
    this.hubUrl = url.replace(/\/+$/, "");
    if (apiKey !== undefined) this.apiKey = apiKey;
  }

  tickets(): TicketState[] {
    return [...this.state.values()];
  }

  ticket(ticketNo: string): TicketState | undefined {
    return this.state.get(ticketNo);
  }

  private stateOf(ticketNo: string): TicketState {
    let s = this.state.get(ticketNo);
    if (!s) this.state.set(ticketNo, (s = { ticketNo, dispatched: false, delays: [], feedbacks: [], warnings: [], visits: [] }));
    return s;
  }

  private onAction(action: Action, req: SimRequest): SimResponse {
    const { ticketNo } = req.params;
    const v = validate<Accept12319 & Back12319 & Delay12319 & Feedback12319 & Warn12319>(CONTRACT[action], req.body);
    if (!v.ok) {
      this.log(`拒收${LABEL[action]} ${ticketNo}：报文不符合约定（${v.errors.map((e) => `${e.pointer} ${e.message}`).join("；")}）`);
      return { status: 400, body: { error: { code: "VALIDATION_FAILED", message: "报文不符合接口约定", messageEn: "body does not match the contract", errors: v.errors } } };
    }
    const s = this.stateOf(ticketNo);
    const b = v.value;
    const note = s.dispatched ? "" : "（非本平台派发）";
    if (action === "accept") {
      s.accepted = b;
      this.log(`签收 ${ticketNo}${note}：${b.signDept}`);
    } else if (action === "back") {
      s.back = b;
      this.log(`退单 ${ticketNo}${note}：${b.backReason}`);
    } else if (action === "warn") {
      s.warnings.push(b);
      this.log(
        `超时提醒 ${ticketNo}${note}：${b.warnType}（${b.limitType}时限 ${b.limitTime}${b.overtime === "是" ? "，已超时" : ""}）${b.handleDept}${b.superviseDept ? `，督办单位 ${b.superviseDept}` : ""}`,
      );
    } else if (action === "delay") {
      s.delays.push(b);
      this.log(`延期申请 ${ticketNo}${note}：${b.applyDept} 申请延至 ${b.delayTo}`);
    } else {
      s.feedbacks.push(b);
      this.log(`办理反馈 ${ticketNo}${note}：${b.handleDept} ${b.handleResult}，${this.callbackDelayMs} ms 后回访`);
      const t = setTimeout(() => {
        this.timers.delete(t);
        void this.visit(ticketNo);
      }, this.callbackDelayMs);
      t.unref();
      this.timers.add(t);
    }
    return { status: 200, body: { code: 0, msg: "成功", ticketNo } };
  }

  /** 回访: the first visit of a ticket listed as dissatisfied is 不满意, every other 满意. */
  private async visit(ticketNo: string): Promise<void> {
    const s = this.stateOf(ticketNo);
    const unhappy = s.visits.length === 0 && this.dissatisfied.has(ticketNo);
    const body: Visit12319 = unhappy
      ? { visitResult: "不满意", visitOpinion: "来电人称问题仍未解决，要求重新处理", visitTime: new Date().toISOString(), visitor: "模拟回访员" }
      : { visitResult: "满意", visitOpinion: "来电人对处理结果表示满意", visitTime: new Date().toISOString(), visitor: "模拟回访员" };
    if (!this.hubUrl) {
      s.visits.push({ body, status: 0, answer: { error: "no hub url" } });
      this.log(`回访 ${ticketNo}：${body.visitResult}，但未配置统管地址，未推送`);
      return;
    }
    const r = await postJson(`${this.hubUrl}${HUB_PATH}${TICKET_PATH}/${encodeURIComponent(ticketNo)}/visit`, body, this.headers(), { attempts: 20, keepTrying: () => this.listening });
    s.visits.push({ body, status: r.status, answer: r.body });
    this.log(`回访 ${ticketNo}：${body.visitResult} → 统管 ${r.status || "不可达"}`);
  }

  private headers(): Record<string, string> {
    return this.apiKey ? { "X-Api-Key": this.apiKey } : {};
  }

  /** 派单: posts one ticket to the hub. */
  async dispatch(ticket: Ticket12319): Promise<{ ticketNo: string; status: number; body: any }> {
    if (!this.hubUrl) throw new Error("未配置统管地址 / hub URL not set: call setHub(url, key) first");
    const s = this.stateOf(ticket.ticketNo);
    s.dispatched = true;
    const r = await postJson(`${this.hubUrl}${HUB_PATH}${TICKET_PATH}`, ticket, this.headers());
    const caseId = (r.body as { caseId?: string } | null)?.caseId;
    if (caseId) s.caseId = caseId;
    this.log(
      `派单 ${ticket.ticketNo}「${ticket.subject ?? ticket.problemDesc?.slice(0, 20) ?? ""}」${(ticket.problemType ?? []).join("/")} → 统管 ${r.status || "不可达"}${caseId ? ` ${caseId}` : ""}`,
    );
    return { ticketNo: ticket.ticketNo, status: r.status, body: r.body };
  }

  /** Posts the sample tickets, accepted now, under fresh numbers. */
  async dispatchSamples(now: Date = new Date()): Promise<Array<{ ticketNo: string; status: number; body: any }>> {
    const out = [];
    for (const sample of SAMPLE_TICKETS) out.push(await this.dispatch(dispatchable(sample, this.seq++, now)));
    return out;
  }

  async hubReady(): Promise<void> {
    if (!this.dispatchSamplesOnReady) return;
    const sent = await this.dispatchSamples();
    this.log(`已派发 ${sent.length} 张示例工单`);
  }

  override async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await super.stop();
  }
}
