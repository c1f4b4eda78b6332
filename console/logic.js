/*
 * 统管控制台 — the console's pure logic: no DOM, no fetch, no clock. Loaded by the page before
 * app.js (as window.TongguanLogic) and by jest (console/logic.test.ts) through module.exports.
 *
 * The vocabulary (status, outcome, satisfaction, event and outbound command names, the legal
 * agent actions per status, the statuses 超期 counts, system titles and which systems raise cases)
 * is NOT defined here: it comes from the hub's meta endpoint (API.meta in app.js), which serves what
 * contracts/ and domain/lifecycle.ts hold. `vocabulary(meta)` turns that answer into lookups.
 */
"use strict";
((root, factory) => {
  const logic = factory();
  if (typeof module === "object" && module && module.exports) module.exports = logic;
  else root.TongguanLogic = logic;
})(typeof globalThis !== "undefined" ? globalThis : this, () => {
  // ---------------------------------------------------------------- vocabulary from the hub (meta)
  const list = (x) => (Array.isArray(x) ? x.filter((i) => i && typeof i === "object") : []);
  const byValue = (items, key) => new Map(items.map((i) => [String(i[key]), i]));

  /**
   * The meta answer as lookups. `null` (not loaded, or the call failed) gives an
   * empty vocabulary: every lookup falls back to the code, and no action button is offered.
   */
  function vocabulary(meta) {
    const m = meta && typeof meta === "object" ? meta : {};
    const statuses = list(m.statuses);
    const outcomes = list(m.outcomes);
    const satisfaction = list(m.satisfaction);
    const eventTypes = list(m.eventTypes);
    const systems = list(m.systems);
    const commands = list(m.commands);
    const overdueStatuses = Array.isArray(m.overdueStatuses) ? m.overdueStatuses.filter((s) => typeof s === "string") : [];
    const actions = {};
    if (m.actions && typeof m.actions === "object") for (const [status, acts] of Object.entries(m.actions)) actions[status] = list(acts).filter((a) => typeof a.action === "string");
    return {
      loaded: !!meta,
      statuses,
      outcomes,
      satisfaction,
      eventTypes,
      systems,
      commands,
      overdueStatuses,
      actions,
      _status: byValue(statuses, "value"),
      _outcome: byValue(outcomes, "value"),
      _satisfaction: byValue(satisfaction, "value"),
      _event: byValue(eventTypes, "value"),
      _system: byValue(systems, "system"),
      _command: byValue(commands, "value"),
    };
  }

  const EMPTY = vocabulary(null);
  const lookup = (map, value) => {
    if (value === null || value === undefined || value === "") return "";
    const e = map.get(String(value));
    return e && e.label ? String(e.label) : String(value);
  };

  /** A status's Chinese name from meta (the code when meta does not know it). */
  const statusLabel = (v, status) => lookup((v || EMPTY)._status, status);
  /** A timeline event's Chinese name from meta. */
  const eventLabel = (v, type) => lookup((v || EMPTY)._event, type);
  /** An outbound message's kind (签收, 退单 …) by the command's name from meta. */
  const commandLabel = (v, kind) => lookup((v || EMPTY)._command, kind);

  /** "<code> <name>" — the code 12345 uses and its name from meta; "" for none. */
  function codeText(map, code) {
    if (code === null || code === undefined || code === "") return "";
    const name = lookup(map, code);
    return name === String(code) ? String(code) : `${code} ${name}`;
  }
  const outcomeText = (v, code) => codeText((v || EMPTY)._outcome, code);
  const satisfactionText = (v, code) => codeText((v || EMPTY)._satisfaction, code);

  /**
   * Systems that are not in meta: the hub's own API for people is kept as system "api" in the
   * inbound messages (a refused agent command); it is not an external system.
   */
  const HUB_SYSTEMS = { api: "控制台接口" };

  /** A system's title from meta. */
  function systemTitle(v, system) {
    if (system === null || system === undefined || system === "") return "";
    const e = (v || EMPTY)._system.get(String(system));
    if (e && e.title) return String(e.title);
    return HUB_SYSTEMS[system] || String(system);
  }

  /** The 来源 filter: the systems meta says raise cases (origin: true), in meta's order. */
  const originOptions = (v) => (v || EMPTY).systems.filter((s) => s.origin === true).map((s) => ({ value: String(s.system), label: String(s.title || s.system) }));

  /** The status filter: every status in meta's order. */
  const statusOptions = (v) => (v || EMPTY).statuses.map((s) => ({ value: String(s.value), label: String(s.label || s.value) }));

  /** The actions the console has a dialog for, in the order their buttons stand (退单 last). */
  const CONSOLE_ACTIONS = ["assign", "adjudicate", "reassign", "returnCase"];

  /**
   * The buttons (派单 / 审定派单 / 改派 / 退单) a case in `status` shows: what meta says an agent may do in
   * that status, with meta's label. Engineers read only.
   */
  function allowedActions(v, status, role) {
    if (role !== "agent") return [];
    const acts = (v || EMPTY).actions[status] || [];
    return acts
      .filter((a) => CONSOLE_ACTIONS.includes(a.action))
      .sort((a, b) => CONSOLE_ACTIONS.indexOf(a.action) - CONSOLE_ACTIONS.indexOf(b.action))
      .map((a) => ({ action: a.action, label: String(a.label || a.action) }));
  }

  /** The statuses 超期 counts (meta's overdueStatuses): a case still with a unit or in triage. */
  const overdueStatuses = (v) => (v || EMPTY).overdueStatuses.slice();

  /**
   * 超期 as the hub counts it (services/cases OVERDUE): in one of meta's overdue statuses and past
   * its handling deadline (ms, or null for none) at `now` (ms). Never while meta is not loaded.
   */
  function isOverdue(v, status, deadline, now) {
    if (typeof deadline !== "number" || !Number.isFinite(deadline)) return false;
    return (v || EMPTY).overdueStatuses.includes(status) && deadline < now;
  }

  /** "在办（…）" listing the open statuses by their names from meta. */
  function openFilterLabel(v, open) {
    return `在办（${open.map((s) => statusLabel(v, s)).join("、")}）`;
  }

  // ---------------------------------------------------------------- refused messages (流转健康)
  /**
   * The API's error codes in Chinese. A kept inbound message has only its code, HTTP status and
   * field errors (not the sentence it was answered with), so the console names the reason.
   */
  const ERROR_TEXT = {
    UNAUTHORIZED: "密钥缺失或无效",
    FORBIDDEN: "该密钥无权调用此接口",
    BAD_REQUEST: "请求不合法",
    INVALID_JSON: "请求体不是合法的 JSON",
    VALIDATION_FAILED: "请求内容不符合接口约定",
    PAYLOAD_TOO_LARGE: "请求体过大",
    UNSUPPORTED_MEDIA_TYPE: "内容类型不是 application/json",
    ILLEGAL_TRANSITION: "案件当前状态不允许该操作",
    NOT_FOUND: "工单、任务或接口不存在",
    IDEMPOTENCY_KEY_REUSED: "Idempotency-Key 已用于另一个不同的请求",
    IDEMPOTENCY_IN_PROGRESS: "相同 Idempotency-Key 的请求正在处理中",
    SAME_OWNER: "案件已由该单位承办",
    TASK_RECALLED: "该任务已撤回，无需再处理",
    TASK_REFUSED: "该任务已被本单位退回",
    TASK_DONE: "该任务已反馈办理结果",
    DEADLINE_PASSED: "办理时限已过，不能再申请延期",
    EXTENSION_NOT_LATER: "申请的延期时间不晚于现有时限",
    STORE_UNAVAILABLE: "数据库暂不可用",
    SERVICE_UNAVAILABLE: "服务暂不可用",
    INTERNAL: "系统内部错误",
  };

  /** 密钥缺失或无效 … ; an unknown code is shown as it is, no code as its HTTP status. */
  function errorCodeText(code, httpStatus) {
    if (code && ERROR_TEXT[code]) return ERROR_TEXT[code];
    if (code) return String(code);
    return httpStatus ? `HTTP ${httpStatus}` : "";
  }

  /** JSON pointers of the agents' commands, as people name the fields. */
  const FIELD_LABEL = { "/unitId": "承办单位", "/reason": "理由", "/note": "派单说明", "/basis": "审定依据" };

  /** "承办单位（/unitId）：…" or "/orderNo：…" — one field error as a line. */
  function fieldErrorText(fe) {
    if (!fe || typeof fe !== "object") return "";
    const msg = String(fe.message || fe.messageEn || "");
    const p = fe.pointer;
    const where = p ? (FIELD_LABEL[p] ? `${FIELD_LABEL[p]}（${p}）` : String(p)) : "";
    return where ? `${where}：${msg}` : msg;
  }

  /**
   * Why a kept inbound message was refused, in Chinese: the code's meaning, then the first
   * field error (and how many more). E.g. "请求内容不符合接口约定：/orderNo：必须有属性 orderNo（共 3 处）".
   */
  function refusedReason(m) {
    const x = m || {};
    const head = errorCodeText(x.errorCode, x.httpStatus);
    const errs = list(x.errors);
    const first = errs.length ? fieldErrorText(errs[0]) : "";
    let text = head;
    if (first && first !== head) text = head ? `${head}：${first}` : first;
    if (errs.length > 1) text += `（共 ${errs.length} 处）`;
    return text || "—";
  }

  // ---------------------------------------------------------------- 待分拨 count (one figure)
  /**
   * The triage count shown on the 待分拨 tab and in 流转健康's 案件状态 card. One source: the
   * triage queue (API.triage), the list the badge opens and the only one agents may read;
   * flow's cases-by-status is engineer-only and read at another moment. null = not known.
   */
  function triageCount(answer) {
    if (!answer || typeof answer !== "object") return null;
    if (typeof answer.total === "number") return answer.total;
    if (Array.isArray(answer.items)) return answer.items.length;
    return null;
  }

  /**
   * The rows of 流转健康's 案件状态 card: every status in meta's order (then any status the flow
   * counts that meta does not list), TRIAGE taken from the triage count so the card and the tab
   * badge show the same figure. `count: null` = not known (shown as —, left out of the total).
   */
  function flowStatusRows(v, flowCases, triage) {
    const cs = flowCases && typeof flowCases === "object" ? flowCases : {};
    const order = (v || EMPTY).statuses.map((s) => String(s.value));
    for (const k of Object.keys(cs)) if (!order.includes(k)) order.push(k);
    if (!order.includes("TRIAGE")) order.splice(Math.min(1, order.length), 0, "TRIAGE");
    const rows = order.map((s) => ({ value: s, label: statusLabel(v, s), count: s === "TRIAGE" ? (typeof triage === "number" ? triage : null) : Number(cs[s] || 0) }));
    const total = rows.reduce((n, r) => n + (r.count || 0), 0);
    return { rows, total };
  }

  // ---------------------------------------------------------------- navigation
  const ROLE_LABEL = { agent: "坐席", engineer: "集成工程师" };
  const roleName = (role, roleLabel) => roleLabel || ROLE_LABEL[role] || String(role || "");

  /**
   * Which view a hash opens for a role. A view the role may not open is not left silently: the
   * answer says where to go instead and the Chinese notice to show there.
   */
  function routeFor(hash, role, roleLabel) {
    if (!role) return { view: "login" };
    const h = hash || "#/cases";
    const m = h.match(/^#\/cases\/([^/?]+)$/);
    if (m) {
      let id = m[1];
      try {
        id = decodeURIComponent(id);
      } catch {
        /* keep as written */
      }
      return { view: "case", id };
    }
    if (h === "#/triage") return { view: "triage" };
    if (h === "#/flow") {
      if (role === "engineer") return { view: "flow" };
      return { view: "cases", redirect: "#/cases", notice: `流转健康仅对集成工程师开放，当前密钥角色为${roleName(role, roleLabel)}` };
    }
    if (h === "#/cases") return { view: "cases" };
    return { view: "cases", redirect: "#/cases" };
  }

  // ---------------------------------------------------------------- dialog validation hints
  /** The first thing missing in a 派单 / 审定派单 / 改派 / 退单 form, or null when it may be sent. */
  function formHint(kind, values) {
    const x = values || {};
    const unit = typeof x.unitId === "string" ? x.unitId.trim() : "";
    const reason = typeof x.reason === "string" ? x.reason.trim() : "";
    const basis = typeof x.basis === "string" ? x.basis.trim() : "";
    if (kind === "assign") return unit ? null : "请选择承办单位";
    if (kind === "adjudicate") {
      if (!unit) return "请选择审定的承办单位";
      return basis ? null : "请填写审定依据（职责清单、权责清单条目或派单规则）";
    }
    if (kind === "reassign") {
      if (!unit) return "请选择新的承办单位";
      return reason ? null : "请填写改派理由";
    }
    if (kind === "returnCase") return reason ? null : "请填写退单理由";
    return null;
  }

  /**
   * The hint shown in a dialog. A hint appears when the user presses the button with something
   * missing, follows the form as it is filled in (picking a unit removes "请选择承办单位"), and
   * never removes an error the hub answered with.
   *   submit(values) → the hint text to show, or null: go ahead and send
   *   change(values) → { show: text } | { hide: true } | null (leave the message as it is)
   *   answered()     → the message now shown is the hub's, not a hint
   */
  function dialogHints(kind) {
    let shown = false;
    return {
      submit(values) {
        const h = formHint(kind, values);
        shown = !!h;
        return h;
      },
      change(values) {
        if (!shown) return null;
        const h = formHint(kind, values);
        if (h) return { show: h };
        shown = false;
        return { hide: true };
      },
      answered() {
        shown = false;
      },
      get shown() {
        return shown;
      },
    };
  }

  return {
    vocabulary,
    statusLabel,
    eventLabel,
    commandLabel,
    outcomeText,
    satisfactionText,
    systemTitle,
    originOptions,
    statusOptions,
    allowedActions,
    overdueStatuses,
    isOverdue,
    openFilterLabel,
    ERROR_TEXT,
    errorCodeText,
    FIELD_LABEL,
    fieldErrorText,
    refusedReason,
    triageCount,
    flowStatusRows,
    ROLE_LABEL,
    roleName,
    routeFor,
    formHint,
    dialogHints,
  };
});
