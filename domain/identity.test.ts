import {
  CREDIT_CODE_AUTHORITIES,
  CREDIT_CODE_CHARSET,
  CREDIT_CODE_WEIGHTS,
  checkCreditCode,
  checkPartyCode,
  checkPlate,
  checkResidentId,
  creditCodeCheckChar,
  iso7064Mod11_10Check,
  maskName,
  maskResidentId,
  orgCodeCheckChar,
  residentIdCheckChar,
} from "./identity";

/** mulberry32: a seeded generator, so a failing code can be reproduced */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;

const REGIONS = ["320402", "350100", "350211", "110108", "440305", "100000", "650102"];

/** A valid USCC from a random body: authority/type from the table, a real region, GB 11714 and GB 32100 checks computed. */
function makeCreditCode(r: () => number): string {
  const auth = pick(r, Object.keys(CREDIT_CODE_AUTHORITIES));
  const type = pick(r, Object.keys(CREDIT_CODE_AUTHORITIES[auth]!.types));
  let body = "";
  for (let i = 0; i < 8; i++) body += pick(r, CREDIT_CODE_CHARSET.split(""));
  const first17 = auth + type + pick(r, REGIONS) + body + orgCodeCheckChar(body);
  return first17 + creditCodeCheckChar(first17);
}

function makeResidentId(r: () => number): string {
  const y = 1900 + Math.floor(r() * 120);
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  const seq = String(Math.floor(r() * 1000)).padStart(3, "0");
  const first17 =
    pick(
      r,
      REGIONS.filter((x) => x !== "100000"),
    ) +
    String(y) +
    String(m).padStart(2, "0") +
    String(d).padStart(2, "0") +
    seq;
  return first17 + residentIdCheckChar(first17);
}

describe("checkCreditCode: GB 32100-2015", () => {
  it("has the weights and reproduces the standard's worked example (DOMAIN §3.1)", () => {
    expect(CREDIT_CODE_WEIGHTS).toEqual([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]);
    expect(creditCodeCheckChar("91350100M000100Y4")).toBe("3");
    const bad = checkCreditCode("91350100M000100Y4Z");
    expect(bad).toMatchObject({ ok: false, rule: "check", position: 18, value: "91350100M000100Y4Z" });
    if (!bad.ok) expect(bad.message).toContain("第18位校验码应为“3”");
    expect(checkCreditCode("91350100M000100Y43")).toEqual({
      ok: true,
      value: "91350100M000100Y43",
      authority: { code: "9", name: "工商/市场监管" },
      entityType: { code: "1", name: "企业" },
      regionCode: "350100",
      orgCode: "M000100Y4",
    });
  });

  it("accepts every generated code and refuses every single-character change of one", () => {
    const r = rng(32100);
    for (let n = 0; n < 60; n++) {
      const code = makeCreditCode(r);
      expect(checkCreditCode(code)).toMatchObject({ ok: true, value: code });
      for (let i = 0; i < 18; i++) {
        for (const c of CREDIT_CODE_CHARSET) {
          if (c === code[i]) continue;
          const changed = code.slice(0, i) + c + code.slice(i + 1);
          const res = checkCreditCode(changed);
          if (res.ok) throw new Error(`${changed} (from ${code}, position ${i + 1}) passed`);
        }
      }
    }
  });

  it("names the authority and type from the table; an unlisted pair is not refused", () => {
    expect(checkCreditCode(sealCredit("52320402M00000000"))).toMatchObject({ ok: true, authority: { code: "5", name: "民政" }, entityType: { code: "2", name: "民办非企业单位" } });
    expect(checkCreditCode(sealCredit("12100000M00000000"))).toMatchObject({ ok: true, authority: { code: "1", name: "机构编制" }, entityType: { code: "2", name: "事业单位" }, regionCode: "100000" });
    const unlisted = checkCreditCode(sealCredit("B1320402M00000000"));
    expect(unlisted).toMatchObject({ ok: true, authority: { code: "B" }, entityType: { code: "1" } });
    if (unlisted.ok) expect(unlisted.authority.name).toBeUndefined();
  });

  it("normalises lower case, full-width characters and surrounding space", () => {
    expect(checkCreditCode("  91350100m000100y43 ")).toMatchObject({ ok: true, value: "91350100M000100Y43" });
    expect(checkCreditCode("９１３５０１００Ｍ０００１００Ｙ４３")).toMatchObject({ ok: true, value: "91350100M000100Y43" });
  });

  it("refuses I, O, Z, S, V naming the position", () => {
    const code = "91350100M000100Y43";
    for (const c of ["I", "O", "Z", "S", "V"]) {
      for (const i of [0, 9, 12, 15]) {
        const res = checkCreditCode(code.slice(0, i) + c + code.slice(i + 1));
        expect(res).toMatchObject({ ok: false, rule: "charset", position: i + 1 });
        if (!res.ok) {
          expect(res.message).toContain(`第${i + 1}位“${c}”`);
          expect(res.message).toContain("I、O、Z、S、V");
        }
      }
    }
    expect(checkCreditCode("91350100M000100Y4-")).toMatchObject({ ok: false, rule: "check", position: 18 });
  });

  it("refuses a wrong length and a bad region", () => {
    expect(checkCreditCode("91350100M000100Y4")).toMatchObject({ ok: false, rule: "length" });
    expect(checkCreditCode("")).toMatchObject({ ok: false, rule: "length" });
    expect(checkCreditCode(undefined)).toMatchObject({ ok: false, rule: "length" });
    expect(checkCreditCode(sealCredit("9135A100M00000000"))).toMatchObject({ ok: false, rule: "region", position: 5 });
    const res = checkCreditCode(sealCredit("91990100M00000000"));
    expect(res).toMatchObject({ ok: false, rule: "region", position: 3 });
    if (!res.ok) expect(res.message).toContain("“99”");
  });

  it("reports a failing organisation-code check (positions 9–17) on its own", () => {
    // positions 1–16 of a sound code, a wrong 17th, and an 18th computed over it
    const first17 = "91350100M000100Y" + "5";
    const res = checkCreditCode(first17 + creditCodeCheckChar(first17));
    expect(res).toMatchObject({ ok: false, rule: "orgCheck", position: 17 });
    if (!res.ok) expect(res.message).toContain("应为“4”");
  });

  it("refuses the early pilot codes unless the caller verified them, then flags them (DOMAIN §3.1)", () => {
    for (const code of ["91350100M0001TGQXM", "91350211M0000XUF46"]) {
      expect(checkCreditCode(code)).toMatchObject({ ok: false, rule: "check", position: 18 });
      const ok = checkCreditCode(code, { verified: true });
      expect(ok).toMatchObject({ ok: true, value: code, flag: "checksumFailedButVerified", failedChecks: ["check"] });
    }
    expect(checkCreditCode("91350211m0000xuf46", { verified: true })).toMatchObject({ ok: true, value: "91350211M0000XUF46", flag: "checksumFailedButVerified" });
    // a sound code carries no flag even when verified
    const sound = checkCreditCode("91350100M000100Y43", { verified: true });
    expect(sound).toMatchObject({ ok: true });
    if (sound.ok) expect(sound.flag).toBeUndefined();
    // verification never waives structure
    expect(checkCreditCode("91350100M0001TGQX", { verified: true })).toMatchObject({ ok: false, rule: "length" });
    expect(checkCreditCode("91350100M0001TGOXM", { verified: true })).toMatchObject({ ok: false, rule: "charset", position: 16 });
    expect(checkCreditCode("91350100M0001TGQXZ", { verified: true })).toMatchObject({ ok: false, rule: "check" });
    expect(checkCreditCode("91ZZ0100M0001TGQXM", { verified: true })).toMatchObject({ ok: false, rule: "charset", position: 3 });
  });
});

/** 17 characters → with the GB 11714 check at 17 recomputed over 9–16, and C18 */
function sealCredit(s17: string): string {
  const first17 = s17.slice(0, 16) + orgCodeCheckChar(s17.slice(8, 16));
  return first17 + creditCodeCheckChar(first17);
}

describe("checkPartyCode: the old codes", () => {
  it("工商注册号: 15 digits with the ISO 7064 MOD 11,10 check", () => {
    expect(checkPartyCode("businessRegNo", "110108000000016")).toMatchObject({ ok: true, kind: "businessRegNo", regionCode: "110108", checksum: true });
    expect(iso7064Mod11_10Check("11010800000001")).toBe("6");
    const r = rng(15);
    for (let n = 0; n < 30; n++) {
      let body = pick(r, REGIONS);
      for (let i = 0; i < 8; i++) body += String(Math.floor(r() * 10));
      const no = body + iso7064Mod11_10Check(body);
      expect(checkPartyCode("businessRegNo", no)).toMatchObject({ ok: true, value: no });
      for (let i = 6; i < 15; i++) {
        for (let d = 0; d < 10; d++) {
          if (String(d) === no[i]) continue;
          expect(checkPartyCode("businessRegNo", no.slice(0, i) + d + no.slice(i + 1))).toMatchObject({ ok: false, rule: "check", position: 15 });
        }
      }
    }
    expect(checkPartyCode("businessRegNo", "11010800000001")).toMatchObject({ ok: false, rule: "length" });
    expect(checkPartyCode("businessRegNo", "11010800000A016")).toMatchObject({ ok: false, rule: "charset", position: 12 });
  });

  it("组织机构代码: GB 11714, with or without the hyphen", () => {
    expect(orgCodeCheckChar("M000100Y")).toBe("4");
    expect(checkPartyCode("orgCode", "m000100y-4")).toMatchObject({ ok: true, value: "M000100Y4", formatted: "M000100Y-4" });
    expect(checkPartyCode("orgCode", "M000100Y4")).toMatchObject({ ok: true, value: "M000100Y4" });
    const bad = checkPartyCode("orgCode", "M000100Y-5");
    expect(bad).toMatchObject({ ok: false, rule: "check", position: 9 });
    if (!bad.ok) expect(bad.message).toContain("应为“4”");
    expect(checkPartyCode("orgCode", "M000100Y")).toMatchObject({ ok: false, rule: "length" });
    expect(checkPartyCode("orgCode", "M00#100Y-4")).toMatchObject({ ok: false, rule: "charset", position: 4 });
    // every single-digit change of a digit body is caught
    const r = rng(11714);
    for (let n = 0; n < 30; n++) {
      let body = "";
      for (let i = 0; i < 8; i++) body += String(Math.floor(r() * 10));
      const code = body + orgCodeCheckChar(body);
      expect(checkPartyCode("orgCode", code)).toMatchObject({ ok: true });
      for (let i = 0; i < 8; i++) {
        for (let d = 0; d < 10; d++) if (String(d) !== code[i]) expect(checkPartyCode("orgCode", code.slice(0, i) + d + code.slice(i + 1)).ok).toBe(false);
      }
    }
  });

  it("税务登记号: 15 (region + org code), 18 (USCC) or 20 (resident ID + 2)", () => {
    expect(checkPartyCode("taxRegNo", "320402M000100Y4")).toMatchObject({ ok: true, regionCode: "320402", orgCode: "M000100Y4" });
    expect(checkPartyCode("taxRegNo", "320402M000100Y5")).toMatchObject({ ok: false, rule: "check", position: 15 });
    expect(checkPartyCode("taxRegNo", "990402M000100Y4")).toMatchObject({ ok: false, rule: "region" });
    expect(checkPartyCode("taxRegNo", "91350100M000100Y43")).toMatchObject({ ok: true, creditCode: { ok: true, orgCode: "M000100Y4" } });
    expect(checkPartyCode("taxRegNo", "91350100M0001TGQXM")).toMatchObject({ ok: false, rule: "check" });
    expect(checkPartyCode("taxRegNo", "91350100M0001TGQXM", { verified: true })).toMatchObject({ ok: true, flag: "checksumFailedButVerified" });
    expect(checkPartyCode("taxRegNo", "11010519491231002x01")).toMatchObject({ ok: true, residentId: { birthDate: "1949-12-31" } });
    expect(checkPartyCode("taxRegNo", "11010519491231002101")).toMatchObject({ ok: false, rule: "check" });
    expect(checkPartyCode("taxRegNo", "1234567")).toMatchObject({ ok: false, rule: "length" });
  });

  it("事业单位证书号: 12 digits, structure only", () => {
    expect(checkPartyCode("institutionCertNo", "事证第132040200123号")).toMatchObject({ ok: true, value: "132040200123", checksum: false });
    expect(checkPartyCode("institutionCertNo", "132040200123")).toMatchObject({ ok: true, checksum: false });
    expect(checkPartyCode("institutionCertNo", "13204020012")).toMatchObject({ ok: false, rule: "length" });
    expect(checkPartyCode("institutionCertNo", "13204020012A")).toMatchObject({ ok: false, rule: "charset", position: 12 });
  });

  it("社会组织登记证号: a civil-affairs USCC or an old certificate number", () => {
    expect(checkPartyCode("socialOrgRegNo", "社证字第3888号")).toMatchObject({ ok: true, checksum: false });
    expect(checkPartyCode("socialOrgRegNo", "苏民证字第010001号")).toMatchObject({ ok: true });
    const civil = sealCredit("51320402M00000000");
    expect(checkPartyCode("socialOrgRegNo", civil.toLowerCase())).toMatchObject({ ok: true, value: civil, checksum: true });
    expect(checkPartyCode("socialOrgRegNo", "91350100M000100Y43")).toMatchObject({ ok: false, rule: "format", position: 1 });
    expect(checkPartyCode("socialOrgRegNo", "3888")).toMatchObject({ ok: false, rule: "format" });
  });

  it("creditCode is checkCreditCode", () => {
    expect(checkPartyCode("creditCode", "91350100m000100y43")).toMatchObject({ ok: true, kind: "creditCode", value: "91350100M000100Y43" });
    expect(checkPartyCode("creditCode", "91350100M000100Y4Z")).toMatchObject({ ok: false, rule: "check" });
  });
});

describe("checkResidentId: GB 11643", () => {
  const today = "2025-06-01";

  it("accepts a valid number and answers the birth date and sex", () => {
    expect(checkResidentId("11010519491231002X", { today })).toEqual({ ok: true, value: "11010519491231002X", addressCode: "110105", birthDate: "1949-12-31", sex: "female" });
    const first17 = "32040219900101123";
    const id = first17 + residentIdCheckChar(first17);
    expect(checkResidentId(id, { today })).toMatchObject({ ok: true, birthDate: "1990-01-01", sex: "male" });
  });

  it("normalises a lower-case x", () => {
    expect(checkResidentId("11010519491231002x", { today })).toMatchObject({ ok: true, value: "11010519491231002X" });
  });

  it("accepts generated numbers and refuses every single-digit change", () => {
    const r = rng(11643);
    for (let n = 0; n < 60; n++) {
      const id = makeResidentId(r);
      expect(checkResidentId(id, { today })).toMatchObject({ ok: true, value: id });
      for (let i = 0; i < 18; i++) {
        for (const c of "0123456789X") {
          if (c === id[i]) continue;
          const changed = id.slice(0, i) + c + id.slice(i + 1);
          if (checkResidentId(changed, { today }).ok) throw new Error(`${changed} (from ${id}) passed`);
        }
      }
    }
  });

  it("refuses a bad check character naming the expected one", () => {
    const res = checkResidentId("110105194912310021", { today });
    expect(res).toMatchObject({ ok: false, rule: "check", position: 18 });
    if (!res.ok) expect(res.message).toContain("应为“X”");
  });

  it("refuses dates that do not exist, are before 1900 or in the future", () => {
    const seal = (s: string) => s + residentIdCheckChar(s);
    expect(checkResidentId(seal("32040219900230123"), { today })).toMatchObject({ ok: false, rule: "date", position: 7 });
    expect(checkResidentId(seal("32040219901301123"), { today })).toMatchObject({ ok: false, rule: "date" });
    expect(checkResidentId(seal("32040218991231123"), { today })).toMatchObject({ ok: false, rule: "date" });
    expect(checkResidentId(seal("32040220250602123"), { today })).toMatchObject({ ok: false, rule: "date" });
    expect(checkResidentId(seal("32040220250601123"), { today })).toMatchObject({ ok: true });
    expect(checkResidentId(seal("32040220000229123"), { today })).toMatchObject({ ok: true, birthDate: "2000-02-29" });
    // an instant is read as a date in Asia/Shanghai: 2025-06-01T16:30Z is already 2 June there
    expect(checkResidentId(seal("32040220250602123"), { today: new Date("2025-06-01T16:30:00Z") })).toMatchObject({ ok: true });
  });

  it("refuses a bad address code, characters and length; a 15-digit number asks for the 18-digit one", () => {
    const seal = (s: string) => s + residentIdCheckChar(s);
    expect(checkResidentId(seal("92040219900101123"), { today })).toMatchObject({ ok: false, rule: "region" });
    expect(checkResidentId(seal("02040219900101123"), { today })).toMatchObject({ ok: false, rule: "region" });
    expect(checkResidentId("3204021990010112A4", { today })).toMatchObject({ ok: false, rule: "charset", position: 17 });
    expect(checkResidentId("3204021990010112", { today })).toMatchObject({ ok: false, rule: "length" });
    const old = checkResidentId("320402900101123", { today });
    expect(old).toMatchObject({ ok: false, rule: "length" });
    if (!old.ok) expect(old.message).toContain("18位");
  });
});

describe("checkPlate: GA 36 formats", () => {
  it("reads ordinary plates and normalises spaces, dots and lower case", () => {
    expect(checkPlate("苏D·12345")).toEqual({ ok: true, value: "苏D12345", province: "苏", authority: "D", kind: "ordinary", serial: "12345" });
    expect(checkPlate(" 苏 d 1234a ")).toMatchObject({ ok: true, value: "苏D1234A", kind: "ordinary" });
    expect(checkPlate("京A.AB123")).toMatchObject({ ok: true, value: "京AAB123" });
    expect(checkPlate("沪Ｃ・８８８８８")).toMatchObject({ ok: true, value: "沪C88888" });
  });

  it("reads new-energy plates, small (letter first) and large (letter last)", () => {
    expect(checkPlate("粤B·D12345")).toMatchObject({ ok: true, kind: "newEnergy", size: "small", energy: "electric", serial: "D12345" });
    expect(checkPlate("苏DFA1234")).toMatchObject({ ok: true, kind: "newEnergy", size: "small", energy: "nonElectric" });
    expect(checkPlate("苏D12345F")).toMatchObject({ ok: true, kind: "newEnergy", size: "large", energy: "nonElectric" });
    expect(checkPlate("苏D12345D")).toMatchObject({ ok: true, kind: "newEnergy", size: "large", energy: "electric" });
    expect(checkPlate("苏DD1234A")).toMatchObject({ ok: false, rule: "format" });
    expect(checkPlate("苏D1234M5")).toMatchObject({ ok: false, rule: "format" });
  });

  it("reads the suffix plates: trailer, coach, police, consulate, Hong Kong / Macau (粤Z only)", () => {
    expect(checkPlate("苏D·1234挂")).toMatchObject({ ok: true, kind: "trailer", serial: "1234" });
    expect(checkPlate("苏D1234学")).toMatchObject({ ok: true, kind: "coach" });
    expect(checkPlate("苏D1234警")).toMatchObject({ ok: true, kind: "policeCar" });
    expect(checkPlate("沪A0012领")).toMatchObject({ ok: true, kind: "consulate" });
    expect(checkPlate("粤Z·1234港")).toMatchObject({ ok: true, kind: "hongKong" });
    expect(checkPlate("粤Z1234澳")).toMatchObject({ ok: true, kind: "macau" });
    expect(checkPlate("苏D1234港")).toMatchObject({ ok: false, rule: "format" });
    expect(checkPlate("苏D12345挂")).toMatchObject({ ok: false, rule: "length" });
    expect(checkPlate("使014578")).toMatchObject({ ok: true, kind: "embassy", serial: "014578" });
    expect(checkPlate("使01457")).toMatchObject({ ok: false, rule: "format" });
  });

  it("refuses a bad province, I/O letters and too many letters", () => {
    const prov = checkPlate("港D12345");
    expect(prov).toMatchObject({ ok: false, rule: "province", position: 1 });
    if (!prov.ok) expect(prov.message).toContain("“港”");
    expect(checkPlate("WJ12345")).toMatchObject({ ok: false, rule: "province" });
    expect(checkPlate("苏I12345")).toMatchObject({ ok: false, rule: "authority", position: 2 });
    expect(checkPlate("苏O12345")).toMatchObject({ ok: false, rule: "authority", position: 2 });
    const serialO = checkPlate("苏D12O45");
    expect(serialO).toMatchObject({ ok: false, rule: "charset", position: 5 });
    if (!serialO.ok) expect(serialO.message).toContain("I 和 O");
    expect(checkPlate("苏D1I345")).toMatchObject({ ok: false, rule: "charset", position: 4 });
    expect(checkPlate("苏DABC12")).toMatchObject({ ok: false, rule: "format" });
    expect(checkPlate("苏D1234")).toMatchObject({ ok: false, rule: "length" });
    expect(checkPlate("苏D1234567")).toMatchObject({ ok: false, rule: "length" });
    expect(checkPlate("")).toMatchObject({ ok: false, rule: "length" });
  });
});

describe("masking", () => {
  it("keeps the first 6 and last 4 of a resident ID", () => {
    expect(maskResidentId("320402199001011234")).toBe("320402********1234");
    expect(maskResidentId("11010519491231002x")).toBe("110105********002X");
    expect(maskResidentId("1234")).toBe("****");
  });
  it("keeps a natural person's first character", () => {
    expect(maskName("王小明")).toBe("王**");
    expect(maskName(" 王五 ")).toBe("王*");
    expect(maskName("王")).toBe("王*");
    expect(maskName("")).toBe("");
  });
});
