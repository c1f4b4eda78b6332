/**
 * The enforcement system's stand-in (行政执法系统模拟器). The enforcement system only sends: the hub
 * never calls it, so this server takes no hub commands. On demand it posts sample penalty decisions
 * to the hub (`dispatchSamples()`, or `POST /__sim/samples` on the running simulator): five
 * 乱倒渣土/渣土撒漏 penalties on one construction-waste transport company with its vehicles, one
 * property-service company that failed its 违建 patrol-and-report duty, two personal offences
 * (车窗抛物, 乱扔垃圾) and one decision whose credit code fails the GB 32100 check (the hub refuses it
 * with a 422 naming the field and the rule). Every party, code and ID is invented (marked 示例);
 * codes and IDs carry correct check characters. Failure modes (`/__sim/mode`) come from SimulatorServer.
 */
import type { EnforcementSanction } from "../../contracts/types";
import type { AdapterSimulator } from "../../kit/adapter";
import { postJson, type SimResponse, SimulatorServer } from "../../kit/simulator";
import { SANCTIONS_PATH } from "./mapping";

export interface EnforcementSimulatorOptions {
  /** the hub's base URL (or later via setHub) */
  hubUrl?: string;
  /** API key with role "enforcement" */
  apiKey?: string;
  /** post the sample decisions when the hub is ready (default off: samples are posted on demand) */
  dispatchSamplesOnReady?: boolean;
  log?: (line: string) => void;
}

/** The sample parties (invented). Credit codes pass GB 32100 and GB 11714, IDs GB 11643. */
export const SAMPLE = {
  transport: { name: "常州(示例)鑫达渣土运输有限公司", creditCode: "91320404MA1W7K3D6G", rep: "张某某", repId: "320402197005120011" },
  property: { name: "常州(示例)安居物业服务有限公司", creditCode: "91320411MA1N5T2H8W", rep: "钱某某", repId: "320404198811030042" },
  thrower: { name: "王某某", id: "320404198503150018", plate: "苏D·F12345" },
  litterer: { name: "赵某某", id: "320411199207080025" },
  /** the check character should be B: refused */
  badCode: { name: "常州(示例)顺通渣土运输有限公司", creditCode: "91320402MA20Q8LU3C" },
  zhonglou: { name: "常州市钟楼区城市管理局", code: "11320404014107LK9P" },
  city: { name: "常州市城市管理局", code: "11320400014102008H" },
  vehicles: [
    { plate: "苏D·3K271", passNo: "CZ-ZT-2026-0088" },
    { plate: "苏D52918", passNo: "CZ-ZT-2026-0091" },
    { plate: "苏D60731", passNo: "CZ-ZT-2026-0102" },
    { plate: "苏D12345F", passNo: "CZ-ZT-2026-0117" },
  ],
} as const;

const DAY_MS = 86_400_000;
const CST_MS = 8 * 3_600_000;
/** The calendar date (Asia/Shanghai) `days` after `now`: YYYY-MM-DD. */
const cstDate = (now: Date, days = 0) => new Date(now.getTime() + CST_MS + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The sample decisions, dated in the last two weeks before `now` (so the 双公示 deadline of 7 working
 * days is still ahead for the newest) and numbered in `now`'s year: the same day's samples are the
 * same decisions, posted again they are duplicates.
 */
export function sampleDecisions(now: Date = new Date()): EnforcementSanction[] {
  const year = cstDate(now).slice(0, 4);
  const no = (office: string, n: number) => `${office}罚字〔${year}〕第${String(n).padStart(4, "0")}号`;
  const { transport: t, property: p, zhonglou: zl, city } = SAMPLE;
  const fleet = (i: number[]) => i.map((k) => ({ ...SAMPLE.vehicles[k], operator: t.name }));
  const muck = (n: number, daysAgo: number, kind: "乱倒渣土" | "渣土撒漏", place: string, amount: number, vehicles: number[], severity: "一般" | "严重"): EnforcementSanction => ({
    行政相对人名称: t.name,
    行政相对人类别: "法人及非法人组织",
    所属行业: ["建筑垃圾运输处置"],
    统一社会信用代码: t.creditCode,
    法定代表人: t.rep,
    法定代表人证件类型: "身份证",
    法定代表人证件号码: t.repId,
    行政处罚决定书文号: no("钟城管", n),
    违法行为类型: kind,
    违法事实:
      kind === "乱倒渣土"
        ? `(示例)当事人所属渣土车（${fleet(vehicles)
            .map((v) => v.plate)
            .join("、")}）于夜间在${place}倾倒建筑垃圾约${amount * 4}立方米，未按核准的消纳场所处置。`
        : `(示例)当事人所属渣土车（${fleet(vehicles)
            .map((v) => v.plate)
            .join("、")}）运输建筑垃圾未密闭，沿${place}撒漏约${amount * 200}米。`,
    处罚依据: kind === "乱倒渣土" ? "《城市建筑垃圾管理规定》第二十六条" : "《城市建筑垃圾管理规定》第二十三条",
    处罚类别: "罚款",
    处罚内容: `罚款人民币${amount}万元`,
    "罚款金额（万元）": amount,
    处罚决定日期: cstDate(now, -daysAgo),
    公示截止期: cstDate(now, -daysAgo + (severity === "严重" ? 3 * 365 : 365)),
    处罚机关: zl.name,
    处罚机关统一社会信用代码: zl.code,
    数据来源单位: zl.name,
    数据来源单位统一社会信用代码: zl.code,
    severity,
    处罚程序: "普通程序",
    vehicles: fleet(vehicles),
  });
  return [
    muck(101, 13, "乱倒渣土", "钟楼区(示例)星港路东侧空地", 2, [0], "一般"),
    muck(102, 11, "渣土撒漏", "钟楼区(示例)延陵西路", 1, [1], "一般"),
    muck(103, 8, "乱倒渣土", "钟楼区(示例)新市路绿化带", 3, [0, 2], "一般"),
    muck(104, 5, "渣土撒漏", "钟楼区(示例)勤业路", 1, [3], "一般"),
    muck(105, 2, "乱倒渣土", "钟楼区(示例)五星河河岸", 5, [1, 2, 3], "严重"),
    {
      行政相对人名称: p.name,
      行政相对人类别: "法人及非法人组织",
      统一社会信用代码: p.creditCode,
      法定代表人: p.rep,
      法定代表人证件类型: "身份证",
      法定代表人证件号码: p.repId,
      行政处罚决定书文号: no("常城管", 31),
      违法行为类型: "物业未履行违建巡查报告义务",
      所属行业: ["物业服务"],
      违法事实: "(示例)当事人作为新北区(示例)锦绣花园小区的物业服务企业，未对小区进行违法建设巡查，对业主在12幢楼顶搭建彩钢棚既未劝阻也未向城管部门报告。",
      处罚依据: "《江苏省物业管理条例》相关条款（示例）",
      处罚类别: "警告、罚款",
      处罚内容: "警告，并处罚款人民币1万元",
      "罚款金额（万元）": 1,
      处罚决定日期: cstDate(now, -4),
      公示截止期: cstDate(now, -4 + 365),
      处罚机关: city.name,
      处罚机关统一社会信用代码: city.code,
      severity: "一般",
    },
    {
      行政相对人名称: SAMPLE.thrower.name,
      行政相对人类别: "自然人",
      证件类型: "身份证",
      证件号码: SAMPLE.thrower.id,
      行政处罚决定书文号: no("钟城管", 107),
      违法行为类型: "车窗抛物",
      违法事实: `(示例)当事人驾驶${SAMPLE.thrower.plate}行经钟楼区(示例)延陵西路时从车窗向外抛掷饮料瓶。`,
      处罚依据: "《江苏省城市市容和环境卫生管理条例》相关条款（示例）",
      处罚类别: "罚款",
      处罚内容: "罚款人民币50元",
      "罚款金额（万元）": "0.005",
      处罚决定日期: cstDate(now, -3),
      处罚机关: zl.name,
      处罚机关统一社会信用代码: zl.code,
      severity: "轻微",
      vehicles: [{ plate: SAMPLE.thrower.plate }],
    },
    {
      行政相对人名称: SAMPLE.litterer.name,
      行政相对人类别: "自然人",
      证件类型: "身份证",
      证件号码: SAMPLE.litterer.id,
      行政处罚决定书文号: no("钟城管", 108),
      违法行为类型: "乱扔垃圾",
      违法事实: "(示例)当事人在钟楼区(示例)南大街步行街随地丢弃食品包装袋，经劝阻拒不拾起。",
      处罚依据: "《江苏省城市市容和环境卫生管理条例》相关条款（示例）",
      处罚类别: "罚款",
      处罚内容: "罚款人民币20元",
      "罚款金额（万元）": 0.002,
      处罚决定日期: cstDate(now, -1),
      处罚机关: zl.name,
      处罚机关统一社会信用代码: zl.code,
      severity: "轻微",
    },
    {
      行政相对人名称: SAMPLE.badCode.name,
      行政相对人类别: "法人及非法人组织",
      统一社会信用代码: SAMPLE.badCode.creditCode,
      行政处罚决定书文号: no("钟城管", 109),
      违法行为类型: "渣土撒漏",
      违法事实: "(示例)当事人所属渣土车运输建筑垃圾未密闭，沿钟楼区(示例)怀德路撒漏。统一社会信用代码录入有误（校验码错误），统管应拒收并指明字段和规则。",
      处罚依据: "《城市建筑垃圾管理规定》第二十三条",
      处罚类别: "罚款",
      处罚内容: "罚款人民币0.5万元",
      "罚款金额（万元）": 0.5,
      处罚决定日期: cstDate(now, -1),
      处罚机关: zl.name,
      处罚机关统一社会信用代码: zl.code,
      severity: "一般",
    },
  ];
}

export interface PostedDecision {
  decisionNo: string;
  status: number;
  answer: unknown;
}

export class EnforcementSimulator extends SimulatorServer implements AdapterSimulator {
  private hubUrl: string;
  private apiKey?: string;
  private readonly samplesOnReady: boolean;
  private readonly log: (line: string) => void;
  private stopped = false;
  /** what the hub answered to each posted decision */
  readonly posted: PostedDecision[] = [];

  constructor(opts: EnforcementSimulatorOptions = {}) {
    // the hub sends the enforcement system nothing; the one route is the simulator's own trigger
    super("enforcement", [{ method: "POST", path: "/__sim/samples", handle: () => this.onSamples() }]);
    this.hubUrl = (opts.hubUrl ?? "").replace(/\/+$/, "");
    this.apiKey = opts.apiKey;
    this.samplesOnReady = opts.dispatchSamplesOnReady ?? false;
    this.log = opts.log ?? (() => {});
  }

  setHub(url: string, apiKey?: string): void {
    this.hubUrl = url.replace(/\/+$/, "");
    if (apiKey !== undefined) this.apiKey = apiKey;
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
    await super.stop();
  }

  /** Posts the sample decisions (or the given ones) to the hub, one after another; answers what the hub said to each. */
  async dispatchSamples(decisions: EnforcementSanction[] = sampleDecisions()): Promise<PostedDecision[]> {
    const out: PostedDecision[] = [];
    for (const d of decisions) {
      const res = await this.toHub(d);
      const r = { decisionNo: d.行政处罚决定书文号, status: res.status, answer: res.body };
      out.push(r);
      this.posted.push(r);
      const what = `${d.行政相对人名称}（${d.违法行为类型}，${d.severity}）`;
      if (res.status === 202) this.log(`[行政执法] 报送处罚决定 ${r.decisionNo}：${what}，中枢受理 ${res.body?.sanctionId ?? ""}`);
      else if (res.status === 200) this.log(`[行政执法] 报送处罚决定 ${r.decisionNo}：${what}，中枢已有此决定（重复报送）`);
      else this.log(`[行政执法] 报送处罚决定 ${r.decisionNo}：${what}，被中枢拒绝：HTTP ${res.status} ${res.body?.error?.message ?? ""}`);
    }
    return out;
  }

  private async onSamples(): Promise<SimResponse> {
    const posted = await this.dispatchSamples();
    return { status: 200, body: { posted } };
  }

  private async toHub(body: EnforcementSanction): Promise<{ status: number; body: any }> {
    if (!this.hubUrl) return { status: 0, body: { error: "未设置中枢地址（setHub） / hub URL not set" } };
    const headers: Record<string, string> = this.apiKey ? { "x-api-key": this.apiKey } : {};
    return postJson(`${this.hubUrl}${SANCTIONS_PATH}`, body, headers, { attempts: 20, keepTrying: () => !this.stopped });
  }
}
