/**
 * Pure translations for the generic unit interface (承办单位通用接口): no I/O, no clock.
 *
 * Outbound (hub → unit): the hub's outbox payloads for `task`, `urge` and `recall` already are
 * the bodies of the unit contracts, so a builder only chooses the path under the unit's base URL.
 * Inbound (unit → hub): a unit's message plus the path parameters become the params of one
 * `cases.*` action.
 */
import type { OutboundRequest } from "../../kit/adapter";
import type { UnitAcceptParams, UnitExtensionParams, UnitRefuseParams, UnitResultParams, UnitTaskRef } from "../../kit/handler";
import type { UnitAccept, UnitExtension, UnitNotice, UnitRecall, UnitRefuse, UnitResult, UnitTask, UnitUrge } from "../../contracts/types";

// ---------------------------------------------------------------------------------------------
// Outbound: hub → unit

const enc = encodeURIComponent;

function unitIdOf(target: string | null, kind: string): string {
  if (!target) throw new Error(`unit outbound "${kind}" needs a target (the unitId) / 承办单位消息缺少目标单位`);
  return target;
}

/** 派发任务: POST /units/{unitId}/tasks with the task as body. */
export function buildTask(payload: UnitTask, target: string | null): OutboundRequest {
  const unitId = unitIdOf(target, "task");
  return { method: "POST", path: `/units/${enc(unitId)}/tasks`, body: { ...payload } };
}

/**
 * 催办/督办 to the unit holding the task: POST /units/{unitId}/tasks/{taskId}/urge. A 督办 to the
 * owner's supervisor (the payload names another unit as ownerUnitId) is a 督办单 about a task the
 * supervisor does not hold: POST /units/{supervisorId}/supervisions.
 */
export function buildUrge(payload: UnitUrge, target: string | null): OutboundRequest {
  const unitId = unitIdOf(target, "urge");
  if (payload.ownerUnitId && payload.ownerUnitId !== unitId) return { method: "POST", path: `/units/${enc(unitId)}/supervisions`, body: { ...payload } };
  return { method: "POST", path: `/units/${enc(unitId)}/tasks/${enc(payload.taskId)}/urge`, body: { ...payload } };
}

/** 任务撤回: POST /units/{unitId}/tasks/{taskId}/recall. */
export function buildRecall(payload: UnitRecall, target: string | null): OutboundRequest {
  const unitId = unitIdOf(target, "recall");
  return { method: "POST", path: `/units/${enc(unitId)}/tasks/${enc(payload.taskId)}/recall`, body: { ...payload } };
}

/** 抄告单: POST /units/{unitId}/notices. */
export function buildNotice(payload: UnitNotice, target: string | null): OutboundRequest {
  const unitId = unitIdOf(target, "notice");
  return { method: "POST", path: `/units/${enc(unitId)}/notices`, body: { ...payload } };
}

// ---------------------------------------------------------------------------------------------
// Inbound: unit → hub (params of the cases.* actions)

/** The params of the cases.* actions are the kit's (kit/handler.ts): every handler adapter ends in the same calls. */
export type { UnitAcceptParams, UnitExtensionParams, UnitRefuseParams, UnitResultParams, UnitTaskRef } from "../../kit/handler";

function ref(params: Record<string, string>): UnitTaskRef {
  return { unitId: params.unitId, taskId: params.taskId };
}

/** Optional fields are omitted (not null) when the unit did not send them. */
function withOptional<T extends object, K extends string>(base: T, key: K, value: string | undefined): T & Partial<Record<K, string>> {
  return value === undefined ? base : { ...base, [key]: value };
}

/** `receivedAt`: when the hub received the message (ISO 8601), the default for a missing time. */
export function toAcceptParams(params: Record<string, string>, body: UnitAccept, receivedAt: string): UnitAcceptParams {
  return withOptional({ ...ref(params), at: body.acceptedAt ?? receivedAt }, "handler", body.handler);
}

export function toResultParams(params: Record<string, string>, body: UnitResult, receivedAt: string): UnitResultParams {
  return withOptional({ ...ref(params), outcome: body.outcome, text: body.text.trim(), at: body.finishedAt ?? receivedAt }, "handler", body.handler);
}

export function toExtensionParams(params: Record<string, string>, body: UnitExtension): UnitExtensionParams {
  return { ...ref(params), until: body.until, reason: body.reason.trim() };
}

export function toRefuseParams(params: Record<string, string>, body: UnitRefuse): UnitRefuseParams {
  return withOptional({ ...ref(params), reason: body.reason.trim() }, "legalBasis", body.legalBasis);
}
