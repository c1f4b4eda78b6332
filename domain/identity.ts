/**
 * Identity checks for the parties of a sanction (行政处罚): the codes of legal persons and other
 * organisations, resident ID numbers of natural persons, and vehicle plates; plus masking for views
 * that do not need the whole value.
 *
 * Every check answers `{ ok: true, value, … }` with the value normalised (trimmed, full-width ASCII →
 * half-width, upper case; plates also lose spaces and the middle dot) or `{ ok: false, rule, message,
 * messageEn, value }`, where `message` is Chinese, names the position (1-based) or character that is
 * wrong and says what was expected, so the API can pass it through as a 4xx naming the field and rule.
 * Pure: no I/O. The one clock read is the default "today" of checkResidentId(), which a caller can pass.
 *
 * Sources (../shared/DOMAIN.md §3.1 unless stated):
 * - GB 32100-2015 统一社会信用代码: layout, 31-character set, weights 3^(i−1) mod 31, the standard's
 *   worked example 91350100M000100Y4Z (sum 1640, check 3), the authority/type codes 1, 5, 9, Y [V];
 *   the rest of the authority/type table is [R] in DOMAIN and is taken here from the annex as
 *   reproduced alike by several public validators (2 外交, 3 司法行政, 4 文化, 6 旅游, 7 宗教, 8 工会,
 *   A 中央军委改革和编制办公室, N 农业).
 * - GB 11714 组织机构代码 check (positions 9–17 of a USCC): weights 3,7,9,10,5,8,4,2, A=10 … Z=35,
 *   11 − (Σ mod 11), 10 → X, 11 → 0 [V].
 * - Early pilot codes that fail the checksum but are legal (91350100M0001TGQXM, 91350211M0000XUF46) [V]:
 *   accepted only when the caller says it verified them against the registry, and flagged for review.
 * - GB 11643 公民身份号码: 6 address + 8 birth date + 3 sequence (odd = male) + 1 check; weights
 *   2^(18−i) mod 11, check map 1,0,X,9,8,7,6,5,4,3,2 [V].
 * - Not in DOMAIN (stated where used): GS 15-2006 工商注册号 (ISO 7064 MOD 11,10), the plate format of
 *   GA 36 (no public copy of the standard was at hand; the rules below are the widely published ones).
 */

// ---------------------------------------------------------------------------------------------------
// Shared answer shape

export type IdentityRule = "length" | "charset" | "check" | "orgCheck" | "region" | "date" | "format" | "province" | "authority";

export interface IdentityFailure<R extends IdentityRule = IdentityRule> {
  ok: false;
  rule: R;
  /** Chinese, names the position or character and what was expected */
  message: string;
  messageEn: string;
  /** the normalised input */
  value: string;
  /** 1-based position of the first offending character, where there is one */
  position?: number;
}

const fail = <R extends IdentityRule>(rule: R, value: string, message: string, messageEn: string, position?: number): IdentityFailure<R> =>
  position === undefined ? { ok: false, rule, message, messageEn, value } : { ok: false, rule, message, messageEn, value, position };

/** Trim, full-width ASCII (U+FF01–FF5E) and the ideographic space → half-width, upper case. */
export function normaliseCode(raw: unknown): string {
  if (typeof raw !== "string") return "";
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, " ")
    .trim()
    .toUpperCase();
}

/** GB/T 2260 province-level codes (the first two digits of a region code). 71 台湾, 81 香港, 82 澳门. */
const PROVINCES = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "81",
  "82",
]);
/** Registrations made at national level carry 100000 as their region code (e.g. 11100000…). */
const NATIONAL_REGION = "100000";

const chars = (s: string) => Array.from(s);
const quote = (c: string) => `“${c}”`;

// ---------------------------------------------------------------------------------------------------
// GB 11714 organisation code (组织机构代码) — also positions 9–17 of a USCC

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const orgValue = (c: string) => (c >= "0" && c <= "9" ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55);

/** The GB 11714 check character of an 8-character body (digits and upper-case letters, A=10 … Z=35). */
export function orgCodeCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += orgValue(body[i]!) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? "X" : c === 11 ? "0" : String(c);
}

// ---------------------------------------------------------------------------------------------------
// GB 32100-2015 unified social credit code (统一社会信用代码)

/** The 31 symbols, value = index; no I, O, Z, S, V. */
export const CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/** W_i = 3^(i−1) mod 31 for i = 1…17 */
export const CREDIT_CODE_WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

/** The check character (C18) of the first 17 characters of a USCC: 31 − (Σ value·W mod 31), 31 → 0. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i]!) * CREDIT_CODE_WEIGHTS[i]!;
  const c = 31 - (sum % 31);
  return CREDIT_CODE_CHARSET[c === 31 ? 0 : c]!;
}

export interface CodeLabel {
  code: string;
  /** undefined when the code is not in the table (the table has grown since 2015: such codes are not refused) */
  name?: string;
}

/**
 * 登记管理部门代码 → name and its 机构类别代码 table (GB 32100-2015 annex). 1, 5, 9 and Y are [V] in
 * DOMAIN §3.1; the others are the annex as reproduced by public validators.
 */
export const CREDIT_CODE_AUTHORITIES: Readonly<Record<string, { name: string; types: Readonly<Record<string, string>> }>> = {
  "1": { name: "机构编制", types: { "1": "机关", "2": "事业单位", "3": "群众团体", "9": "其他" } },
  "2": { name: "外交", types: { "1": "外国常驻新闻机构", "9": "其他" } },
  "3": { name: "司法行政", types: { "1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他" } },
  "4": { name: "文化", types: { "1": "外国在华文化中心", "9": "其他" } },
  "5": { name: "民政", types: { "1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他" } },
  "6": { name: "旅游", types: { "1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他" } },
  "7": { name: "宗教", types: { "1": "宗教活动场所", "2": "宗教院校", "9": "其他" } },
  "8": { name: "工会", types: { "1": "基层工会", "9": "其他" } },
  "9": { name: "工商/市场监管", types: { "1": "企业", "2": "个体工商户", "3": "农民专业合作社" } },
  A: { name: "中央军委改革和编制办公室", types: { "1": "军队事业单位", "9": "其他" } },
  N: { name: "农业", types: { "1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他" } },
  Y: { name: "其他", types: { "1": "其他" } },
};

export type CreditCodeRule = "length" | "charset" | "check" | "orgCheck" | "region";

export interface CreditCodeOk {
  ok: true;
  /** normalised: trimmed, upper case, half-width */
  value: string;
  /** position 1, 登记管理部门 */
  authority: CodeLabel;
  /** position 2, 机构类别 */
  entityType: CodeLabel;
  /** positions 3–8, GB/T 2260 (100000 for national-level registrations) */
  regionCode: string;
  /** positions 9–17, the GB 11714 organisation code (主体标识码) */
  orgCode: string;
  /** set only when `verified` let a checksum failure through: the record must be flagged for review */
  flag?: "checksumFailedButVerified";
  /** which checks failed when flagged */
  failedChecks?: ("check" | "orgCheck")[];
  /** when flagged: why, in Chinese, for the review queue */
  note?: string;
}

export type CreditCodeResult = CreditCodeOk | IdentityFailure<CreditCodeRule>;

export interface CreditCodeOptions {
  /**
   * The caller has verified this code against the registry (`creditCodeVerified: true` in the API).
   * A structurally sound code (length, character set, region) whose check character or organisation-
   * code check fails is then accepted with `flag: "checksumFailedButVerified"`. Structure is never waived.
   */
  verified?: boolean;
}

const CHARSET_ZH = "数字或除 I、O、Z、S、V 以外的大写字母";
const CHARSET_EN = "a digit or an upper-case letter other than I, O, Z, S, V";

/** Checks a 统一社会信用代码 (GB 32100-2015). Lower-case and full-width input is normalised, not refused. */
export function checkCreditCode(raw: unknown, opts: CreditCodeOptions = {}): CreditCodeResult {
  const value = normaliseCode(raw);
  const cs = chars(value);
  if (cs.length !== 18) {
    return fail("length", value, `统一社会信用代码应为18位，实际为${cs.length}位`, `a unified social credit code has 18 characters, this one has ${cs.length}`);
  }
  // positions 1–17 first: a wrong character at 18 is a wrong check character (the standard's own
  // example, 91350100M000100Y4Z, has a Z there)
  for (let i = 0; i < 17; i++) {
    const c = cs[i]!;
    if (!CREDIT_CODE_CHARSET.includes(c)) {
      return fail(
        "charset",
        value,
        `第${i + 1}位${quote(c)}不是统一社会信用代码允许的字符，应为${CHARSET_ZH}`,
        `position ${i + 1} "${c}" is not allowed in a unified social credit code: expected ${CHARSET_EN}`,
        i + 1,
      );
    }
  }
  const regionCode = value.slice(2, 8);
  const region = checkRegion(value, regionCode, 3, "统一社会信用代码第3–8位（登记管理机关行政区划码）", "positions 3–8 of a unified social credit code (region code)", true);
  if (region) return region;

  const orgCode = value.slice(8, 17);
  const failed: ("check" | "orgCheck")[] = [];
  const expected18 = creditCodeCheckChar(value.slice(0, 17));
  const expected17 = orgCodeCheckChar(orgCode.slice(0, 8));
  if (expected18 !== cs[17]) failed.push("check");
  if (expected17 !== cs[16]) failed.push("orgCheck");

  if (!CREDIT_CODE_CHARSET.includes(cs[17]!)) {
    return fail(
      "check",
      value,
      `第18位校验码应为${quote(expected18)}，实际为${quote(cs[17]!)}（${quote(cs[17]!)}不是统一社会信用代码允许的字符，应为${CHARSET_ZH}）`,
      `position 18: the check character should be "${expected18}", not "${cs[17]}" (which is not allowed at all: expected ${CHARSET_EN})`,
      18,
    );
  }
  if (failed.length > 0 && !opts.verified) {
    if (failed[0] === "check") {
      const alsoOrg = failed.includes("orgCheck");
      return fail(
        "check",
        value,
        `第18位校验码应为${quote(expected18)}，实际为${quote(cs[17]!)}` + (alsoOrg ? "；第9–17位组织机构代码的校验也不通过，错误可能在第9–17位" : "") + "（若该代码已在登记机关核实，请注明已核实）",
        `position 18: the check character should be "${expected18}", not "${cs[17]}"` +
          (alsoOrg ? "; the organisation-code check of positions 9–17 fails too, so the error is likely there" : "") +
          " (if the code has been verified against the registry, say so)",
        18,
      );
    }
    return fail(
      "orgCheck",
      value,
      `第17位（组织机构代码校验码）应为${quote(expected17)}，实际为${quote(cs[16]!)}`,
      `position 17 (the organisation-code check of positions 9–17) should be "${expected17}", not "${cs[16]}"`,
      17,
    );
  }

  const auth = CREDIT_CODE_AUTHORITIES[cs[0]!];
  const ok: CreditCodeOk = {
    ok: true,
    value,
    authority: auth ? { code: cs[0]!, name: auth.name } : { code: cs[0]! },
    entityType: auth?.types[cs[1]!] ? { code: cs[1]!, name: auth.types[cs[1]!] } : { code: cs[1]! },
    regionCode,
    orgCode,
  };
  if (failed.length > 0) {
    ok.flag = "checksumFailedButVerified";
    ok.failedChecks = failed;
    ok.note = `校验未通过（${failed.map((f) => (f === "check" ? `第18位应为${expected18}` : `第17位应为${expected17}`)).join("，")}），调用方已在登记机关核实，待复核`;
  }
  return ok;
}

/** A region code: 6 digits whose first two are a GB/T 2260 province (or 100000 where national is allowed). */
function checkRegion(value: string, region: string, start: number, whatZh: string, whatEn: string, allowNational: boolean): IdentityFailure<"region"> | undefined {
  const rs = chars(region);
  for (let i = 0; i < rs.length; i++) {
    if (!/[0-9]/.test(rs[i]!)) {
      return fail("region", value, `第${start + i}位${quote(rs[i]!)}应为数字：${whatZh}是6位数字`, `position ${start + i} "${rs[i]}" should be a digit: ${whatEn} are 6 digits`, start + i);
    }
  }
  if (allowNational && region === NATIONAL_REGION) return undefined;
  if (!PROVINCES.has(region.slice(0, 2))) {
    return fail(
      "region",
      value,
      `第${start}–${start + 1}位${quote(region.slice(0, 2))}不是有效的省级行政区划码（GB/T 2260）：${whatZh}应以省级代码开头`,
      `positions ${start}–${start + 1} "${region.slice(0, 2)}" are not a GB/T 2260 province code: ${whatEn} start with one`,
      start,
    );
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Old party codes, for a party that has no USCC (the national standard's alternatives)

export type PartyCodeKind = "creditCode" | "businessRegNo" | "orgCode" | "taxRegNo" | "institutionCertNo" | "socialOrgRegNo";

export const PARTY_CODE_LABEL: Record<PartyCodeKind, string> = {
  creditCode: "统一社会信用代码",
  businessRegNo: "工商注册号",
  orgCode: "组织机构代码",
  taxRegNo: "税务登记号",
  institutionCertNo: "事业单位证书号",
  socialOrgRegNo: "社会组织登记证号",
};

export interface PartyCodeOk {
  ok: true;
  kind: PartyCodeKind;
  /** normalised; for an organisation code the 9 characters without the hyphen */
  value: string;
  /** the conventional written form where it differs (XXXXXXXX-X) */
  formatted?: string;
  regionCode?: string;
  orgCode?: string;
  /** the USCC reading, where the value is one (creditCode, an 18-character taxRegNo or socialOrgRegNo) */
  creditCode?: CreditCodeOk;
  /** the resident ID inside an individual's tax registration number */
  residentId?: ResidentIdOk;
  /** false when no public check algorithm exists and only the structure was checked */
  checksum: boolean;
  flag?: "checksumFailedButVerified";
}

export type PartyCodeResult = PartyCodeOk | IdentityFailure;

export interface PartyCodeOptions extends CreditCodeOptions, ResidentIdOptions {}

/** ISO 7064 MOD 11,10 (hybrid): true when the whole digit string, check digit included, is valid. */
export function iso7064Mod11_10Valid(digits: string): boolean {
  let p = 10;
  for (let i = 0; i < digits.length; i++) {
    let s = (p + (digits.charCodeAt(i) - 48)) % 10;
    if (i === digits.length - 1) return s === 1;
    if (s === 0) s = 10;
    p = (s * 2) % 11;
  }
  return false;
}

/** The ISO 7064 MOD 11,10 check digit for a digit string. */
export function iso7064Mod11_10Check(digits: string): string {
  let p = 10;
  for (let i = 0; i < digits.length; i++) {
    let s = (p + (digits.charCodeAt(i) - 48)) % 10;
    if (s === 0) s = 10;
    p = (s * 2) % 11;
  }
  return String((11 - p) % 10);
}

const withoutSpaces = (s: string) => s.replace(/\s+/g, "");

/**
 * Checks one of the party codes of the 双公示 penalty record:
 * - `creditCode` 统一社会信用代码: checkCreditCode().
 * - `businessRegNo` 工商注册号 (GS 15-2006, not in DOMAIN): 15 digits, the first 6 the registering
 *   office's region code (100000 national), the 15th the ISO 7064 MOD 11,10 check digit.
 * - `orgCode` 组织机构代码 (GB 11714): 8 digits/upper-case letters + check (digit or X), written
 *   `XXXXXXXX-X` or without the hyphen; the GB 11714 check.
 * - `taxRegNo` 税务登记号: 15 characters = 6-digit region code + organisation code (its GB 11714 check);
 *   18 = a USCC (after 三证合一 the USCC is the tax number); 20 = an individual's 18-digit resident ID
 *   (GB 11643 check) + a 2-digit sequence. The region + org-code layout is the published convention;
 *   the tax authorities' own rules are not a public standard. 17 (a first-generation ID + 2) is refused
 *   like a 15-digit ID.
 * - `institutionCertNo` 事业单位法人证书号: 12 digits, optionally written 事证第…号. No public check
 *   algorithm exists: structure only (`checksum: false`).
 * - `socialOrgRegNo` 社会组织登记证号: an 18-character USCC of the civil-affairs authority (first
 *   character 5), or an old certificate number such as 社证字第3888号 / 苏民证字第010001号 (an issuer
 *   prefix ending in 证字, 第, the number, 号). No check algorithm for the old form: structure only.
 */
export function checkPartyCode(kind: PartyCodeKind, raw: unknown, opts: PartyCodeOptions = {}): PartyCodeResult {
  const label = PARTY_CODE_LABEL[kind];
  switch (kind) {
    case "creditCode": {
      const r = checkCreditCode(raw, opts);
      return r.ok ? uscc(kind, r) : r;
    }
    case "businessRegNo": {
      const value = withoutSpaces(normaliseCode(raw));
      const cs = chars(value);
      if (cs.length !== 15) return fail("length", value, `${label}应为15位数字，实际为${cs.length}位`, `a business registration number has 15 digits, this one has ${cs.length}`);
      const bad = digitFailure(value, label, "a business registration number");
      if (bad) return bad;
      const region = checkRegion(value, value.slice(0, 6), 1, `${label}前6位（登记机关代码）`, "the first 6 digits of a business registration number (registering office)", true);
      if (region) return region;
      if (!iso7064Mod11_10Valid(value)) {
        const expected = iso7064Mod11_10Check(value.slice(0, 14));
        return fail(
          "check",
          value,
          `第15位校验码应为${quote(expected)}，实际为${quote(cs[14]!)}（ISO 7064 MOD 11,10）`,
          `position 15: the check digit should be "${expected}", not "${cs[14]}" (ISO 7064 MOD 11,10)`,
          15,
        );
      }
      return { ok: true, kind, value, regionCode: value.slice(0, 6), checksum: true };
    }
    case "orgCode": {
      const r = checkOrgCode(raw);
      return r.ok ? { ok: true, kind, value: r.value, formatted: `${r.value.slice(0, 8)}-${r.value[8]}`, orgCode: r.value, checksum: true } : r;
    }
    case "taxRegNo": {
      const value = withoutSpaces(normaliseCode(raw));
      const n = chars(value).length;
      if (n === 15) {
        const region = checkRegion(value, value.slice(0, 6), 1, `${label}前6位（行政区划码）`, "the first 6 characters of a tax registration number (region code)", false);
        if (region) return region;
        const org = checkOrgCode(value.slice(6), 6);
        if (!org.ok) return { ...org, value };
        return { ok: true, kind, value, regionCode: value.slice(0, 6), orgCode: org.value, checksum: true };
      }
      if (n === 18) {
        const r = checkCreditCode(value, opts);
        return r.ok ? uscc(kind, r) : r;
      }
      if (n === 20) {
        const id = checkResidentId(value.slice(0, 18), opts);
        if (!id.ok)
          return {
            ...id,
            value,
            message: `${label}前18位应为居民身份证号码：${id.message}`,
            messageEn: `the first 18 characters of an individual's tax registration number are a resident ID: ${id.messageEn}`,
          };
        if (!/^[0-9]{2}$/.test(value.slice(18)))
          return fail("charset", value, `${label}第19–20位应为2位数字顺序码`, "positions 19–20 of an individual's tax registration number are a 2-digit sequence", 19);
        return { ok: true, kind, value, regionCode: value.slice(0, 6), residentId: id, checksum: true };
      }
      return fail(
        "length",
        value,
        `${label}应为15位（行政区划码+组织机构代码）、18位（统一社会信用代码）或20位（18位身份证号码+2位顺序码），实际为${n}位`,
        `a tax registration number has 15 (region + organisation code), 18 (USCC) or 20 (18-digit resident ID + 2) characters, this one has ${n}`,
      );
    }
    case "institutionCertNo": {
      const value = withoutSpaces(normaliseCode(raw));
      const m = /^(?:事证)?第?([^第号]*)号?$/.exec(value);
      const digits = m ? m[1]! : value;
      const n = chars(digits).length;
      if (n !== 12)
        return fail(
          "length",
          value,
          `${label}应为12位数字（可写作“事证第…号”），实际为${n}位`,
          `a public-institution certificate number has 12 digits (optionally written 事证第…号), this one has ${n}`,
        );
      const bad = digitFailure(digits, label, "a public-institution certificate number");
      if (bad) return { ...bad, value };
      return { ok: true, kind, value: digits, checksum: false };
    }
    case "socialOrgRegNo": {
      const value = withoutSpaces(normaliseCode(raw));
      if (/^[0-9A-Z]{18}$/.test(value)) {
        const r = checkCreditCode(value, opts);
        if (!r.ok) return r;
        if (r.authority.code !== "5") {
          return fail(
            "format",
            value,
            `社会组织的统一社会信用代码第1位应为“5”（民政），实际为${quote(r.authority.code)}`,
            `a social organisation's unified social credit code starts with "5" (civil affairs), not "${r.authority.code}"`,
            1,
          );
        }
        return uscc(kind, r);
      }
      if (/^[\u4e00-\u9fff]{0,12}证字第?[0-9A-Z-]{1,16}号?$/.test(value)) return { ok: true, kind, value, checksum: false };
      return fail(
        "format",
        value,
        `${label}应为以“5”开头的18位统一社会信用代码，或“××证字第×××号”形式的登记证号`,
        `a social organisation registration number is an 18-character unified social credit code starting with "5", or a certificate number like 社证字第3888号`,
      );
    }
  }
}

const uscc = (kind: PartyCodeKind, r: CreditCodeOk): PartyCodeOk => {
  const ok: PartyCodeOk = { ok: true, kind, value: r.value, regionCode: r.regionCode, orgCode: r.orgCode, creditCode: r, checksum: true };
  if (r.flag) ok.flag = r.flag;
  return ok;
};

function digitFailure(value: string, label: string, labelEn: string): IdentityFailure<"charset"> | undefined {
  const cs = chars(value);
  for (let i = 0; i < cs.length; i++) {
    if (!/[0-9]/.test(cs[i]!)) return fail("charset", value, `${label}第${i + 1}位${quote(cs[i]!)}应为数字`, `position ${i + 1} "${cs[i]}" of ${labelEn} should be a digit`, i + 1);
  }
  return undefined;
}

/** GB 11714: 9 characters, or 8 + "-" + 1. `offset` shifts the positions named (inside a longer number). */
function checkOrgCode(raw: unknown, offset = 0): IdentityFailure | { ok: true; value: string } {
  let value = withoutSpaces(normaliseCode(raw));
  if (/^[^-]{8}-[^-]$/.test(value)) value = value.replace("-", "");
  const cs = chars(value);
  const label = "组织机构代码";
  if (cs.length !== 9)
    return fail(
      "length",
      value,
      `${label}应为9位（可写作“XXXXXXXX-X”），实际为${cs.length}位`,
      `an organisation code has 9 characters (written XXXXXXXX-X or without the hyphen), this one has ${cs.length}`,
    );
  for (let i = 0; i < 8; i++) {
    if (!/[0-9A-Z]/.test(cs[i]!)) {
      return fail(
        "charset",
        value,
        `第${offset + i + 1}位${quote(cs[i]!)}不是组织机构代码允许的字符，应为数字或大写字母`,
        `position ${offset + i + 1} "${cs[i]}" is not allowed in an organisation code: expected a digit or an upper-case letter`,
        offset + i + 1,
      );
    }
  }
  const expected = orgCodeCheckChar(value);
  if (cs[8] !== expected) {
    return fail(
      "check",
      value,
      `第${offset + 9}位（组织机构代码校验码）应为${quote(expected)}，实际为${quote(cs[8]!)}`,
      `position ${offset + 9} (the organisation-code check character) should be "${expected}", not "${cs[8]}"`,
      offset + 9,
    );
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------------
// GB 11643 resident ID number (公民身份号码)

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** The check character of the first 17 digits of a resident ID. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export type ResidentIdRule = "length" | "charset" | "region" | "date" | "check";

export interface ResidentIdOk {
  ok: true;
  /** normalised: a lower-case x becomes X */
  value: string;
  addressCode: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** from the sequence code: odd = male */
  sex: "male" | "female";
}

export type ResidentIdResult = ResidentIdOk | IdentityFailure<ResidentIdRule>;

export interface ResidentIdOptions {
  /** "today" in Asia/Shanghai for the not-in-the-future rule: YYYY-MM-DD or an instant; default now */
  today?: string | Date;
}

const shanghaiDate = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Checks an 18-digit 居民身份证号码 (GB 11643): the address code (first digit 1–8, first two a GB/T 2260
 * province; 83 too, which residence permits of Taiwan residents use), a real birth date from
 * 1900-01-01 to today (Asia/Shanghai), a 3-digit sequence and the check character.
 * A 15-digit first-generation number is refused, not converted: first-generation cards stopped being
 * valid on 2013-01-01, the record sent to the credit platform must carry the number on the current
 * card, and a converted number cannot be checked (its check character would be computed, not read).
 */
export function checkResidentId(raw: unknown, opts: ResidentIdOptions = {}): ResidentIdResult {
  const value = withoutSpaces(normaliseCode(raw));
  const cs = chars(value);
  if (cs.length === 15 && /^[0-9]{15}$/.test(value)) {
    return fail(
      "length",
      value,
      "这是15位的第一代身份证号码，需要18位的第二代居民身份证号码（第一代身份证已于2013年1月1日停止使用）",
      "this is a 15-digit first-generation ID number; the 18-digit number of the current resident ID card is needed",
    );
  }
  if (cs.length !== 18) return fail("length", value, `居民身份证号码应为18位，实际为${cs.length}位`, `a resident ID number has 18 characters, this one has ${cs.length}`);
  for (let i = 0; i < 17; i++) {
    if (!/[0-9]/.test(cs[i]!)) return fail("charset", value, `身份证号码第${i + 1}位${quote(cs[i]!)}应为数字`, `position ${i + 1} "${cs[i]}" of a resident ID should be a digit`, i + 1);
  }
  if (!/[0-9X]/.test(cs[17]!)) return fail("charset", value, `身份证号码第18位${quote(cs[17]!)}应为数字或X`, `position 18 "${cs[17]}" of a resident ID should be a digit or X`, 18);
  const first = value[0]!;
  if (first < "1" || first > "8" || !(PROVINCES.has(value.slice(0, 2)) || value.startsWith("83"))) {
    return fail(
      "region",
      value,
      `身份证号码第1–2位${quote(value.slice(0, 2))}不是有效的省级行政区划码：地址码第1位应为1–8，前两位应为省级代码`,
      `positions 1–2 "${value.slice(0, 2)}" of a resident ID are not a province code: the address code starts with 1–8 and a GB/T 2260 province`,
      1,
    );
  }
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || d < 1 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) {
    return fail("date", value, `身份证号码第7–14位${quote(value.slice(6, 14))}不是真实的出生日期`, `positions 7–14 "${value.slice(6, 14)}" of a resident ID are not a real birth date`, 7);
  }
  if (y < 1900) return fail("date", value, `身份证号码第7–14位出生日期${birthDate}早于1900年`, `positions 7–14: the birth date ${birthDate} is before 1900`, 7);
  const today = opts.today === undefined ? shanghaiDate(new Date()) : typeof opts.today === "string" ? opts.today.slice(0, 10) : shanghaiDate(opts.today);
  if (birthDate > today)
    return fail("date", value, `身份证号码第7–14位出生日期${birthDate}晚于今天（${today}）`, `positions 7–14: the birth date ${birthDate} is in the future (today is ${today})`, 7);
  const expected = residentIdCheckChar(value);
  if (cs[17] !== expected) {
    return fail("check", value, `身份证号码第18位校验码应为${quote(expected)}，实际为${quote(cs[17]!)}`, `position 18: the check character should be "${expected}", not "${cs[17]}"`, 18);
  }
  return { ok: true, value, addressCode: value.slice(0, 6), birthDate, sex: Number(value[16]) % 2 === 1 ? "male" : "female" };
}

// ---------------------------------------------------------------------------------------------------
// Vehicle plates (GA 36)

export const PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

export type PlateKind = "ordinary" | "newEnergy" | "trailer" | "coach" | "policeCar" | "hongKong" | "macau" | "consulate" | "embassy";
export type PlateRule = "length" | "province" | "authority" | "charset" | "format";

export const PLATE_KIND_LABEL: Record<PlateKind, string> = {
  ordinary: "普通号牌",
  newEnergy: "新能源汽车号牌",
  trailer: "挂车号牌",
  coach: "教练汽车号牌",
  policeCar: "警用汽车号牌",
  hongKong: "香港入出境车号牌",
  macau: "澳门入出境车号牌",
  consulate: "领馆汽车号牌",
  embassy: "使馆汽车号牌",
};

const SUFFIX_KIND: Record<string, PlateKind> = { 挂: "trailer", 学: "coach", 警: "policeCar", 港: "hongKong", 澳: "macau", 领: "consulate" };

export interface PlateOk {
  ok: true;
  /** normalised: no spaces or dots, upper case (苏D·12345 → 苏D12345) */
  value: string;
  /** the province abbreviation (absent on embassy plates) */
  province?: string;
  /** the issuing-authority letter (发牌机关代号) */
  authority?: string;
  kind: PlateKind;
  /** the serial (序号), without the suffix character */
  serial: string;
  /** new-energy plates: small (letter first) or large (letter last) */
  size?: "small" | "large";
  /** new-energy plates: 纯电动 (D; A B C E) or 非纯电动 (F; G H J K) */
  energy?: "electric" | "nonElectric";
}

export type PlateResult = PlateOk | IdentityFailure<PlateRule>;

const SERIAL_CHAR = /^[0-9A-HJ-NP-Z]$/;
const NE_ELECTRIC = "DABCE";
const NE_OTHER = "FGHJK";

/**
 * Checks a motor-vehicle plate number. GA 36 itself was not at hand; what is enforced is the widely
 * published rule set (not in DOMAIN):
 * - province abbreviation (one of PLATE_PROVINCES) + issuing-authority letter A–Z except I and O;
 * - ordinary (blue/yellow) plates: a 5-character serial of digits and letters except I and O, with at
 *   most 2 letters (the serial rule: all digits, or 1 or 2 letters among them);
 * - new-energy plates (GA 36-2018): a 6-character serial; small cars have the energy letter first, then
 *   a letter or digit, then 4 digits; large vehicles have 5 digits and the energy letter last. D = 纯电动
 *   and F = 非纯电动 per GA 36-2018; A B C E (纯电动) and G H J K (非纯电动) were added later when D/F
 *   serials ran out and are accepted too;
 * - special plates with a 4-character serial and a suffix: 挂 trailer, 学 coach, 警 police, 领 consulate,
 *   港 / 澳 (only 粤Z, the Guangdong office for Hong Kong and Macau entry vehicles);
 * - embassy plates: 使 + 6 digits (3-digit mission code + 3-digit sequence).
 * Military, armed-police (WJ), temporary and trial plates are not accepted (rule "province"/"format").
 * Normalises spaces, dots (苏D·12345), full-width characters and lower case.
 */
export function checkPlate(raw: unknown): PlateResult {
  const value = normaliseCode(raw).replace(/[\s·•・‧.-]/g, "");
  const cs = chars(value);
  if (cs.length === 0) return fail("length", value, "车牌号码为空", "the plate number is empty");

  if (cs[0] === "使") {
    if (/^使[0-9]{6}$/.test(value)) return { ok: true, value, kind: "embassy", serial: value.slice(1) };
    return fail("format", value, `使馆汽车号牌应为“使”加6位数字，实际为${quote(value)}`, `an embassy plate is 使 followed by 6 digits, not "${value}"`);
  }
  const province = cs[0]!;
  if (!PLATE_PROVINCES.includes(province)) {
    return fail("province", value, `第1位${quote(province)}不是省级简称，应为${PLATE_PROVINCES.split("").join("、")}之一`, `position 1 "${province}" is not a province abbreviation (京, 津, 沪 …)`, 1);
  }
  if (cs.length < 2) return fail("length", value, "车牌号码过短：缺少发牌机关代号和序号", "the plate number is too short: the authority letter and serial are missing");
  const authority = cs[1]!;
  if (!/^[A-HJ-NP-Z]$/.test(authority)) {
    return fail(
      "authority",
      value,
      `第2位${quote(authority)}应为发牌机关代号：除 I、O 以外的大写字母`,
      `position 2 "${authority}" should be the issuing-authority letter: an upper-case letter other than I and O`,
      2,
    );
  }
  const last = cs[cs.length - 1]!;
  const suffixKind = SUFFIX_KIND[last];
  const serialChars = suffixKind ? cs.slice(2, -1) : cs.slice(2);
  for (let i = 0; i < serialChars.length; i++) {
    const c = serialChars[i]!;
    if (!SERIAL_CHAR.test(c)) {
      const pos = i + 3;
      const why = c === "I" || c === "O" ? "序号不使用字母 I 和 O（易与1、0混淆）" : "序号应为数字或除 I、O 以外的大写字母";
      return fail("charset", value, `第${pos}位${quote(c)}不合规：${why}`, `position ${pos} "${c}" is not allowed: the serial is digits and upper-case letters other than I and O`, pos);
    }
  }
  const serial = serialChars.join("");
  const letters = serialChars.filter((c) => /[A-Z]/.test(c)).length;

  if (suffixKind) {
    if (serialChars.length !== 4) {
      return fail(
        "length",
        value,
        `${PLATE_KIND_LABEL[suffixKind]}应为省级简称+发牌机关代号+4位序号+“${last}”，序号实际为${serialChars.length}位`,
        `a ${suffixKind} plate has a 4-character serial before "${last}", this one has ${serialChars.length}`,
      );
    }
    if ((suffixKind === "hongKong" || suffixKind === "macau") && !(province === "粤" && authority === "Z")) {
      return fail("format", value, `港澳入出境车号牌应以“粤Z”开头，实际为${quote(province + authority)}`, `Hong Kong and Macau entry plates start with 粤Z, not "${province}${authority}"`, 1);
    }
    if (letters > 2) return tooManyLetters(value, letters);
    return { ok: true, value, province, authority, kind: suffixKind, serial };
  }
  if (serialChars.length === 6) {
    const f = serial[0]!;
    const l = serial[5]!;
    if ((NE_ELECTRIC + NE_OTHER).includes(f) && /^[0-9A-HJ-NP-Z][0-9]{4}$/.test(serial.slice(1))) {
      return { ok: true, value, province, authority, kind: "newEnergy", serial, size: "small", energy: NE_ELECTRIC.includes(f) ? "electric" : "nonElectric" };
    }
    if ((NE_ELECTRIC + NE_OTHER).includes(l) && /^[0-9]{5}$/.test(serial.slice(0, 5))) {
      return { ok: true, value, province, authority, kind: "newEnergy", serial, size: "large", energy: NE_ELECTRIC.includes(l) ? "electric" : "nonElectric" };
    }
    return fail(
      "format",
      value,
      `新能源汽车号牌的6位序号应为：小型车首位为 D/F（或 A、B、C、E/G、H、J、K），第2位字母或数字，后4位数字；大型车前5位数字，末位为 D/F；实际为${quote(serial)}`,
      `a new-energy serial is D/F (or A B C E / G H J K) + a letter or digit + 4 digits (small), or 5 digits + D/F (large); not "${serial}"`,
      3,
    );
  }
  if (serialChars.length === 5) {
    if (letters > 2) return tooManyLetters(value, letters);
    return { ok: true, value, province, authority, kind: "ordinary", serial };
  }
  return fail(
    "length",
    value,
    `车牌序号应为5位（普通号牌）、6位（新能源号牌）或4位加挂/学/警/港/澳/领，实际为${serialChars.length}位`,
    `a plate serial has 5 characters (ordinary), 6 (new energy) or 4 plus 挂/学/警/港/澳/领; this one has ${serialChars.length}`,
  );
}

const tooManyLetters = (value: string, n: number) =>
  fail("format", value, `号牌序号最多使用2个英文字母，实际为${n}个`, `a plate serial uses at most 2 letters, this one has ${n}`) as IdentityFailure<PlateRule>;

// ---------------------------------------------------------------------------------------------------
// Masking
//
// There is deliberately no maskCreditCode: a legal person's or organisation's 统一社会信用代码 is public
// (it is printed on the licence and published with every 双公示 record), so it is shown whole.

/** 320402199001011234 → 320402********1234: the first 6 (address code) and last 4 kept. */
export function maskResidentId(raw: string): string {
  const cs = chars(withoutSpaces(normaliseCode(raw)));
  if (cs.length <= 10) return "*".repeat(cs.length);
  return cs.slice(0, 6).join("") + "*".repeat(cs.length - 10) + cs.slice(-4).join("");
}

/** A natural person's name: the first character kept, the rest starred (王小明 → 王**, 王五 → 王*). */
export function maskName(raw: string): string {
  const cs = chars((raw ?? "").trim());
  if (cs.length === 0) return "";
  return cs[0]! + "*".repeat(Math.max(1, cs.length - 1));
}
