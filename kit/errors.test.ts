import { type HubError, parseJsonBody } from "./errors";

const SCHEMA = "tongguan:canonical/return-command";
const body = (over: Partial<Parameters<typeof parseJsonBody>[0]>) => ({ raw: "", bodyBytes: 0, tooLarge: false, contentType: "application/json", ...over });
const refusal = (fn: () => unknown): HubError => {
  try {
    fn();
  } catch (e) {
    return e as HubError;
  }
  throw new Error("not refused");
};

describe("parseJsonBody", () => {
  it("parses the whole text, not the capped copy kept for engineers", () => {
    const text = JSON.stringify({ reason: "退".repeat(400) });
    const raw = text.slice(0, 100); // what storage keeps: not JSON on its own
    expect(parseJsonBody(body({ raw, text, bodyBytes: Buffer.byteLength(text) }), 1 << 20, SCHEMA)).toEqual({ reason: "退".repeat(400) });
    // without `text` (older callers) the raw copy is parsed, as before
    expect(parseJsonBody(body({ raw: '{"reason":"重复工单"}' }), 1 << 20, SCHEMA)).toEqual({ reason: "重复工单" });
  });

  it("says the body's declared size and the limit on 413, or 'at least' what was read", () => {
    const declared = refusal(() => parseJsonBody(body({ tooLarge: true, bodyBytes: 4_194_305, headers: { "content-length": "10485760" } }), 1_048_576, SCHEMA));
    expect(declared.code).toBe(413);
    expect(declared.data.message).toBe("请求体过大：10485760 字节，上限为 1048576 字节");
    expect(declared.data.messageEn).toBe("the body is 10485760 bytes, over the 1048576-byte limit");
    const chunked = refusal(() => parseJsonBody(body({ tooLarge: true, bodyBytes: 4_194_305 }), 1_048_576, SCHEMA));
    expect(chunked.data.message).toBe("请求体过大：至少 4194305 字节，上限为 1048576 字节");
    expect(chunked.data.messageEn).toBe("the body is at least 4194305 bytes, over the 1048576-byte limit");
  });

  it("explains broken JSON in Chinese with the position", () => {
    const e = refusal(() => parseJsonBody(body({ raw: '{"reason": "重复工单", ' }), 1024, SCHEMA));
    expect(e.code).toBe(400);
    expect(e.data.message).toMatch(/^请求体不是合法的 JSON：内容不完整/);
    const e2 = refusal(() => parseJsonBody(body({ raw: '{"reason": 重复}' }), 1024, SCHEMA));
    expect(e2.data.message).toContain("不符合 JSON 语法");
    expect(e2.data.message).toContain("「重」");
    const e3 = refusal(() => parseJsonBody(body({ raw: '{"reason": "重复工单"} x' }), 1024, SCHEMA));
    expect(e3.data.message).toContain("位置 19");
  });
});
