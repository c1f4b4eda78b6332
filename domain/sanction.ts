/**
 * A sanction (行政处罚决定) as the credit service handles it, pure: the subject it is about, the
 * record sent to the credit platform (the national 双公示 items, by their Chinese names — the one
 * place personal data goes whole, because the law needs it), and the masked view everyone else sees.
 */
import type { Sanction } from "../contracts/types";
import type { CreditSubject, SanctionRecord } from "./credit";
import { maskName, maskResidentId } from "./identity";

/** The key a subject is filed under: its unified code, else an old code, else the person's ID number. */
export function subjectKeyOf(s: Sanction): string {
  const p = s.party;
  const old = p.oldCodes ?? {};
  return (p.creditCode ?? old.businessRegNo ?? old.orgCode ?? old.taxRegNo ?? old.institutionCertNo ?? old.socialOrgRegNo ?? p.idNumber ?? p.name).toUpperCase();
}

/** The subject as the joint-punishment rules read it (with the vehicles of this decision). */
export function creditSubjectOf(s: Sanction, lists: string[] = [], plates: string[] = []): CreditSubject {
  const p = s.party;
  return {
    type: p.type,
    name: p.name,
    ...(p.creditCode ? { creditCode: p.creditCode } : {}),
    ...(p.idType ? { idType: p.idType } : {}),
    ...(p.idNumber ? { idNumber: p.idNumber } : {}),
    ...(p.legalRep
      ? { legalRepresentative: { name: p.legalRep.name, ...(p.legalRep.idType ? { idType: p.legalRep.idType } : {}), ...(p.legalRep.idNumber ? { idNumber: p.legalRep.idNumber } : {}) } }
      : {}),
    plates: [...new Set([...plates, ...(s.vehicles ?? []).map((v) => v.plate)])],
    ...(p.industries?.length ? { industries: p.industries as CreditSubject["industries"] } : {}),
    lists,
  };
}

/** The decision as the rules' history holds it. */
export function recordOf(s: Sanction): SanctionRecord {
  return {
    decisionNo: s.decisionNo,
    decisionDate: s.decisionDate,
    violationKind: s.violationType,
    severity: s.severity,
    partyType: s.party.type,
    ...(s.vehicles?.length ? { plates: s.vehicles.map((v) => v.plate) } : {}),
    ...(s.procedure ? { procedure: s.procedure } : {}),
  };
}

/** The 双公示 record by the national data standard's item names, whole (for the credit platform only). */
export function publicationRecord(s: Sanction): Record<string, unknown> {
  const p = s.party;
  const old = p.oldCodes ?? {};
  const r: Record<string, unknown> = {
    行政相对人名称: p.name,
    行政相对人类别: p.type,
    统一社会信用代码: p.creditCode,
    工商注册号: old.businessRegNo,
    组织机构代码: old.orgCode,
    税务登记号: old.taxRegNo,
    事业单位证书号: old.institutionCertNo,
    社会组织登记证号: old.socialOrgRegNo,
    法定代表人: p.legalRep?.name,
    法定代表人证件类型: p.legalRep?.idType,
    法定代表人证件号码: p.legalRep?.idNumber,
    证件类型: p.idType,
    证件号码: p.idNumber,
    行政处罚决定书文号: s.decisionNo,
    违法行为类型: s.violationType,
    违法事实: s.facts,
    处罚依据: s.basis,
    处罚类别: s.penaltyType,
    处罚内容: s.content,
    "罚款金额（万元）": s.fineWan,
    "没收违法所得、没收非法财物的金额（万元）": s.confiscatedWan,
    暂扣或吊销证照名称及编号: s.licence,
    处罚决定日期: s.decisionDate,
    处罚有效期: s.validUntil,
    公示截止期: s.publishUntil,
    处罚机关: s.authority.name,
    处罚机关统一社会信用代码: s.authority.code,
    数据来源单位: s.dataSource.name,
    数据来源单位统一社会信用代码: s.dataSource.code,
    备注: s.note,
  };
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined && v !== ""));
}

/** The sanction as views show it: a person's name and every ID number masked; a company's codes whole (they are public). */
export function maskedSanction(s: Sanction): Sanction {
  const p = s.party;
  const person = p.type === "自然人";
  return {
    ...s,
    party: {
      ...p,
      ...(person ? { name: maskName(p.name) } : {}),
      ...(p.idNumber ? { idNumber: maskResidentId(p.idNumber) } : {}),
      ...(p.legalRep ? { legalRep: { ...p.legalRep, ...(p.legalRep.idNumber ? { idNumber: maskResidentId(p.legalRep.idNumber) } : {}) } } : {}),
    },
  };
}
