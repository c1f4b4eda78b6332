/**
 * Enforcement system ⇄ hub mapping of credit commitments (信用承诺), pure: the enforcement system's
 * pledge (承诺书编号, 承诺类型, 承诺主体 …, keyed by Chinese names like its penalty decisions) → the
 * canonical commitment (`tongguan:canonical/commitment`). Identities are checked as for sanctions
 * (domain/identity.ts: GB 32100 credit codes of the party and the signing unit, GB 11643 resident
 * IDs of a 自然人 with 身份证) and normalised; every failure is listed in one 422 naming the field
 * (a JSON pointer with the Chinese key) and the rule.
 */
import type { Commitment, EnforcementCommitment } from "../../contracts/types";
import { checkCreditCode, checkResidentId, type IdentityFailure } from "../../domain/identity";
import { HubError } from "../../kit/errors";
import { isoDate, isResidentIdType, type MappingOptions, pointer, type SanctionFieldError } from "./mapping";

export type CommitmentCheck = { ok: true; commitment: Commitment } | { ok: false; errors: SanctionFieldError[] };

const text = (s: string | undefined): string | undefined => {
  const t = s?.trim();
  return t ? t : undefined;
};

/** Checks a pledge (as intake passed it: structure checked, empty strings dropped) and maps it, or answers every field error with its rule. */
export function checkCommitment(body: EnforcementCommitment, opts: MappingOptions = {}): CommitmentCheck {
  const errors: SanctionFieldError[] = [];
  const refuse = (key: string, rule: string, message: string, messageEn: string) =>
    errors.push({ pointer: pointer(key), message: `${key}：${message}`, messageEn: `${key} (${rule}): ${messageEn}`, rule });
  const failed = (key: string, check: string, r: IdentityFailure) => refuse(key, `${check}.${r.rule}`, r.message, r.messageEn);
  const type = body.承诺主体类别;
  const party: Commitment["party"] = { name: body.承诺主体名称.trim(), type };
  if (type === "自然人") {
    const idType = text(body.证件类型);
    const idNumber = text(body.证件号码);
    if (!idType) refuse("证件类型", "idType.required", "自然人需要证件类型（如身份证）", "a natural person needs an ID type (e.g. 身份证)");
    if (!idNumber) refuse("证件号码", "idNumber.required", "自然人需要证件号码", "a natural person needs an ID number");
    if (idType) party.idType = idType;
    if (idNumber) {
      if (isResidentIdType(idType)) {
        const r = checkResidentId(idNumber, opts.today ? { today: opts.today } : {});
        if (!r.ok) failed("证件号码", "residentId", r);
        else party.idNumber = r.value;
      } else party.idNumber = idNumber;
    }
  } else if (body.统一社会信用代码 === undefined) {
    refuse(
      "统一社会信用代码",
      "partyCode.required",
      `${type}需要统一社会信用代码`,
      `a ${type === "个体工商户" ? "sole trader" : "legal person or other organisation"} needs a unified social credit code`,
    );
  }
  if (body.统一社会信用代码 !== undefined) {
    const r = checkCreditCode(body.统一社会信用代码);
    if (!r.ok) failed("统一社会信用代码", "creditCode", r);
    else party.creditCode = r.value;
  }
  const rep = text(body.法定代表人);
  if (rep) party.legalRep = rep;
  if (body.所属行业?.length) party.industries = [...body.所属行业];

  const receivedBy: Commitment["receivedBy"] = { name: body.签订单位.trim() };
  if (body.签订单位统一社会信用代码 !== undefined) {
    const r = checkCreditCode(body.签订单位统一社会信用代码);
    if (!r.ok) failed("签订单位统一社会信用代码", "creditCode", r);
    else receivedBy.code = r.value;
  }
  const date = (key: "承诺日期" | "有效期至"): string | undefined => {
    const raw = body[key];
    if (raw === undefined) return undefined;
    const d = isoDate(raw);
    if (d === null) refuse(key, "date.invalid", `“${raw}”不是真实的日期`, `"${raw}" is not a real date`);
    return d ?? undefined;
  };
  const signedDate = date("承诺日期");
  const validUntil = date("有效期至");
  if (signedDate && validUntil && validUntil < signedDate) refuse("有效期至", "date.order", "有效期至早于承诺日期", "the validity ends before the pledge was signed");
  if (errors.length) return { ok: false, errors };

  const commitment: Commitment = {
    commitmentNo: body.承诺书编号.trim(),
    kind: body.承诺类型,
    party,
    content: body.承诺内容.trim(),
    violationKinds: [...body.违法行为类型],
    signedDate: signedDate!,
    receivedBy,
  };
  if (validUntil) commitment.validUntil = validUntil;
  const community = text(body.小区);
  const address = text(body.房屋地址);
  if (community || address) commitment.place = { ...(community ? { community } : {}), ...(address ? { address } : {}) };
  const note = text(body.备注);
  if (note) commitment.note = note;
  return { ok: true, commitment };
}

/** The pledge as the hub's `sanctions.commitment` takes it; a 422 HubError naming every field and rule when it fails a check. */
export function toCommitment(body: EnforcementCommitment, opts: MappingOptions = {}): { commitment: Commitment } {
  const r = checkCommitment(body, opts);
  if (r.ok) return { commitment: r.commitment };
  const one = r.errors.length === 1;
  throw new HubError(
    422,
    "IDENTITY_INVALID",
    one ? r.errors[0].message : `信用承诺未通过核验，共 ${r.errors.length} 处错误：${r.errors.map((e) => e.message).join("；")}`,
    one ? r.errors[0].messageEn : `the commitment failed ${r.errors.length} check(s): ${r.errors.map((e) => e.messageEn).join("; ")}`,
    { errors: r.errors },
  );
}
