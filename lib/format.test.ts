import { durationZh } from "./format";

describe("durationZh", () => {
  it("reads like a person would write it", () => {
    expect(durationZh(3000)).toBe("3秒");
    expect(durationZh(90_000)).toBe("1分30秒");
    expect(durationZh(600_000)).toBe("10分钟");
    expect(durationZh(7_200_000)).toBe("2小时");
    expect(durationZh(93_600_000)).toBe("1天2小时");
  });
});
