import { validate, validateTolerant } from "../../contracts";
import type { CreditLevel, CreditRepair, Publication } from "../../contracts/types";
import { fakeHub } from "../../kit/conformance";
import { dateOf, LIST_ITEMS, PENALTY_ITEMS, SCHEMA, toLevelParams, toPublicationRequest, toRepairParams, unmappedItems } from "./mapping";
import { credit } from "./spec";

const sentAt = "2026-12-01T10:00:00+08:00";

/** A penalty record with every item of the standard, as the credit service names them. */
const fullRecord = {
  行政相对人名称: "常州某某渣土运输有限公司",
  行政相对人类别: "法人及非法人组织",
  统一社会信用代码: "91320402ma1xxxxxxx",
  工商注册号: "320400000012345",
  组织机构代码: "MA1XXXXX-X",
  税务登记号: "320402MA1XXXXXX",
  事业单位证书号: "事证1234",
  社会组织登记证号: "苏民证5678",
  地址: "常州市钟楼区某路 8 号",
  法定代表人: "张某",
  法定代表人证件类型: "身份证",
  法定代表人证件号码: "320402198001011234",
  证件类型: "身份证",
  证件号码: "32040219900101123x",
  行政处罚决定书文号: "常城管罚字〔2026〕第0012号",
  违法行为类型: "乱倒渣土",
  违法事实: "2026年11月20日夜间在钟楼区某空地倾倒建筑垃圾约20立方米",
  处罚依据: "《城市建筑垃圾管理规定》第二十六条",
  处罚类别: "罚款",
  处罚内容: "罚款人民币伍万元",
  "罚款金额（万元）": 5,
  "没收违法所得、没收非法财物的金额（万元）": "0.8",
  暂扣或吊销证照名称及编号: "建筑垃圾准运证 CZ-ZY-2026-0088",
  处罚决定日期: "2026-11-28",
  处罚有效期: "2027-11-28T00:00:00+08:00",
  公示截止期: "2027-11-28",
  处罚机关: { name: "常州市城市管理局", code: "11320400mb1234567x" },
  数据来源单位: "常州市城市管理局",
  数据来源单位统一社会信用代码: "11320400MB1234567X",
  失信程度: "一般",
  备注: "（示例）",
};

const publication = (over: Partial<Publication> = {}): Publication => ({ recordId: "SN-01", action: "publish", kind: "penalty", record: fullRecord, sentAt, ...over });

describe("publication → the platform's request", () => {
  it("a penalty with every item: POST /xzcf, each item under its field code, personal data whole, codes upper-cased", () => {
    const p = publication({ dueAt: "2026-12-09T17:30:00+08:00" });
    const req = toPublicationRequest(p);
    expect(req).toEqual({
      method: "POST",
      path: "/xzcf",
      body: {
        SJID: "SN-01",
        XDR_MC: "常州某某渣土运输有限公司",
        XDR_LB: "法人及非法人组织",
        XDR_SHXYM: "91320402MA1XXXXXXX",
        XDR_GSZC: "320400000012345",
        XDR_ZZJG: "MA1XXXXX-X",
        XDR_SWDJ: "320402MA1XXXXXX",
        XDR_SYDW: "事证1234",
        XDR_SHZZ: "苏民证5678",
        XDR_DZ: "常州市钟楼区某路 8 号",
        FRDB: "张某",
        FR_ZJLX: "身份证",
        FR_ZJHM: "320402198001011234",
        ZJLX: "身份证",
        ZJHM: "32040219900101123X",
        CF_WSH: "常城管罚字〔2026〕第0012号",
        CF_WFXW: "乱倒渣土",
        CF_SY: fullRecord.违法事实,
        CF_YJ: "《城市建筑垃圾管理规定》第二十六条",
        CF_CFLB: "罚款",
        CF_NR: "罚款人民币伍万元",
        CF_NR_FK: 5,
        CF_NR_WFFF: 0.8,
        CF_NR_ZKDX: "建筑垃圾准运证 CZ-ZY-2026-0088",
        CF_JDRQ: "2026-11-28",
        CF_YXQ: "2027-11-28",
        GSJZQ: "2027-11-28",
        CF_CFJG: "常州市城市管理局",
        CF_CFJGDM: "11320400MB1234567X",
        CF_SJLY: "常州市城市管理局",
        CF_SJLYDM: "11320400MB1234567X",
        SXCD: "一般",
        BZ: "（示例）",
        BSSX: "2026-12-09T17:30:00+08:00",
        TBSJ: sentAt,
      },
    });
    expect(validate(SCHEMA.penalty, req.body)).toMatchObject({ ok: true });
    expect(validate(SCHEMA.publication, req.body)).toMatchObject({ ok: true });
    expect(p.record).toEqual(fullRecord); // the payload is left alone
    // every item of the table was exercised, and nothing in the record was left out
    expect(Object.keys(req.body as object)).toEqual(expect.arrayContaining(PENALTY_ITEMS.map((i) => i.code)));
    expect(unmappedItems(fullRecord)).toEqual([]);
  });

  it("a penalty without kind is a penalty; empty items and a key the tables do not name are left out and reported by unmappedItems", () => {
    const record = { 行政处罚决定书文号: "常城管罚字〔2026〕12号", 当前状态: "有效", 处罚类别: "警告", 备注: " ", 罚款金额: null };
    const req = toPublicationRequest({ recordId: "SN-02", action: "publish", record, sentAt });
    expect(req).toEqual({ method: "POST", path: "/xzcf", body: { SJID: "SN-02", CF_WSH: "常城管罚字〔2026〕12号", CF_CFLB: "警告", TBSJ: sentAt } });
    expect(unmappedItems(record)).toEqual(["当前状态"]);
  });

  it("a record missing what the platform requires builds a body its contract refuses, naming the item", () => {
    const req = toPublicationRequest({ recordId: "SN-03", action: "publish", record: { 行政相对人名称: "某公司" }, sentAt });
    const v = validate(SCHEMA.penalty, req.body);
    expect(v.ok ? [] : v.errors.map((e) => e.pointer)).toEqual(["/CF_WSH"]);
  });

  it("a revocation: POST /xzcf/{SJID}/revoke with the document number and the reason", () => {
    const req = toPublicationRequest({
      recordId: "SN/01",
      action: "revoke",
      kind: "penalty",
      record: { 行政处罚决定书文号: "常城管罚字〔2026〕第0012号", 撤销原因: "信用修复，停止公示", 证件号码: "320402198001011234" },
      sentAt,
    });
    expect(req).toEqual({ method: "POST", path: "/xzcf/SN%2F01/revoke", body: { SJID: "SN/01", WSH: "常城管罚字〔2026〕第0012号", CXYY: "信用修复，停止公示", CXSJ: sentAt } });
    expect(validate(SCHEMA.publication, req.body)).toMatchObject({ ok: true });
    expect(JSON.stringify(req.body)).not.toContain("320402198001011234"); // no personal data in a revocation
  });

  it("a list decision: POST /lists, a 严重失信主体名单 entry with basis, dates and the related decisions; its revocation under /lists", () => {
    const record = {
      名单类型: "严重失信主体名单",
      主体名称: "常州某某渣土运输有限公司",
      主体类别: "法人及非法人组织",
      统一社会信用代码: "91320402MA1XXXXXXX",
      法定代表人: "张某",
      列入事由: "一年内因乱倒渣土受一般程序行政处罚 5 次",
      认定依据: "《常州市建筑垃圾运输企业信用管理办法》第十二条",
      认定文书号: "常城管信认字〔2026〕第003号",
      认定单位: { 名称: "常州市城市管理局", 代码: "11320400MB1234567X" },
      列入日期: "2026-12-01",
      有效期至: "2029-12-01",
      关联处罚决定书文号: "常城管罚字〔2026〕第0012号、常城管罚字〔2026〕第0020号",
      数据来源单位: "常州市城市管理局",
    };
    const req = toPublicationRequest({ recordId: "LE-01", action: "publish", kind: "list", record, sentAt });
    expect(req).toEqual({
      method: "POST",
      path: "/lists",
      body: {
        SJID: "LE-01",
        MDLX: "严重失信主体名单",
        XDR_MC: "常州某某渣土运输有限公司",
        XDR_LB: "法人及非法人组织",
        XDR_SHXYM: "91320402MA1XXXXXXX",
        FRDB: "张某",
        LRYY: "一年内因乱倒渣土受一般程序行政处罚 5 次",
        RDYJ: "《常州市建筑垃圾运输企业信用管理办法》第十二条",
        RDWSH: "常城管信认字〔2026〕第003号",
        RDJG: "常州市城市管理局",
        RDJGDM: "11320400MB1234567X",
        LRRQ: "2026-12-01",
        YXQZ: "2029-12-01",
        GLCF_WSH: ["常城管罚字〔2026〕第0012号", "常城管罚字〔2026〕第0020号"],
        SJLY: "常州市城市管理局",
        TBSJ: sentAt,
      },
    });
    expect(validate(SCHEMA.listEntry, req.body)).toMatchObject({ ok: true });
    expect(validate(SCHEMA.publication, req.body)).toMatchObject({ ok: true });
    expect(unmappedItems(record, "list")).toEqual([]);
    expect(LIST_ITEMS.map((i) => i.code).filter((c) => !(c in (req.body as object)))).toEqual(["ZJLX", "ZJHM", "BZ"]);

    const revoke = toPublicationRequest({ recordId: "LE-01", action: "revoke", kind: "list", record: { 认定文书号: "常城管信认字〔2026〕第003号" }, sentAt });
    expect(revoke).toEqual({ method: "POST", path: "/lists/LE-01/revoke", body: { SJID: "LE-01", WSH: "常城管信认字〔2026〕第003号", CXSJ: sentAt } });
  });

  it("a list decision as the credit service words it (名单名称, 涉及决定书文号) maps the same way", () => {
    const record = {
      行政相对人名称: "某公司",
      统一社会信用代码: "91320402MA1XXXXXXX",
      名单名称: "严重失信主体名单",
      认定依据: "某办法",
      列入日期: "2026-12-01",
      有效期至: "2029-12-01",
      涉及决定书文号: ["W1", "W2"],
    };
    const req = toPublicationRequest({ recordId: "FR-1", action: "publish", kind: "list", record, sentAt });
    expect(req.body).toEqual({
      SJID: "FR-1",
      MDLX: "严重失信主体名单",
      XDR_MC: "某公司",
      XDR_SHXYM: "91320402MA1XXXXXXX",
      RDYJ: "某办法",
      LRRQ: "2026-12-01",
      YXQZ: "2029-12-01",
      GLCF_WSH: ["W1", "W2"],
      TBSJ: sentAt,
    });
    expect(validate(SCHEMA.publication, req.body)).toMatchObject({ ok: true });
    expect(unmappedItems(record, "list")).toEqual([]);
  });

  it("a list decision without a basis is refused by the platform's contract, naming RDYJ", () => {
    const req = toPublicationRequest({ recordId: "LE-02", action: "publish", kind: "list", record: { 名单类型: "严重失信主体名单", 主体名称: "某公司", 列入日期: "2026-12-01" }, sentAt });
    const v = validate(SCHEMA.publication, req.body);
    expect(v.ok).toBe(false);
    expect(validate(SCHEMA.listEntry, req.body)).toMatchObject({ ok: false, errors: [{ pointer: "/RDYJ" }] });
  });

  it("dates: a date stays, a date-time becomes its date in China time, anything else is left out", () => {
    expect(dateOf("2026-11-28")).toBe("2026-11-28");
    expect(dateOf("2026-11-27T18:00:00Z")).toBe("2026-11-28");
    expect(dateOf("去年")).toBeUndefined();
  });
});

/** What the gateway does before handle: tolerant validation. */
function tolerant<T>(schema: string, body: unknown): T {
  const v = validateTolerant<T>(schema, body);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
}
const missing = (schema: string, body: unknown) => {
  const v = validateTolerant(schema, body);
  return v.ok ? [] : v.errors.map((e) => `${e.pointer} ${e.messageEn}`);
};
const route = (kind: string) => credit.routes.find((r) => r.kind === kind)!;

describe("platform → hub", () => {
  it("a repair decision → credit.repair {decisionNo, recordId, repairedAt, basis, stopsPublication}", async () => {
    const body: CreditRepair = {
      XFBH: "XF-1",
      CF_WSH: "常城管罚字〔2026〕第0012号",
      SJID: "SN-01",
      XFSJ: "2027-03-01T09:00:00+08:00",
      XFYJ: "已履行处罚并作出信用承诺",
      TZGS: "1",
    };
    const hub = fakeHub(() => ({ recordIds: ["SN-01"], revokedNotices: 3 }));
    await expect(route("repair").handle(body, {}, hub)).resolves.toEqual({ status: 200, body: { recordIds: ["SN-01"], revokedNotices: 3 } });
    expect(hub.calls).toEqual([
      {
        action: "sanctions.repair",
        params: { decisionNo: "常城管罚字〔2026〕第0012号", recordId: "SN-01", repairedAt: "2027-03-01T09:00:00+08:00", basis: "已履行处罚并作出信用承诺", stopsPublication: true },
      },
    ]);
  });

  it("a repair: a date is 0:00 China time, no SJID means no recordId, TZGS 0 keeps publication, absent stops it", () => {
    expect(toRepairParams({ CF_WSH: "W1", XFSJ: "2027-03-02", XFYJ: "依据", TZGS: "0" })).toEqual({
      decisionNo: "W1",
      repairedAt: "2027-03-02T00:00:00+08:00",
      basis: "依据",
      stopsPublication: false,
    });
    expect(toRepairParams({ CF_WSH: "W1", XFSJ: "2027-03-02", XFYJ: "依据" }).stopsPublication).toBe(true);
  });

  it("a level → credit.level {subject {type, code}, level, evaluatedAt, source}; 优/良/中/差 read as A–D, the code upper-cased", async () => {
    const body: CreditLevel = { ZTLB: "法人及非法人组织", ZTDM: "91320411ma2yyyyyyy", ZTMC: "某物业公司", PJDJ: "良", PJRQ: "2027-01-15", PJFS: 780 };
    const hub = fakeHub(() => ({ ok: true }));
    await expect(route("level").handle(body, {}, hub)).resolves.toEqual({ status: 200, body: { ok: true } });
    expect(hub.calls).toEqual([
      {
        action: "sanctions.level",
        params: { subject: { type: "法人及非法人组织", code: "91320411MA2YYYYYYY", name: "某物业公司" }, level: "B", evaluatedAt: "2027-01-15T00:00:00+08:00", source: "公共信用综合评价" },
      },
    ]);
    expect(toLevelParams({ ...body, PJDJ: "D", PJLY: "住建·物业服务企业信用评价", PJRQ: "2027-01-15T08:00:00+08:00" })).toMatchObject({
      level: "D",
      source: "住建·物业服务企业信用评价",
      evaluatedAt: "2027-01-15T08:00:00+08:00",
    });
  });

  it("tolerant: empty strings are not given, unknown fields ignored, and the message still goes through", async () => {
    const body = tolerant<CreditRepair>(SCHEMA.repair, { CF_WSH: "W1", SJID: "", XFSJ: "2027-03-02", XFYJ: "依据", TZGS: "", XFLX: "一般失信修复" });
    expect(body).toEqual({ CF_WSH: "W1", XFSJ: "2027-03-02", XFYJ: "依据" });
    const hub = fakeHub();
    await route("repair").handle(body, {}, hub);
    expect(hub.calls[0].params).toEqual({ decisionNo: "W1", repairedAt: "2027-03-02T00:00:00+08:00", basis: "依据", stopsPublication: true });
    const level = tolerant<CreditLevel>(SCHEMA.level, { ZTLB: "自然人", ZTDM: "32040219900101123X", PJDJ: "A", PJRQ: "2027-01-15", PJLY: "", PJBB: "v2" });
    expect(toLevelParams(level).source).toBe("公共信用综合评价");
  });

  it("refusals name what is missing or wrong", () => {
    expect(missing(SCHEMA.repair, { CF_WSH: "", XFSJ: "2027-03-02" })).toEqual(["/CF_WSH is required", "/XFYJ is required"]);
    expect(missing(SCHEMA.repair, { CF_WSH: "W1", XFSJ: "三月", XFYJ: "依据" }).join(" ")).toMatch(/^\/XFSJ must match format/);
    expect(missing(SCHEMA.repair, { CF_WSH: "W1", XFSJ: "2027-03-02", XFYJ: "依据", TZGS: "是" })).toEqual(['/TZGS must be one of "1", "0"']);
    expect(missing(SCHEMA.level, { ZTDM: "91320402MA1XXXXXXX", PJDJ: "E" })).toEqual(["/ZTLB is required", "/PJRQ is required", '/PJDJ must be one of "A", "B", "C", "D", "优", "良", "中", "差"']);
  });
});
