/**
 * Enforcement system ⇄ hub mapping. Pure functions only (no I/O; "today" for the resident-ID
 * birth-date rule is passed in): the enforcement system's penalty decision, keyed by the national
 * 双公示 data-standard names (行政相对人名称, 统一社会信用代码 …), → the canonical sanction
 * (`tongguan:canonical/sanction`) and the review flags beside it.
 *
 * Every identity is checked with domain/identity.ts — 统一社会信用代码 (GB 32100, GB 11714 inside),
 * the old party codes, resident IDs (GB 11643) of a 自然人 and of a 法定代表人 with 证件类型 身份证,
 * the penalising authority's and the data-source unit's codes, and vehicle plates — and normalised
 * (lower-case and full-width codes are not refused). Whatever still fails is collected, and the
 * decision is refused as a whole with one 422 naming each field (a JSON pointer with the Chinese
 * key) and its rule (`creditCode.check`, `residentId.date`, `plate.province`, `partyCode.required` …).
 * A 统一社会信用代码 that fails only its checksum is accepted when the caller says it verified it
 * against the registry (`creditCodeVerified: true`, early pilot codes, DOMAIN §3.1) and flagged.
 */
import type { FieldError } from "../../contracts";
import type { EnforcementSanction, Sanction } from "../../contracts/types";
import { checkCreditCode, checkPartyCode, checkPlate, checkResidentId, type IdentityFailure, PARTY_CODE_LABEL, type PartyCodeKind } from "../../domain/identity";
import { HubError } from "../../kit/errors";

export const SYSTEM = "enforcement" as const;

/** The contract ids of this adapter's messages. */
export const SCHEMA = {
  sanction: "tongguan:enforcement/sanction",
  commitment: "tongguan:enforcement/commitment",
} as const;

/** Where the enforcement system posts its decisions (the gateway mounts the spec's basePath under /api). */
export const SANCTIONS_PATH = "/api/v1/sanctions";

/** Why a sanction goes to review although it was accepted. */
export type SanctionFlag = "creditCodeChecksumFailedButVerified";

/** What the hub's `sanctions.sanction` receives. */
export interface SanctionIntake {
  sanction: Sanction;
  flags: SanctionFlag[];
}

/** A field error with the rule that refused it ("creditCode.check", "partyCode.required" …). */
export interface SanctionFieldError extends FieldError {
  rule: string;
}

export type SanctionCheck = ({ ok: true } & SanctionIntake) | { ok: false; errors: SanctionFieldError[] };

export interface MappingOptions {
  /** "today" (YYYY-MM-DD, Asia/Shanghai) for the rule that a birth date is not in the future; default the clock */
  today?: string;
}

type Body = EnforcementSanction;
type Key = keyof Body & string;

/** The old codes of a party without a 统一社会信用代码, in the order of the national standard. */
export const OLD_CODES: readonly { key: Key; kind: Exclude<PartyCodeKind, "creditCode">; field: keyof NonNullable<Sanction["party"]["oldCodes"]> }[] = [
  { key: "工商注册号", kind: "businessRegNo", field: "businessRegNo" },
  { key: "组织机构代码", kind: "orgCode", field: "orgCode" },
  { key: "税务登记号", kind: "taxRegNo", field: "taxRegNo" },
  { key: "事业单位证书号", kind: "institutionCertNo", field: "institutionCertNo" },
  { key: "社会组织登记证号", kind: "socialOrgRegNo", field: "socialOrgRegNo" },
];

/** JSON pointer of a top-level key (RFC 6901 escaping; the Chinese keys need none but the rule is the rule). */
export const pointer = (...keys: (string | number)[]): string => keys.map((k) => `/${String(k).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");

/** 证件类型 values that mean a resident ID card (then the number is checked by GB 11643). */
export function isResidentIdType(t: string | undefined): boolean {
  return typeof t === "string" && /^(中华人民共和国)?(居民)?身份证(号码)?$/.test(t.replace(/\s+/g, ""));
}

const text = (s: string | undefined): string | undefined => {
  const t = s?.trim();
  return t ? t : undefined;
};

/** "2026-11-28", "2026/11/28", "2026年11月28日" (a time after it ignored) → 2026-11-28, or null when it is no real date. */
export function isoDate(raw: string): string | null {
  const m = /^([0-9]{4})(?:-|\/|年)([0-9]{1,2})(?:-|\/|月)([0-9]{1,2})/.exec(raw.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** 万元 as a number ("0.005" → 0.005). The contract has already checked the form. */
const wan = (v: number | string | undefined): number | undefined => (v === undefined ? undefined : typeof v === "number" ? v : Number(v));

/**
 * Checks a decision (as intake passed it: structure checked, empty strings and unknown fields
 * dropped) and maps it to the canonical sanction, or answers every field error with its rule.
 */
export function checkSanction(body: Body, opts: MappingOptions = {}): SanctionCheck {
  const errors: SanctionFieldError[] = [];
  const flags: SanctionFlag[] = [];
  const refuse = (at: string, field: string, rule: string, message: string, messageEn: string) =>
    errors.push({ pointer: at, message: `${field}：${message}`, messageEn: `${field} (${rule}): ${messageEn}`, rule });
  const failed = (at: string, field: string, check: string, r: IdentityFailure) => refuse(at, field, `${check}.${r.rule}`, r.message, r.messageEn);
  const idOpts = opts.today ? { today: opts.today } : {};

  // --- the party and its codes
  const partyType = body.行政相对人类别;
  const party: Sanction["party"] = { name: body.行政相对人名称.trim(), type: partyType };
  const verified = body.creditCodeVerified === true;
  if (body.统一社会信用代码 !== undefined) {
    const r = checkCreditCode(body.统一社会信用代码, { verified });
    if (!r.ok) failed(pointer("统一社会信用代码"), "统一社会信用代码", "creditCode", r);
    else {
      party.creditCode = r.value;
      if (r.flag === "checksumFailedButVerified") flags.push("creditCodeChecksumFailedButVerified");
    }
  }
  if (typeof body.creditCodeVerified === "boolean") party.creditCodeVerified = body.creditCodeVerified;
  const oldCodes: NonNullable<Sanction["party"]["oldCodes"]> = {};
  for (const c of OLD_CODES) {
    const raw = body[c.key] as string | undefined;
    if (raw === undefined) continue;
    const r = checkPartyCode(c.kind, raw, idOpts);
    if (!r.ok) failed(pointer(c.key), c.key, c.kind, r);
    else oldCodes[c.field] = r.value;
  }
  if (Object.keys(oldCodes).length) party.oldCodes = oldCodes;
  if (body.所属行业?.length) party.industries = [...body.所属行业];

  if (partyType === "自然人") {
    if (body.证件类型 === undefined) refuse(pointer("证件类型"), "证件类型", "idType.required", "自然人需要证件类型（如身份证）", "a natural person needs an ID type (e.g. 身份证)");
    if (body.证件号码 === undefined) refuse(pointer("证件号码"), "证件号码", "idNumber.required", "自然人需要证件号码", "a natural person needs an ID number");
  } else if (body.统一社会信用代码 === undefined && !OLD_CODES.some((c) => body[c.key] !== undefined)) {
    refuse(
      pointer("统一社会信用代码"),
      "统一社会信用代码",
      "partyCode.required",
      `${partyType}需要统一社会信用代码；没有统一社会信用代码的，填写${OLD_CODES.map((c) => PARTY_CODE_LABEL[c.kind]).join("、")}之一`,
      `a ${partyType === "个体工商户" ? "sole trader" : "legal person or other organisation"} needs a unified social credit code, or where it has none one of the old codes (${OLD_CODES.map((c) => c.key).join(", ")})`,
    );
  }
  const idType = text(body.证件类型);
  const idNumber = text(body.证件号码);
  if (idType) party.idType = idType;
  if (idNumber) {
    if (isResidentIdType(idType)) {
      const r = checkResidentId(idNumber, idOpts);
      if (!r.ok) failed(pointer("证件号码"), "证件号码", "residentId", r);
      else party.idNumber = r.value;
    } else party.idNumber = idNumber;
  }

  // --- the legal representative
  const repName = text(body.法定代表人);
  const repIdType = text(body.法定代表人证件类型);
  const repIdNumber = text(body.法定代表人证件号码);
  if (repName) {
    const legalRep: NonNullable<Sanction["party"]["legalRep"]> = { name: repName };
    if (repIdType) legalRep.idType = repIdType;
    if (repIdNumber) {
      if (isResidentIdType(repIdType)) {
        const r = checkResidentId(repIdNumber, idOpts);
        if (!r.ok) failed(pointer("法定代表人证件号码"), "法定代表人证件号码", "residentId", r);
        else legalRep.idNumber = r.value;
      } else legalRep.idNumber = repIdNumber;
    }
    party.legalRep = legalRep;
  } else if (repIdType || repIdNumber) {
    refuse(
      pointer("法定代表人"),
      "法定代表人",
      "legalRep.required",
      "填写了法定代表人证件类型或号码，但没有法定代表人姓名",
      "the legal representative's ID type or number is given without the legal representative's name",
    );
  }

  // --- the organs
  const organ = (nameKey: Key, codeKey: Key): Sanction["authority"] | undefined => {
    const name = text(body[nameKey] as string | undefined);
    if (!name) return undefined;
    const o: Sanction["authority"] = { name };
    const raw = body[codeKey] as string | undefined;
    if (raw !== undefined) {
      const r = checkCreditCode(raw);
      if (!r.ok) failed(pointer(codeKey), codeKey, "creditCode", r);
      else o.code = r.value;
    }
    return o;
  };
  const authority = organ("处罚机关", "处罚机关统一社会信用代码")!;
  // the penalising authority is its own data source unless the decision names another
  const dataSource = organ("数据来源单位", "数据来源单位统一社会信用代码") ?? { ...authority };

  // --- dates
  const date = (key: Key): string | undefined => {
    const raw = body[key] as string | undefined;
    if (raw === undefined) return undefined;
    const d = isoDate(raw);
    if (d === null) refuse(pointer(key), key, "date.invalid", `“${raw}”不是真实的日期`, `"${raw}" is not a real date`);
    return d ?? undefined;
  };
  const decisionDate = date("处罚决定日期");
  const validUntil = date("处罚有效期");
  const publishUntil = date("公示截止期");

  // --- vehicles
  const vehicles: NonNullable<Sanction["vehicles"]> = [];
  (body.vehicles ?? []).forEach((v, i) => {
    const r = checkPlate(v.plate);
    if (!r.ok) return failed(pointer("vehicles", i, "plate"), `vehicles[${i}].plate 号牌号码`, "plate", r);
    const out: NonNullable<Sanction["vehicles"]>[number] = { plate: r.value };
    const passNo = text(v.passNo);
    const operator = text(v.operator);
    if (passNo) out.passNo = passNo;
    if (operator) out.operator = operator;
    vehicles.push(out);
  });

  if (errors.length) return { ok: false, errors };

  const sanction: Sanction = {
    decisionNo: body.行政处罚决定书文号.trim(),
    party,
    violationType: body.违法行为类型.trim(),
    facts: body.违法事实.trim(),
    basis: body.处罚依据.trim(),
    penaltyType: body.处罚类别.trim(),
    content: body.处罚内容.trim(),
    decisionDate: decisionDate!,
    authority,
    dataSource,
    severity: body.severity,
  };
  const fineWan = wan(body["罚款金额（万元）"]);
  const confiscatedWan = wan(body["没收违法所得没收非法财物的金额（万元）"]);
  const licence = text(body.暂扣或吊销证照名称及编号);
  const note = text(body.备注);
  if (fineWan !== undefined) sanction.fineWan = fineWan;
  if (confiscatedWan !== undefined) sanction.confiscatedWan = confiscatedWan;
  if (licence) sanction.licence = licence;
  if (validUntil) sanction.validUntil = validUntil;
  if (publishUntil) sanction.publishUntil = publishUntil;
  if (note) sanction.note = note;
  if (vehicles.length) sanction.vehicles = vehicles;
  // 一般程序 is what local documents call the 普通程序 of 行政处罚法 第五章
  if (body.处罚程序) sanction.procedure = body.处罚程序 === "简易程序" ? "简易程序" : "普通程序";
  const caseIds = (body.relatedCaseIds ?? []).map((c) => c.trim()).filter(Boolean);
  if (caseIds.length) sanction.caseIds = [...new Set(caseIds)];
  return { ok: true, sanction, flags };
}

/** The decision as the hub's `sanctions.sanction` takes it; a 422 HubError naming every field and rule when it fails a check. */
export function toSanction(body: Body, opts: MappingOptions = {}): SanctionIntake {
  const r = checkSanction(body, opts);
  if (r.ok) return { sanction: r.sanction, flags: r.flags };
  const n = r.errors.length;
  const one = n === 1;
  throw new HubError(
    422,
    "IDENTITY_INVALID",
    one ? r.errors[0].message : `行政处罚决定未通过核验，共 ${n} 处错误：${r.errors.map((e) => e.message).join("；")}`,
    one ? r.errors[0].messageEn : `the penalty decision failed ${n} check(s): ${r.errors.map((e) => e.messageEn).join("; ")}`,
    { errors: r.errors },
  );
}
