import { getSchema } from "../../contracts";
import type { EnforcementCommitment } from "../../contracts/types";
import { HubError } from "../../kit/errors";
import { checkCommitment, toCommitment } from "./commitment";
import { SCHEMA } from "./mapping";

const TODAY = { today: "2026-12-01" };
const [owner, property] = getSchema(SCHEMA.commitment).examples as EnforcementCommitment[];

describe("enforcement mapping: credit commitment → canonical commitment", () => {
  it("an owner's 不违建承诺: the person by resident ID, the covered kinds, the place and the street office", () => {
    const { commitment } = toCommitment(structuredClone(owner), TODAY);
    expect(commitment).toMatchObject({
      commitmentNo: owner.承诺书编号,
      kind: "不违建承诺",
      party: { name: "孙某某", type: "自然人", idType: "身份证", idNumber: "320402197806120038" },
      violationKinds: ["违法建设"],
      signedDate: "2026-03-01",
      place: { community: "(示例)锦绣花园", address: "(示例)锦绣花园12幢1单元1801室" },
      receivedBy: { name: "常州市钟楼区南大街街道办事处", code: "113204040083216423" },
    });
    expect(commitment).not.toHaveProperty("validUntil");
  });

  it("a property company's 责任书: the credit code normalised, dates in the forms enforcement systems write them", () => {
    const { commitment } = toCommitment(structuredClone(property), TODAY);
    expect(commitment.party).toMatchObject({ creditCode: "91320411MA1N5T2H8W", legalRep: "钱某某", industries: ["物业服务"] });
    expect(commitment).toMatchObject({ signedDate: "2026-01-05", validUntil: "2027-12-31", violationKinds: ["物业未履行违建巡查报告义务"] });
  });

  it("refuses bad identities naming the field and the rule, all at once", () => {
    const r = checkCommitment({ ...structuredClone(owner), 证件号码: "320402197806120039", 签订单位统一社会信用代码: "113204040083216424" }, TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.pointer, e.rule])).toEqual([
      ["/证件号码", "residentId.check"],
      ["/签订单位统一社会信用代码", "creditCode.check"],
    ]);
    const { 统一社会信用代码: _c, ...noCode } = structuredClone(property);
    expect(() => toCommitment(noCode, TODAY)).toThrow(HubError);
    const e = checkCommitment(noCode, TODAY);
    expect(!e.ok && e.errors[0].rule).toBe("partyCode.required");
    const late = checkCommitment({ ...structuredClone(property), 有效期至: "2025-12-31" }, TODAY);
    expect(!late.ok && late.errors[0].rule).toBe("date.order");
  });
});
