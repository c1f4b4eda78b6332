/**
 * Errors that reach a person: an HTTP status, a stable code, a Chinese and an English message,
 * and (for validation) every field error. The gateway renders them as ErrorResponse.
 */
import { Errors } from "moleculer";
import { validate, validateTolerant, type FieldError } from "../contracts";

export interface HubErrorData {
  message: string;
  messageEn: string;
  errors?: FieldError[];
  inboundId?: string;
  [k: string]: unknown;
}

export class HubError extends Errors.MoleculerClientError {
  constructor(status: number, code: string, message: string, messageEn: string, extra: Partial<HubErrorData> = {}) {
    super(`${message} / ${messageEn}`, status, code, { message, messageEn, ...extra });
    this.name = "HubError";
  }
}

export const notFound = (what: string, whatEn: string, id: string) => new HubError(404, "NOT_FOUND", `${what}不存在：${id}`, `${whatEn} not found: ${id}`);

export const conflict = (code: string, message: string, messageEn: string, extra?: Partial<HubErrorData>) => new HubError(409, code, message, messageEn, extra);

export const unauthorized = (missing: boolean) =>
  missing ? new HubError(401, "UNAUTHORIZED", "缺少 X-Api-Key 请求头", "the X-Api-Key header is missing") : new HubError(401, "UNAUTHORIZED", "X-Api-Key 无效", "unknown X-Api-Key");

export const forbidden = (role: string) => new HubError(403, "FORBIDDEN", `该密钥（角色 ${role}）无权调用此接口`, `the key's role ${role} may not call this endpoint`);

export const invalid = (errors: FieldError[], status = 422) =>
  new HubError(status, "VALIDATION_FAILED", `请求内容不符合接口约定，共 ${errors.length} 处错误`, `the request does not match the contract: ${errors.length} error(s)`, { errors });

/** 422 for the query string of a request (pointers /query/<name>). */
export const invalidQuery = (errors: FieldError[]) =>
  new HubError(422, "VALIDATION_FAILED", `查询参数不合法，共 ${errors.length} 处错误`, `invalid query parameters: ${errors.length} error(s)`, { errors });

/** The size of a body for a person: its Content-Length when the caller sent one, else what was read. */
function bodySize(b: { bodyBytes: number; headers?: Record<string, string> }): { zh: string; en: string } {
  const declared = Number(b.headers?.["content-length"]);
  if (Number.isSafeInteger(declared) && declared >= b.bodyBytes) return { zh: `${declared} 字节`, en: `${declared} bytes` };
  return { zh: `至少 ${b.bodyBytes} 字节`, en: `at least ${b.bodyBytes} bytes` };
}

/** What the gateway read of one request body. */
export interface ReadBody {
  /** the capped copy kept for engineers */
  raw: string;
  /** the whole body (up to the size limit), parsed when present; `raw` otherwise */
  text?: string;
  /** `text` already parsed (a batch item: parsed with its envelope, `text` is its JSON again) */
  parsed?: { value: unknown };
  /** bytes read (reading stops a while after the limit: a lower bound for a body too large) */
  bodyBytes: number;
  tooLarge: boolean;
  contentType: string | null;
  headers?: Record<string, string>;
}

/**
 * "At least one of these": a 422 naming the fields when a message has none of them (what a
 * JSON Schema would say with anyOf, said so that a person can act on it).
 */
export function requireOneOf(body: Record<string, unknown>, groups: { fields: string[]; zh: string; en: string }[]): void {
  const present = (v: unknown) => v !== undefined && v !== null && !(typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);
  const errors = groups.filter((g) => !g.fields.some((f) => present(body[f]))).map((g) => ({ pointer: `/${g.fields[0]}`, message: g.zh, messageEn: g.en }));
  if (errors.length) throw invalid(errors);
}

/**
 * The checks every JSON body passes, in this order, wherever it arrives (adapter routes and the
 * agents' API): size (413), content type (415), JSON syntax (400), then the contract (422).
 */
export function parseJsonBody<T>(b: ReadBody, maxBytes: number, schema: string): T {
  return parseJsonBodyAs<T>(b, maxBytes, schema, "strict").value;
}

/**
 * The same checks for messages from other systems, tolerant of what real platforms send
 * (contracts validateTolerant: empty strings are unknown, unknown fields are ignored); answers
 * the body and what was ignored.
 */
export function parseInboundBody<T>(b: ReadBody, maxBytes: number, schema: string): { value: T; ignored: FieldError[] } {
  return parseJsonBodyAs<T>(b, maxBytes, schema, "tolerant");
}

function parseJsonBodyAs<T>(b: ReadBody, maxBytes: number, schema: string, mode: "strict" | "tolerant"): { value: T; ignored: FieldError[] } {
  if (b.tooLarge) {
    const size = bodySize(b);
    throw new HubError(413, "PAYLOAD_TOO_LARGE", `请求体过大：${size.zh}，上限为 ${maxBytes} 字节`, `the body is ${size.en}, over the ${maxBytes}-byte limit`, { limitBytes: maxBytes });
  }
  if (!b.contentType || !/^application\/([\w.+-]+\+)?json\b/i.test(b.contentType))
    throw new HubError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `内容类型应为 application/json，实际为 ${b.contentType ?? "（未提供）"}`,
      `Content-Type must be application/json, got ${b.contentType ?? "none"}`,
    );
  const text = b.text ?? b.raw;
  let body: unknown;
  try {
    body = b.parsed ? b.parsed.value : JSON.parse(text);
  } catch (e) {
    throw new HubError(400, "INVALID_JSON", `请求体不是合法的 JSON：${jsonErrorZh((e as Error).message, text.length)}`, `the body is not valid JSON: ${(e as Error).message}`);
  }
  if (mode === "strict") {
    const v = validate<T>(schema, body);
    if (!v.ok) throw invalid(v.errors);
    return { value: v.value, ignored: [] };
  }
  const v = validateTolerant<T>(schema, body);
  if (!v.ok) throw invalid(v.errors);
  return { value: v.value, ignored: v.ignored };
}

/** V8's JSON.parse message in Chinese, keeping the position it names. */
function jsonErrorZh(en: string, length: number): string {
  const pos = /position (\d+)/.exec(en)?.[1];
  const at = pos ? `（位置 ${pos}）` : "";
  if (/Unexpected end of JSON input|Unterminated/i.test(en) || (pos !== undefined && Number(pos) >= length)) return `内容不完整，在结尾处中断${at}`;
  const token = /Unexpected token '(.+?)'/.exec(en)?.[1];
  if (token) return `存在不符合 JSON 语法的字符「${token}」${at}`;
  if (/Unexpected non-whitespace|is not valid JSON|Expected/i.test(en)) return `存在不符合 JSON 语法的字符${at}`;
  return `语法错误${at}`;
}
