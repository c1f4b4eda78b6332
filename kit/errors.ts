/**
 * Errors that reach a person: an HTTP status, a stable code, a Chinese and an English message,
 * and (for validation) every field error. The gateway renders them as ErrorResponse.
 */
import { Errors } from "moleculer";
import { validate, type FieldError } from "../contracts";

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

export const notFound = (what: string, whatEn: string, id: string) =>
  new HubError(404, "NOT_FOUND", `${what}不存在：${id}`, `${whatEn} not found: ${id}`);

export const conflict = (code: string, message: string, messageEn: string, extra?: Partial<HubErrorData>) =>
  new HubError(409, code, message, messageEn, extra);

export const invalid = (errors: FieldError[], status = 422) =>
  new HubError(
    status,
    "VALIDATION_FAILED",
    `请求内容不符合接口约定，共 ${errors.length} 处错误`,
    `the request does not match the contract: ${errors.length} error(s)`,
    { errors },
  );

/**
 * The checks every JSON body passes, in this order, wherever it arrives (adapter routes and the
 * agents' API): size (413), content type (415), JSON syntax (400), then the contract (422).
 */
export function parseJsonBody<T>(b: { raw: string; bodyBytes: number; tooLarge: boolean; contentType: string | null }, maxBytes: number, schema: string): T {
  if (b.tooLarge)
    throw new HubError(413, "PAYLOAD_TOO_LARGE", `请求体过大：${b.bodyBytes} 字节，超过上限 ${maxBytes} 字节`, `the body is ${b.bodyBytes} bytes, over the ${maxBytes}-byte limit`);
  if (!b.contentType || !/^application\/([\w.+-]+\+)?json\b/i.test(b.contentType))
    throw new HubError(415, "UNSUPPORTED_MEDIA_TYPE", `内容类型应为 application/json，实际为 ${b.contentType ?? "（未提供）"}`, `Content-Type must be application/json, got ${b.contentType ?? "none"}`);
  let body: unknown;
  try {
    body = JSON.parse(b.raw);
  } catch (e) {
    throw new HubError(400, "INVALID_JSON", `请求体不是合法的 JSON：${(e as Error).message}`, `the body is not valid JSON: ${(e as Error).message}`);
  }
  const v = validate<T>(schema, body);
  if (!v.ok) throw invalid(v.errors);
  return v.value;
}
