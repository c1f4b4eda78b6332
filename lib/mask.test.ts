import { maskName, maskPhone, maskIdNumber, maskText, maskReporter } from "./mask";

describe("personal data masking", () => {
  it("masks names but keeps forms that identify nobody", () => {
    expect(maskName("王小明")).toBe("王**");
    expect(maskName("欧阳娜娜")).toBe("欧***");
    expect(maskName("王女士")).toBe("王女士");
    expect(maskName("匿名")).toBe("匿名");
  });
  it("masks phones and ID numbers", () => {
    expect(maskPhone("13912342716")).toBe("139****2716");
    expect(maskPhone("139****2716")).toBe("139****2716");
    expect(maskIdNumber("32040219900101123X")).toBe("320402********123X");
  });
  it("masks numbers inside free text without touching grid codes", () => {
    expect(maskText("来电 13912342716，身份证 32040219900101123X")).toBe("来电 139****2716，身份证 320402********123X");
    expect(maskText("网格 32131100100110")).toBe("网格 32131100100110");
  });
  it("passes no identity of a confidential reporter to a unit", () => {
    expect(maskReporter({ name: "李雷", phone: "13800001111", confidential: true }, true)).toEqual({ confidential: true });
    expect(maskReporter({ name: "李雷", phone: "13800001111", confidential: false }, true)).toEqual({ confidential: false, name: "李*", phone: "138****1111" });
  });
});
