import { getSchema, validate, validateTolerant } from "../../contracts";
import type { EnforcementSanction } from "../../contracts/types";
import { checkCreditCode, checkPlate, checkResidentId } from "../../domain/identity";
import { HubError } from "../../kit/errors";
import { checkSanction, isoDate, isResidentIdType, SCHEMA, type SanctionFieldError, toSanction } from "./mapping";
import { SAMPLE, sampleDecisions } from "./simulator";

const TODAY = { today: "2026-12-01" };
const examples = getSchema(SCHEMA.sanction).examples as EnforcementSanction[];
const company = () => structuredClone(examples[0]);
const person = () => structuredClone(examples[1]);

/** What intake hands the adapter: the tolerant contract check applied (empty strings and unknown fields dropped). */
function received(raw: Record<string, unknown>): EnforcementSanction {
  const body = structuredClone(raw);
  const v = validateTolerant<EnforcementSanction>(SCHEMA.sanction, body);
  if (!v.ok) throw new Error(`contract refused: ${JSON.stringify(v.errors)}`);
  return v.value;
}

function refused(body: EnforcementSanction): SanctionFieldError[] {
  const r = checkSanction(body, TODAY);
  if (r.ok) throw new Error("expected a refusal");
  return r.errors;
}

describe("enforcement mapping: decision → canonical sanction", () => {
  it("maps 处罚程序: 简易程序 and 普通程序 as given, the documents' 一般程序 as 普通程序, none when absent", () => {
    const { 处罚程序: _p, ...without } = company();
    expect(toSanction({ ...without, 处罚程序: "简易程序" }, TODAY).sanction.procedure).toBe("简易程序");
    expect(toSanction({ ...without, 处罚程序: "普通程序" }, TODAY).sanction.procedure).toBe("普通程序");
    expect(toSanction({ ...without, 处罚程序: "一般程序" }, TODAY).sanction.procedure).toBe("普通程序");
    expect(toSanction(without, TODAY).sanction).not.toHaveProperty("procedure");
  });

  it("maps every 双公示 item, normalising codes, dates, amounts and plates", () => {
    const body: EnforcementSanction = {
      ...company(),
      统一社会信用代码: " 91320404ma1w7k3d6g ",
      法定代表人证件号码: "320402197005120011",
      "没收违法所得没收非法财物的金额（万元）": "0.35",
      暂扣或吊销证照名称及编号: "建筑垃圾运输许可证 CZ-ZY-2026-017（暂扣三个月）",
      处罚决定日期: "2026年11月28日",
      处罚有效期: "2027/11/27",
      公示截止期: "2027-11-27 23:59:59",
      数据来源单位: "常州市城市管理局",
      数据来源单位统一社会信用代码: "11320400014102008h",
      备注: " 第一次 ",
      vehicles: [{ plate: "苏d·3k271", passNo: " CZ-ZT-2026-0088 ", operator: SAMPLE.transport.name }, { plate: "苏D 52918" }],
      relatedCaseIds: ["TG-1", "TG-2", "TG-1"],
    };
    const { sanction, flags } = toSanction(body, TODAY);
    expect(flags).toEqual([]);
    expect(sanction).toEqual({
      decisionNo: "钟城管罚字〔2026〕第0101号",
      party: {
        name: SAMPLE.transport.name,
        type: "法人及非法人组织",
        creditCode: "91320404MA1W7K3D6G",
        legalRep: { name: "张某某", idType: "身份证", idNumber: "320402197005120011" },
      },
      violationType: "乱倒渣土",
      facts: examples[0].违法事实,
      basis: "《城市建筑垃圾管理规定》第二十六条",
      penaltyType: "罚款",
      procedure: "普通程序",
      content: "罚款人民币伍万元",
      fineWan: 5,
      confiscatedWan: 0.35,
      licence: "建筑垃圾运输许可证 CZ-ZY-2026-017（暂扣三个月）",
      decisionDate: "2026-11-28",
      validUntil: "2027-11-27",
      publishUntil: "2027-11-27",
      authority: { name: "常州市钟楼区城市管理局", code: "11320404014107LK9P" },
      dataSource: { name: "常州市城市管理局", code: "11320400014102008H" },
      note: "第一次",
      severity: "一般",
      vehicles: [{ plate: "苏D3K271", passNo: "CZ-ZT-2026-0088", operator: SAMPLE.transport.name }, { plate: "苏D52918" }],
      caseIds: ["TG-1", "TG-2"],
    });
    expect(validate(SCHEMA.sanction, body).ok).toBe(true);
    expect(validate("tongguan:canonical/sanction", sanction).ok).toBe(true);
  });

  it("maps a natural person: 证件类型 and a checked 证件号码 (a lower-case x normalised)", () => {
    const ok = toSanction(person(), TODAY).sanction;
    expect(ok.party).toEqual({ name: "王某某", type: "自然人", idType: "身份证", idNumber: "320404198503150018" });
    expect(ok.fineWan).toBe(0.005);
    expect(ok.decisionDate).toBe("2026-11-29");
    expect(ok.vehicles).toEqual([{ plate: "苏DF12345" }]);
    // the authority is its own data source when the decision names none
    expect(ok.dataSource).toEqual(ok.authority);
    const first17 = "11010519491231002";
    const x = `${first17}x`;
    expect(checkResidentId(x).ok).toBe(true);
    expect(toSanction({ ...person(), 证件号码: x }, TODAY).sanction.party.idNumber).toBe(`${first17}X`);
  });

  it("maps the old codes of a party without a unified code (an individual business with its 工商注册号)", () => {
    const body = received({
      ...company(),
      行政相对人名称: "钟楼区(示例)老周小吃店",
      行政相对人类别: "个体工商户",
      统一社会信用代码: "",
      工商注册号: "320404000012344",
      组织机构代码: "014107lk-9",
      法定代表人: "周某某",
      法定代表人证件类型: "",
      法定代表人证件号码: "",
    });
    const s = toSanction(body, TODAY).sanction;
    expect(s.party).toEqual({ name: "钟楼区(示例)老周小吃店", type: "个体工商户", oldCodes: { businessRegNo: "320404000012344", orgCode: "014107LK9" }, legalRep: { name: "周某某" } });
  });

  it("is tolerant: empty strings are not given, unknown fields are ignored, numbers may be strings", () => {
    const body = received({ ...company(), 备注: "", 处罚有效期: "  ", 执法人员: "执法证号 32040012345", 地址: "某处", "罚款金额（万元）": "5" });
    const s = toSanction(body, TODAY).sanction;
    expect(s).not.toHaveProperty("note");
    expect(s).not.toHaveProperty("validUntil");
    expect(s.fineWan).toBe(5);
    expect(JSON.stringify(s)).not.toContain("执法证号");
  });

  it("maps the same body twice identically, and leaves the body alone", () => {
    for (const ex of [...examples, ...sampleDecisions(new Date("2026-12-01T02:00:00Z")).slice(0, 8)]) {
      const body = structuredClone(ex);
      const a = checkSanction(body, TODAY);
      const b = checkSanction(body, TODAY);
      expect(a.ok).toBe(true);
      expect(b).toEqual(a);
      expect(body).toEqual(ex);
    }
  });

  it("accepts a pilot code that fails its checksum when the caller verified it, and flags it", () => {
    const body = { ...company(), 统一社会信用代码: "91350100M0001TGQXM", creditCodeVerified: true };
    const { sanction, flags } = toSanction(body, TODAY);
    expect(flags).toEqual(["creditCodeChecksumFailedButVerified"]);
    expect(sanction.party).toMatchObject({ creditCode: "91350100M0001TGQXM", creditCodeVerified: true });
    expect(sanction).not.toHaveProperty("note");
    // a valid code with creditCodeVerified is not flagged
    expect(toSanction({ ...company(), creditCodeVerified: true }, TODAY).flags).toEqual([]);
    // the same code, not verified: refused
    const [e] = refused({ ...company(), 统一社会信用代码: "91350100M0001TGQXM" });
    expect(e).toMatchObject({ pointer: "/统一社会信用代码", rule: "creditCode.check" });
    // verification never waives structure
    expect(refused({ ...company(), 统一社会信用代码: "91350100M0001TGQX", creditCodeVerified: true })[0]).toMatchObject({ pointer: "/统一社会信用代码", rule: "creditCode.length" });
  });
});

describe("enforcement mapping: each refusal names the field and the rule", () => {
  const cases: [string, Partial<EnforcementSanction>, string, string][] = [
    ["a credit code with a wrong check character", { 统一社会信用代码: SAMPLE.badCode.creditCode }, "/统一社会信用代码", "creditCode.check"],
    ["a credit code with a letter the code never uses", { 统一社会信用代码: "91320404MA1W7K3O6G" }, "/统一社会信用代码", "creditCode.charset"],
    ["a credit code of 17 characters", { 统一社会信用代码: "91320404MA1W7K3D6" }, "/统一社会信用代码", "creditCode.length"],
    ["a credit code with no province", { 统一社会信用代码: "91990404MA1W7K3D6G" }, "/统一社会信用代码", "creditCode.region"],
    ["a 工商注册号 with a wrong check digit", { 工商注册号: "320404000012345" }, "/工商注册号", "businessRegNo.check"],
    ["an 组织机构代码 with a wrong check character", { 组织机构代码: "014107LK-8" }, "/组织机构代码", "orgCode.check"],
    ["a 税务登记号 of the wrong length", { 税务登记号: "3204041234" }, "/税务登记号", "taxRegNo.length"],
    ["a 事业单位证书号 that is not 12 digits", { 事业单位证书号: "12345" }, "/事业单位证书号", "institutionCertNo.length"],
    ["a 社会组织登记证号 of neither form", { 社会组织登记证号: "ABC" }, "/社会组织登记证号", "socialOrgRegNo.format"],
    ["a legal representative's resident ID with a wrong check character", { 法定代表人证件号码: "320402197005120012" }, "/法定代表人证件号码", "residentId.check"],
    ["a legal representative's resident ID with an impossible birth date", { 法定代表人证件号码: "320402197002300011" }, "/法定代表人证件号码", "residentId.date"],
    ["a legal representative's ID without the representative", { 法定代表人: undefined }, "/法定代表人", "legalRep.required"],
    ["the authority's code with a wrong check character", { 处罚机关统一社会信用代码: "11320404014107LK9Q" }, "/处罚机关统一社会信用代码", "creditCode.check"],
    ["the data source's code", { 数据来源单位统一社会信用代码: "113204040141" }, "/数据来源单位统一社会信用代码", "creditCode.length"],
    ["a decision date that is no real date", { 处罚决定日期: "2026-02-30" }, "/处罚决定日期", "date.invalid"],
    ["a publication end that is no real date", { 公示截止期: "2027年13月1日" }, "/公示截止期", "date.invalid"],
    ["a plate without a province", { vehicles: [{ plate: "苏D52918" }, { plate: "AD52918" }] }, "/vehicles/1/plate", "plate.province"],
    ["a plate with the letter O", { vehicles: [{ plate: "苏D5O918" }] }, "/vehicles/0/plate", "plate.charset"],
    ["a plate of the wrong length", { vehicles: [{ plate: "苏D5291" }] }, "/vehicles/0/plate", "plate.length"],
  ];
  it.each(cases)("%s", (_what, change, at, rule) => {
    const body = { ...company(), ...change } as EnforcementSanction;
    for (const k of Object.keys(change) as (keyof EnforcementSanction)[]) if (change[k] === undefined) delete body[k];
    const errors = refused(body);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ pointer: at, rule });
    const field = at.split("/")[1]!;
    expect(errors[0].message.startsWith(field === "vehicles" ? "vehicles[" : `${field}：`)).toBe(true);
    expect(errors[0].messageEn).toContain(`(${rule})`);
  });

  it("a company needs a unified code or an old one; a person needs an ID type and number", () => {
    const { 统一社会信用代码: _c, ...noCode } = company();
    expect(refused(noCode as EnforcementSanction)).toEqual([expect.objectContaining({ pointer: "/统一社会信用代码", rule: "partyCode.required" })]);
    expect(refused({ ...(noCode as EnforcementSanction), 行政相对人类别: "个体工商户" })[0].message).toContain("个体工商户需要统一社会信用代码");
    const { 证件类型: _t, 证件号码: _n, ...bare } = person();
    expect(refused(bare as EnforcementSanction).map((e) => [e.pointer, e.rule])).toEqual([
      ["/证件类型", "idType.required"],
      ["/证件号码", "idNumber.required"],
    ]);
  });

  it("a person's resident ID is checked by GB 11643; another kind of document is passed as it is", () => {
    expect(refused({ ...person(), 证件号码: "320404198503150019" })[0]).toMatchObject({ pointer: "/证件号码", rule: "residentId.check" });
    expect(refused({ ...person(), 证件号码: "320404850315001" })[0]).toMatchObject({ pointer: "/证件号码", rule: "residentId.length" });
    expect(refused({ ...person(), 证件号码: "320404203001010018" }).map((e) => e.rule)).toEqual(["residentId.date"]);
    expect(toSanction({ ...person(), 证件类型: "护照", 证件号码: "E12345678" }, TODAY).sanction.party).toMatchObject({ idType: "护照", idNumber: "E12345678" });
  });

  it("every failure is in one 422 (HubError IDENTITY_INVALID), as field errors with pointers and rules", () => {
    const body = { ...company(), 统一社会信用代码: SAMPLE.badCode.creditCode, vehicles: [{ plate: "XX12345" }], 处罚决定日期: "2026-02-30" };
    let err: unknown;
    try {
      toSanction(body, TODAY);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HubError);
    const e = err as HubError;
    expect(e.code).toBe(422);
    expect(e.type).toBe("IDENTITY_INVALID");
    const data = e.data as { message: string; errors: SanctionFieldError[] };
    expect(data.errors.map((x) => [x.pointer, x.rule])).toEqual([
      ["/统一社会信用代码", "creditCode.check"],
      ["/处罚决定日期", "date.invalid"],
      ["/vehicles/0/plate", "plate.province"],
    ]);
    expect(data.message).toContain("共 3 处错误");
    expect(data.errors[0].message).toBe("统一社会信用代码：第18位校验码应为“B”，实际为“C”（若该代码已在登记机关核实，请注明已核实）");
    expect(validate("tongguan:canonical/common#/$defs/ErrorResponse", { error: { code: e.type, message: data.message, messageEn: "x", errors: data.errors } }).ok).toBe(true);
  });
});

describe("enforcement mapping: helpers and samples", () => {
  it("reads dates in the forms enforcement systems write them", () => {
    expect(isoDate("2026-11-28")).toBe("2026-11-28");
    expect(isoDate("2026/1/5")).toBe("2026-01-05");
    expect(isoDate("2026年1月5日")).toBe("2026-01-05");
    expect(isoDate("2026-11-28T10:00:00+08:00")).toBe("2026-11-28");
    expect(isoDate("2026-02-29")).toBeNull();
    expect(isoDate("昨天")).toBeNull();
  });

  it("knows which ID types are resident ID cards", () => {
    for (const t of ["身份证", "居民身份证", "中华人民共和国居民身份证", "身份证号码"]) expect(isResidentIdType(t)).toBe(true);
    for (const t of ["护照", "港澳居民来往内地通行证", undefined]) expect(isResidentIdType(t)).toBe(false);
  });

  it("the sample codes and IDs carry correct check characters; the bad one does not", () => {
    for (const c of [SAMPLE.transport.creditCode, SAMPLE.property.creditCode, SAMPLE.zhonglou.code, SAMPLE.city.code]) expect(checkCreditCode(c)).toMatchObject({ ok: true, value: c });
    for (const id of [SAMPLE.transport.repId, SAMPLE.property.repId, SAMPLE.thrower.id, SAMPLE.litterer.id]) expect(checkResidentId(id, TODAY).ok).toBe(true);
    for (const v of [...SAMPLE.vehicles, { plate: SAMPLE.thrower.plate }]) expect(checkPlate(v.plate).ok).toBe(true);
    expect(checkCreditCode(SAMPLE.badCode.creditCode)).toMatchObject({ ok: false, rule: "check" });
  });

  it("the samples: five 渣土 penalties on one company with vehicles, a property company, two persons, one refused", () => {
    const now = new Date("2026-12-01T02:00:00Z");
    const all = sampleDecisions(now);
    expect(all).toHaveLength(9);
    for (const d of all) expect(validate(SCHEMA.sanction, d)).toEqual({ ok: true, value: d });
    const results = all.map((d) => checkSanction(d, TODAY));
    const accepted = results.flatMap((r) => (r.ok ? [r.sanction] : []));
    expect(accepted).toHaveLength(8);
    for (const s of accepted) expect(validate("tongguan:canonical/sanction", s).ok).toBe(true);
    const muck = accepted.filter((s) => s.party.creditCode === SAMPLE.transport.creditCode);
    expect(muck.map((s) => s.violationType).sort()).toEqual(["乱倒渣土", "乱倒渣土", "乱倒渣土", "渣土撒漏", "渣土撒漏"]);
    for (const s of muck) expect(s.vehicles?.length).toBeGreaterThan(0);
    expect(new Set(accepted.map((s) => s.decisionNo)).size).toBe(8);
    expect(accepted.filter((s) => s.party.type === "自然人").map((s) => s.violationType)).toEqual(["车窗抛物", "乱扔垃圾"]);
    expect(accepted.some((s) => s.party.creditCode === SAMPLE.property.creditCode && s.violationType === "物业未履行违建巡查报告义务")).toBe(true);
    for (const s of accepted) expect(s.decisionDate < "2026-12-01" && s.decisionDate >= "2026-11-17").toBe(true);
    const bad = results.find((r) => !r.ok);
    expect(bad).toEqual({ ok: false, errors: [expect.objectContaining({ pointer: "/统一社会信用代码", rule: "creditCode.check" })] });
    // the same day's samples are the same decisions
    expect(sampleDecisions(new Date("2026-12-01T10:00:00Z"))).toEqual(all);
  });
});
