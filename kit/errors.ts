/**
 * Errors that reach a person: an HTTP status, a stable code, a Chinese and an English message,
 * and (for validation) every field error. The gateway renders them as ErrorResponse.
 */
import { Errors } from "moleculer";
import type { FieldError } from "../contracts";

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
