/**
 * The public-credit platform's stand-in (公共信用信息共享平台模拟器): a real HTTP server that takes
 * the hub's 双公示 penalty records (POST /xzcf), list decisions (POST /lists) and revocations
 * (POST /xzcf|lists/{SJID}/revoke), checks each against the platform's contract, records it and
 * logs it in Chinese — without personal data: the records hold ID numbers whole, the log lines
 * name the decision and the party only. It posts credit repair decisions (`repair(decisionNo)`)
 * and comprehensive credit levels (`level(code, grade)`) to the hub, from code or over HTTP:
 *   POST /__sim/repair {decisionNo, basis?, stopsPublication?, at?}
 *   POST /__sim/level  {code, level, type?, name?, evaluatedAt?, source?}
 *   GET  /__sim/records
 * Failure modes (`setMode`, `/__sim/mode`: fail with a status, be slow, be down) come from SimulatorServer.
 */
import { validate } from "../../contracts";
import type { CreditLevel, CreditListEntry, CreditPenalty, CreditRepair, CreditRevocation } from "../../contracts/types";
import type { AdapterSimulator } from "../../kit/adapter";
import { postJson, type SimRequest, type SimResponse, SimulatorServer } from "../../kit/simulator";
import { SCHEMA } from "./mapping";

export interface CreditSimulatorOptions {
  /** the hub's base URL (or later via setHub) */
  hubUrl?: string;
  /** API key with role "credit" */
  apiKey?: string;
  log?: (line: string) => void;
}

/** One record as the platform holds it: its latest version, how often it was sent, its revocation and repair. */
export interface SimCreditRecord {
  kind: "penalty" | "list";
  body: CreditPenalty | CreditListEntry;
  receivedAt: string;
  versions: number;
  revoked?: CreditRevocation;
  repaired?: CreditRepair;
}

/** What the hub answered to a repair or a level the simulator posted. */
export interface HubAnswer {
  status: number;
  body: any;
}

const DEFAULT_REPAIR_BASIS = "(模拟)《失信行为纠正后的信用信息修复管理办法（试行）》：已履行行政处罚决定、最短公示期届满并作出信用承诺";

function simError(status: number, code: string, message: string, messageEn: string, errors?: unknown): SimResponse {
  return { status, body: { error: { code, message, messageEn, ...(errors ? { errors } : {}) } } };
}

export class CreditSimulator extends SimulatorServer implements AdapterSimulator {
  private hubUrl: string;
  private apiKey?: string;
  private readonly log: (line: string) => void;
  private stopped = false;
  private repairs = 0;
  /** every record received, by SJID */
  readonly records = new Map<string, SimCreditRecord>();
  /** what the hub answered to each repair and level posted */
  readonly posted: { kind: "repair" | "level"; body: CreditRepair | CreditLevel; status: number; answer: unknown }[] = [];

  constructor(opts: CreditSimulatorOptions = {}) {
    super("credit", [
      { method: "POST", path: "/xzcf", handle: (r) => this.onRecord("penalty", r) },
      { method: "POST", path: "/lists", handle: (r) => this.onRecord("list", r) },
      { method: "POST", path: "/xzcf/:sjid/revoke", handle: (r) => this.onRevoke("penalty", r) },
      { method: "POST", path: "/lists/:sjid/revoke", handle: (r) => this.onRevoke("list", r) },
      { method: "GET", path: "/__sim/records", handle: () => ({ status: 200, body: [...this.records.entries()].map(([id, r]) => ({ id, ...r })) }) },
      { method: "POST", path: "/__sim/repair", handle: (r) => this.onSimRepair(r) },
      { method: "POST", path: "/__sim/level", handle: (r) => this.onSimLevel(r) },
    ]);
    this.hubUrl = (opts.hubUrl ?? "").replace(/\/+$/, "");
    this.apiKey = opts.apiKey;
    this.log = opts.log ?? (() => {});
  }

  setHub(url: string, apiKey?: string): void {
    this.hubUrl = url.replace(/\/+$/, "");
    if (apiKey !== undefined) this.apiKey = apiKey;
  }

  override async start(port = 0, host = "127.0.0.1"): Promise<string> {
    this.stopped = false;
    return super.start(port, host);
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    await super.stop();
  }

  // -------------------------------------------------------------------------------------------
  // What the e2e tests read

  /** The penalty record or list entry published under this SJID (its latest version), or undefined. */
  published(recordId: string): CreditPenalty | CreditListEntry | undefined {
    return this.records.get(recordId)?.body;
  }

  /** The revocation of this SJID, or undefined when it was not revoked. */
  revoked(recordId: string): CreditRevocation | undefined {
    return this.records.get(recordId)?.revoked;
  }

  /** Every list entry received (latest versions, revoked ones too: see `revoked`). */
  lists(): CreditListEntry[] {
    return [...this.records.values()].filter((r) => r.kind === "list").map((r) => r.body as CreditListEntry);
  }

  /** Every penalty record received (latest versions). */
  penalties(): CreditPenalty[] {
    return [...this.records.values()].filter((r) => r.kind === "penalty").map((r) => r.body as CreditPenalty);
  }

  // -------------------------------------------------------------------------------------------
  // The platform → the hub

  /**
   * Posts a credit repair decision for a decision number (行政处罚决定书文号, or a list's 认定文书号)
   * to the hub, with the SJID of the record that carries it when the platform holds one.
   */
  async repair(decisionNo: string, opts: { basis?: string; stopsPublication?: boolean; at?: string } = {}): Promise<HubAnswer> {
    const held = [...this.records.entries()].find(([, r]) => ("CF_WSH" in r.body ? r.body.CF_WSH : r.body.RDWSH) === decisionNo);
    const body: CreditRepair = {
      XFBH: `XF-SIM-${String(++this.repairs).padStart(5, "0")}`,
      CF_WSH: decisionNo,
      ...(held ? { SJID: held[0] } : {}),
      ...(held?.[1].body.XDR_MC ? { XDR_MC: held[1].body.XDR_MC } : {}),
      XFSJ: opts.at ?? new Date().toISOString(),
      XFYJ: opts.basis ?? DEFAULT_REPAIR_BASIS,
      TZGS: opts.stopsPublication === false ? "0" : "1",
      XFJG: "(模拟)公共信用信息中心",
    };
    const res = await this.toHub("/api/v1/credit/repairs", body);
    this.posted.push({ kind: "repair", body, status: res.status, answer: res.body });
    const ok = res.status >= 200 && res.status < 300;
    if (ok && held) held[1].repaired = body;
    this.log(ok ? `[信用] 信用修复 ${decisionNo}${body.TZGS === "1" ? "，停止公示" : "，继续公示（标注已修复）"}` : `[信用] 信用修复 ${decisionNo} 被中枢拒绝：HTTP ${res.status}`);
    return res;
  }

  /** Posts a subject's comprehensive credit level (A–D or 优/良/中/差) to the hub. */
  async level(code: string, grade: CreditLevel["PJDJ"], opts: { type?: CreditLevel["ZTLB"]; name?: string; evaluatedAt?: string; source?: string } = {}): Promise<HubAnswer> {
    const body: CreditLevel = {
      ZTLB: opts.type ?? "法人及非法人组织",
      ZTDM: code,
      ...(opts.name ? { ZTMC: opts.name } : {}),
      PJDJ: grade,
      PJRQ: opts.evaluatedAt ?? new Date().toISOString(),
      ...(opts.source ? { PJLY: opts.source } : {}),
    };
    const res = await this.toHub("/api/v1/credit/levels", body);
    this.posted.push({ kind: "level", body, status: res.status, answer: res.body });
    this.log(res.status >= 200 && res.status < 300 ? `[信用] 推送综合评价 ${opts.name ?? code}：${grade}` : `[信用] 综合评价 ${code} 被中枢拒绝：HTTP ${res.status}`);
    return res;
  }

  private async toHub(path: string, body: unknown): Promise<HubAnswer> {
    if (!this.hubUrl) return { status: 0, body: { error: "未设置中枢地址（setHub） / hub URL not set" } };
    const headers: Record<string, string> = this.apiKey ? { "x-api-key": this.apiKey } : {};
    return postJson(`${this.hubUrl}${path}`, body, headers, { attempts: 20, keepTrying: () => !this.stopped });
  }

  // -------------------------------------------------------------------------------------------
  // The hub → the platform

  private onRecord(kind: "penalty" | "list", req: SimRequest): SimResponse {
    const schema = kind === "list" ? SCHEMA.listEntry : SCHEMA.penalty;
    const what = kind === "list" ? "名单认定信息" : "行政处罚信息";
    const v = validate<CreditPenalty | CreditListEntry>(schema, req.body);
    if (!v.ok) {
      this.log(`[信用] 拒收不合规${what}：${v.errors.map((e) => e.pointer).join(", ")}`);
      return simError(400, "VALIDATION_FAILED", `${what}不符合报送规范，共 ${v.errors.length} 处错误`, `the ${kind} record does not match the contract: ${v.errors.length} error(s)`, v.errors);
    }
    const b = v.value;
    const prev = this.records.get(b.SJID);
    if (prev && prev.kind !== kind) return simError(409, "KIND_MISMATCH", `数据标识 ${b.SJID} 已用于其他类别的信息`, `SJID ${b.SJID} is already a ${prev.kind} record`);
    const receivedAt = new Date().toISOString();
    this.records.set(b.SJID, { kind, body: b, receivedAt, versions: (prev?.versions ?? 0) + 1 });
    const doc = "CF_WSH" in b ? b.CF_WSH : `${b.MDLX}${b.RDWSH ? ` ${b.RDWSH}` : ""}`;
    this.log(`[信用] ${prev ? "更正" : "收到"}${what} ${b.SJID}：${doc}${b.XDR_MC ? `（${b.XDR_MC}）` : ""}`);
    return { status: 200, body: { SJID: b.SJID, ZT: "已公示", GSSJ: receivedAt, ...(prev ? { GZ: true } : {}) } };
  }

  private onRevoke(kind: "penalty" | "list", req: SimRequest): SimResponse {
    const v = validate<CreditRevocation>(SCHEMA.revocation, req.body);
    if (!v.ok) {
      this.log(`[信用] 拒收不合规撤销：${v.errors.map((e) => e.pointer).join(", ")}`);
      return simError(400, "VALIDATION_FAILED", `撤销请求不符合报送规范，共 ${v.errors.length} 处错误`, `the revocation does not match the contract: ${v.errors.length} error(s)`, v.errors);
    }
    const id = req.params.sjid;
    if (v.value.SJID !== id) return simError(400, "SJID_MISMATCH", `撤销请求的数据标识 ${v.value.SJID} 与路径中的 ${id} 不一致`, `SJID ${v.value.SJID} differs from the path's ${id}`);
    const rec = this.records.get(id);
    if (!rec || rec.kind !== kind) return simError(404, "NOT_FOUND", `没有数据标识为 ${id} 的${kind === "list" ? "名单认定" : "行政处罚"}信息`, `no ${kind} record ${id}`);
    if (!rec.revoked) {
      rec.revoked = v.value;
      this.log(`[信用] 撤销${kind === "list" ? "名单认定" : "行政处罚"}信息 ${id}${v.value.CXYY ? `：${v.value.CXYY}` : ""}`);
    }
    return { status: 200, body: { SJID: id, ZT: "已撤销", CXSJ: rec.revoked.CXSJ } };
  }

  private async onSimRepair(req: SimRequest): Promise<SimResponse> {
    const b = (req.body ?? {}) as { decisionNo?: string; basis?: string; stopsPublication?: boolean; at?: string };
    if (typeof b.decisionNo !== "string" || !b.decisionNo) return simError(400, "BAD_REQUEST", "需要 decisionNo（决定书文号）", "decisionNo is required");
    const res = await this.repair(b.decisionNo, b);
    return { status: 200, body: { hubStatus: res.status, hubAnswer: res.body } };
  }

  private async onSimLevel(req: SimRequest): Promise<SimResponse> {
    const b = (req.body ?? {}) as { code?: string; level?: CreditLevel["PJDJ"]; type?: CreditLevel["ZTLB"]; name?: string; evaluatedAt?: string; source?: string };
    if (typeof b.code !== "string" || typeof b.level !== "string") return simError(400, "BAD_REQUEST", "需要 code（主体代码）和 level（评价等级）", "code and level are required");
    const res = await this.level(b.code, b.level, b);
    return { status: 200, body: { hubStatus: res.status, hubAnswer: res.body } };
  }
}
