/**
 * The 12345 platform, simulated: a real HTTP server that receives what the hub sends (签收,
 * 退单, 延期, 回复, 时限通报), checks each body against this adapter's contracts (400 with the field
 * errors on drift), keeps per-order state and, a while after each reply, calls the citizen back
 * and posts the 回访 result to the hub. It also dispatches work orders to the hub: the 8 samples
 * and a steady generated stream. Failure switch and inspection come from SimulatorServer:
 *   POST /__sim/mode {failStatus?, failRate?, slowMs?, down?}   GET /__sim/received
 * and, here, GET /__sim/orders (per-order state).
 */
import fs from "node:fs";
import path from "node:path";
import { ROOT, validate } from "../../contracts";
import type { Callback12345, Extension12345, Overdue12345, Reply12345, Return12345, Sign12345, WorkOrder12345 } from "../../contracts/types";
import { SimulatorServer, postJson, type SimRequest, type SimResponse } from "../../kit/simulator";
import { maskName, maskPhone } from "../../lib/mask";
import { OUTCOME_LABEL, SATISFACTION_LABEL, SCHEMA, fromSample, generateOrder, type WorkOrderSample } from "./mapping";

export interface Hotline12345SimulatorOptions {
  /** the hub's base URL (http://host:port); may be set later with setHub() */
  hubUrl?: string;
  /** API key of role hotline12345, sent as X-Api-Key */
  apiKey?: string;
  /** delay between a reply and the 回访 callback, default 3000 ms */
  callbackDelayMs?: number;
  /** 0..1: share of callbacks answered 0 不满意 (default 0) */
  dissatisfiedRate?: number;
  /** orders whose FIRST callback is 0 不满意, to demonstrate 重办 */
  dissatisfiedOrders?: string[];
  /** one short Chinese line per event; default console.log */
  log?: (line: string) => void;
  /** what hubReady() does: dispatch the samples, then generated orders at this rate (0 = none) */
  onHubReady?: { samples: boolean; perMinute: number };
  /** random source (tests), default Math.random */
  rand?: () => number;
}

export interface CallbackRecord {
  at: string;
  satisfaction: 0 | 1 | 2 | 3;
  comment: string;
  /** the hub's answer: 0 when it could not be reached */
  status: number;
  body: unknown;
}

export interface OrderState {
  orderNo: string;
  /** dispatched by this simulator (false: first seen in a message from the hub) */
  dispatched: boolean;
  title?: string;
  caseId?: string;
  signedAt?: string;
  signedBy?: string;
  returned?: Return12345;
  extensions: Extension12345[];
  replies: Reply12345[];
  /** 时限通报: the hub's 预警/催办/督办 notices about the order, in arrival order */
  overdue: Overdue12345[];
  callbacks: CallbackRecord[];
}

export interface DispatchResult {
  orderNo: string;
  status: number;
  body: any;
}

/** The local copy first (a clone without ../shared still works), then the shared one. */
export const SAMPLE_FILES = [path.join(__dirname, "samples", "work-orders.sample.json"), path.resolve(ROOT, "..", "shared", "samples", "work-orders.sample.json")];

export function loadSamples(): WorkOrderSample[] {
  const file = SAMPLE_FILES.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`找不到12345样例工单 / sample work orders not found: ${SAMPLE_FILES.join(", ")}`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as WorkOrderSample[];
}

const HUB_PATH = "/api/v1/hotline12345";
type Action = "sign" | "return" | "extension" | "reply" | "overdue";
const ACTION_LABEL: Record<Action, string> = { sign: "签收", return: "退单", extension: "延期申请", reply: "回复", overdue: "时限通报" };

export class Hotline12345Simulator extends SimulatorServer {
  private hubUrl?: string;
  private apiKey?: string;
  private readonly callbackDelayMs: number;
  private readonly dissatisfiedRate: number;
  private readonly dissatisfiedOrders: Set<string>;
  private readonly log: (line: string) => void;
  private readonly rand: () => number;
  private readonly state = new Map<string, OrderState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private generator?: NodeJS.Timeout;
  private seq: number;
  private readonly onHubReady?: { samples: boolean; perMinute: number };

  constructor(opts: Hotline12345SimulatorOptions = {}) {
    const action = (a: Action, schema: string) => ({
      method: "POST",
      path: `/work-orders/:orderNo/${a}`,
      handle: (req: SimRequest) => this.onAction(a, schema, req),
    });
    super("hotline12345", [
      action("sign", SCHEMA.sign),
      action("return", SCHEMA.return),
      action("extension", SCHEMA.extension),
      action("reply", SCHEMA.reply),
      action("overdue", SCHEMA.overdue),
      { method: "GET", path: "/__sim/orders", handle: () => ({ status: 200, body: this.orders() }) },
    ]);
    this.hubUrl = opts.hubUrl?.replace(/\/+$/, "");
    this.apiKey = opts.apiKey;
    this.callbackDelayMs = opts.callbackDelayMs ?? 3000;
    this.dissatisfiedRate = opts.dissatisfiedRate ?? 0;
    this.dissatisfiedOrders = new Set(opts.dissatisfiedOrders ?? []);
    this.log = opts.log ?? ((line) => console.log(`[12345模拟] ${line}`));
    this.onHubReady = opts.onHubReady;
    this.rand = opts.rand ?? Math.random;
    // a restart later the same day continues above the earlier numbers (100 orders/s of headroom)
    const secondOfDay = Math.floor(((Date.now() + 8 * 3600_000) % 86_400_000) / 1000);
    this.seq = secondOfDay * 100;
  }

  /** The hub's URL and key, once known (the simulator starts before the hub's port is). */
  setHub(url: string, apiKey?: string): void {
    this.hubUrl = url.replace(/\/+$/, "");
    if (apiKey !== undefined) this.apiKey = apiKey;
  }

  /** Per-order state, in order of first appearance. */
  orders(): OrderState[] {
    return [...this.state.values()];
  }

  order(orderNo: string): OrderState | undefined {
    return this.state.get(orderNo);
  }

  private stateOf(orderNo: string): OrderState {
    let s = this.state.get(orderNo);
    if (!s) {
      s = { orderNo, dispatched: false, extensions: [], replies: [], overdue: [], callbacks: [] };
      this.state.set(orderNo, s);
    }
    return s;
  }

  private onAction(action: Action, schema: string, req: SimRequest): SimResponse {
    const { orderNo } = req.params;
    const v = validate<Sign12345 | Return12345 | Extension12345 | Reply12345 | Overdue12345>(schema, req.body);
    if (!v.ok) {
      this.log(`拒收${ACTION_LABEL[action]} ${orderNo}：报文不符合约定（${v.errors.map((e) => `${e.pointer} ${e.message}`).join("；")}）`);
      return { status: 400, body: { error: { code: "VALIDATION_FAILED", message: "报文不符合接口约定", messageEn: "body does not match the contract", errors: v.errors } } };
    }
    const s = this.stateOf(orderNo);
    const note = s.dispatched ? "" : "（非本平台派发）";
    switch (action) {
      case "sign": {
        const b = v.value as Sign12345;
        s.signedAt = b.signedAt;
        s.signedBy = b.unitName;
        this.log(`签收 ${orderNo}${note}：${b.unitName}`);
        break;
      }
      case "return": {
        const b = v.value as Return12345;
        s.returned = b;
        this.log(`退单 ${orderNo}${note}：${b.reason}`);
        break;
      }
      case "extension": {
        const b = v.value as Extension12345;
        s.extensions.push(b);
        this.log(`延期申请 ${orderNo}${note}：${b.unitName} 申请延至 ${b.until}`);
        break;
      }
      case "overdue": {
        const b = v.value as Overdue12345;
        s.overdue.push(b);
        this.log(`时限通报 ${orderNo}${note}：${b.level}（${b.limitType} ${b.deadline}${b.overdue ? "，已超期" : ""}）${b.unitName}${b.supervisorName ? `，督办单位 ${b.supervisorName}` : ""}`);
        break;
      }
      case "reply": {
        const b = v.value as Reply12345;
        s.replies.push(b);
        this.log(`回复 ${orderNo}${note}：${b.unitName} 办理结果 ${b.outcome} ${OUTCOME_LABEL[b.outcome]}，${this.callbackDelayMs} ms 后回访`);
        this.scheduleCallback(orderNo);
        break;
      }
    }
    return { status: 200, body: { ok: true, orderNo } };
  }

  private scheduleCallback(orderNo: string): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.callBack(orderNo);
    }, this.callbackDelayMs);
    t.unref();
    this.timers.add(t);
  }

  /** 回访: decide the satisfaction and post it to the hub. */
  private async callBack(orderNo: string): Promise<void> {
    const s = this.stateOf(orderNo);
    const first = s.callbacks.length === 0;
    const dissatisfied = (first && this.dissatisfiedOrders.has(orderNo)) || this.rand() < this.dissatisfiedRate;
    const satisfaction: 0 | 2 | 3 = dissatisfied ? 0 : this.rand() < 0.7 ? 2 : 3;
    const comment = dissatisfied ? "市民表示问题仍未解决，要求重新办理" : satisfaction === 3 ? "市民对处理结果非常满意" : "市民对处理结果表示满意";
    const body: Callback12345 = { satisfaction, comment, calledBackAt: new Date().toISOString() };
    if (!this.hubUrl) {
      this.log(`回访 ${orderNo}：满意度 ${satisfaction} ${SATISFACTION_LABEL[satisfaction]}，但未配置统管地址，未推送`);
      s.callbacks.push({ at: body.calledBackAt!, satisfaction, comment, status: 0, body: { error: "no hub url" } });
      return;
    }
    const r = await postJson(`${this.hubUrl}${HUB_PATH}/work-orders/${encodeURIComponent(orderNo)}/callback`, body, this.headers(), { attempts: 20, keepTrying: () => this.listening });
    s.callbacks.push({ at: body.calledBackAt!, satisfaction, comment, status: r.status, body: r.body });
    this.log(`回访 ${orderNo}：满意度 ${satisfaction} ${SATISFACTION_LABEL[satisfaction]} → 统管 ${r.status || "不可达"}${r.status >= 300 ? ` ${brief(r.body)}` : ""}`);
  }

  private headers(): Record<string, string> {
    return this.apiKey ? { "X-Api-Key": this.apiKey } : {};
  }

  /** 派单: posts one work order to the hub. */
  async dispatch(order: WorkOrder12345): Promise<DispatchResult> {
    if (!this.hubUrl) throw new Error("未配置统管地址 / hub URL not set: call setHub(url, key) first");
    const s = this.stateOf(order.orderNo);
    s.dispatched = true;
    s.title = order.title;
    const r = await postJson(`${this.hubUrl}${HUB_PATH}/work-orders`, order, this.headers());
    const caseId = r.body && typeof r.body === "object" ? (r.body as { caseId?: string }).caseId : undefined;
    if (caseId) s.caseId = caseId;
    const who = order.caller?.confidential ? "保密来电人" : `${maskName(order.caller?.name) ?? ""} ${maskPhone(order.caller?.phone) ?? "无电话"}`;
    const answer = r.status === 202 ? `已建案 ${caseId}` : r.status === 200 ? `重复派单 ${caseId ?? ""}` : r.status === 0 ? "统管不可达" : brief(r.body);
    this.log(`派单 ${order.orderNo}「${order.title}」${order.region?.district ?? order.region?.districtCode ?? ""} ${who} → 统管 ${r.status} ${answer}`);
    return { orderNo: order.orderNo, status: r.status, body: r.body };
  }

  /** Called by the hub once it answers: the demo's stream of work orders starts. */
  async hubReady(): Promise<void> {
    if (!this.onHubReady) return;
    if (this.onHubReady.samples) {
      const sent = await this.dispatchSamples(new Date());
      this.log(`已派发 ${sent.length} 张示例工单`);
    }
    if (this.onHubReady.perMinute > 0) this.startGenerator(this.onHubReady.perMinute);
  }

  /** Posts the 8 sample orders, times shifted so that receivedAt = now. */
  async dispatchSamples(now: Date = new Date()): Promise<DispatchResult[]> {
    const out: DispatchResult[] = [];
    for (const sample of loadSamples()) out.push(await this.dispatch(fromSample(sample, now)));
    return out;
  }

  /** Posts generated orders at `perMinute` per minute until stopGenerator() (or stop()). */
  startGenerator(perMinute: number): void {
    this.stopGenerator();
    if (!(perMinute > 0)) return;
    const every = Math.max(50, Math.round(60_000 / perMinute));
    this.generator = setInterval(() => {
      if (!this.hubUrl) return;
      const order = generateOrder(this.seq++, new Date(), this.rand);
      void this.dispatch(order).catch((e: Error) => this.log(`派单失败 ${order.orderNo}：${e.message}`));
    }, every);
    this.generator.unref();
    this.log(`开始模拟派单：每分钟 ${perMinute} 单`);
  }

  stopGenerator(): void {
    if (!this.generator) return;
    clearInterval(this.generator);
    this.generator = undefined;
    this.log("停止模拟派单");
  }

  /** Stops the server, the generator and every pending 回访. */
  override async stop(): Promise<void> {
    this.stopGenerator();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await super.stop();
  }
}

function brief(body: unknown): string {
  if (body && typeof body === "object") {
    const e = (body as { error?: { message?: string; code?: string } | string }).error;
    if (typeof e === "string") return e;
    if (e?.message) return e.message;
    if (e?.code) return e.code;
  }
  return typeof body === "string" ? body.slice(0, 80) : (JSON.stringify(body)?.slice(0, 80) ?? "");
}
