/**
 * Errors as the hub answers them: any error a request can end with (a HubError, Moleculer's own
 * refusals and validation errors, a store that cannot be reached) becomes one ErrorResponse body,
 * Chinese first, and its HTTP status. The gateway renders every refusal with it, and the intake
 * each item of a batch (POST /api/v1/batch), so an item is answered as it would have been alone.
 */
import { HubError } from "../kit/errors";
import { isStoreUnavailable, storeUnavailableError } from "./db";

/** fastest-validator (the internal actions' params) error types → Chinese, with {field} {expected} {actual}. */
const FV_ZH: Record<string, string> = {
  required: "{field} 为必填项",
  string: "{field} 应为文本",
  stringEmpty: "{field} 不能为空",
  stringMin: "{field} 至少 {expected} 个字符",
  stringMax: "{field} 不能超过 {expected} 个字符",
  stringLength: "{field} 应为 {expected} 个字符",
  stringPattern: "{field} 格式不正确",
  stringEnum: "{field} 的取值不在允许范围内",
  number: "{field} 应为数字",
  numberMin: "{field} 不能小于 {expected}",
  numberMax: "{field} 不能大于 {expected}",
  numberInteger: "{field} 应为整数",
  numberPositive: "{field} 应为正数",
  boolean: "{field} 应为 true 或 false",
  date: "{field} 应为日期时间（ISO 8601）",
  dateMin: "{field} 不能早于 {expected}",
  dateMax: "{field} 不能晚于 {expected}",
  enumValue: "{field} 的取值不在允许范围内：{expected}",
  array: "{field} 应为列表",
  arrayMin: "{field} 至少要有 {expected} 项",
  arrayMax: "{field} 不能超过 {expected} 项",
  object: "{field} 应为对象",
  objectStrict: "{field} 含有约定以外的字段：{actual}",
  forbidden: "{field} 不允许提供",
};

function fvMessageZh(e: { type?: string; field?: string; expected?: unknown; actual?: unknown }): string {
  const t = FV_ZH[e.type ?? ""] ?? "{field} 不合法";
  const show = (v: unknown) => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join("、") : String(v ?? ""));
  return t
    .replace("{field}", `参数 ${e.field ?? ""}`.trim())
    .replace("{expected}", show(e.expected))
    .replace("{actual}", show(e.actual));
}

/** Moleculer's own refusals that mean "not now" (a service or node is away, too slow, too busy): 503. */
const UNAVAILABLE_TYPES = new Set(["SERVICE_NOT_FOUND", "SERVICE_NOT_AVAILABLE", "REQUEST_TIMEOUT", "REQUEST_REJECTED", "REQUEST_SKIPPED", "QUEUE_FULL", "SERVICE_UNAVAILABLE"]);

/** Seconds a caller is asked to wait on every 503. */
export const RETRY_AFTER_SECONDS = 5;

/** Moleculer / moleculer-web errors → one response shape, Chinese first. */
export function toErrorBody(err: any): { status: number; body: { error: Record<string, unknown> } } {
  // the store is unreachable (a driver error, possibly wrapped or from another node): 503, not 500
  if (!(err instanceof HubError) && isStoreUnavailable(err)) {
    const inboundId = err?.data?.inboundId;
    err = storeUnavailableError();
    if (inboundId) err.data.inboundId = inboundId;
  }
  const status = typeof err?.code === "number" && err.code >= 400 && err.code < 600 ? err.code : 500;
  const data = err?.data ?? {};
  if (err instanceof HubError || (data.message && data.messageEn)) {
    return {
      status,
      body: { error: { code: err.type, message: data.message, messageEn: data.messageEn, ...(data.errors ? { errors: data.errors } : {}), ...(data.inboundId ? { inboundId: data.inboundId } : {}) } },
    };
  }
  if (err?.type === "VALIDATION_ERROR" && Array.isArray(err.data)) {
    const errors = err.data.map((e: { type?: string; field?: string; message?: string; expected?: unknown; actual?: unknown }) => ({
      pointer: `/${(e.field ?? "").replace(/\./g, "/")}`,
      message: fvMessageZh(e),
      messageEn: e.message ?? "invalid",
    }));
    return { status: 422, body: { error: { code: "VALIDATION_FAILED", message: `请求参数不合法，共 ${errors.length} 处错误`, messageEn: `invalid parameters: ${errors.length} error(s)`, errors } } };
  }
  if (UNAVAILABLE_TYPES.has(err?.type) || status === 503) {
    const timeout = err?.type === "REQUEST_TIMEOUT";
    return {
      status: 503,
      body: {
        error: {
          code: "SERVICE_UNAVAILABLE",
          message: timeout ? "后端服务响应超时，请稍后重试" : "服务暂不可用，请稍后重试",
          messageEn: timeout ? "a service did not answer in time; try again shortly" : "service unavailable, try again shortly",
          ...(data.inboundId ? { inboundId: data.inboundId } : {}),
        },
      },
    };
  }
  const known: Record<number, [string, string, string]> = {
    400: ["BAD_REQUEST", "请求不合法（请检查 JSON 格式）", "bad request (check the JSON syntax)"],
    404: ["NOT_FOUND", "接口不存在", "no such endpoint"],
    413: ["PAYLOAD_TOO_LARGE", "请求体过大", "request body too large"],
    415: ["UNSUPPORTED_MEDIA_TYPE", "内容类型应为 application/json", "Content-Type must be application/json"],
  };
  const k = known[status] ?? ["INTERNAL", "系统内部错误，请联系集成工程师", "internal error"];
  return {
    status,
    body: {
      error: {
        code: status === 500 ? "INTERNAL" : (err?.type ?? k[0]),
        message: k[1],
        messageEn: status === 500 ? k[2] : (err?.message ?? k[2]),
        ...(data.inboundId ? { inboundId: data.inboundId } : {}),
      },
    },
  };
}
