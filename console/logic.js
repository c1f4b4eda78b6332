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
    BAD_CANDIDATE: "候选派单数据文件不合法",
    NO_CALENDAR: "该城市没有工作日历，期限无法计算",
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
  /** The engineer-only views besides 流转健康: hash → view and its title. */
  const ENGINEER_VIEWS = { "#/learning": { view: "learning", title: "派单学习" }, "#/dry-run": { view: "dryrun", title: "规则试运行" } };

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
    if (h === "#/catalogue") return { view: "catalogue" };
    if (ENGINEER_VIEWS[h]) {
      if (role === "engineer") return { view: ENGINEER_VIEWS[h].view };
      return { view: "cases", redirect: "#/cases", notice: `${ENGINEER_VIEWS[h].title}仅对集成工程师开放，当前密钥角色为${roleName(role, roleLabel)}` };
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

  // ---------------------------------------------------------------- 派单建议, 派单学习, 规则试运行, 派单目录
  const num = (x) => (typeof x === "number" && Number.isFinite(x) ? x : 0);
  const strs = (x) => (Array.isArray(x) ? x.filter((s) => typeof s === "string" && s) : []);
  /** A catalogue path as people read it: "市容环境 / 占道经营". */
  const pathText = (p) => strs(p).join(" / ");

  /** A confidence (0..1) as a percentage: "87%", "<1%" for a trace, "—" when not known. */
  function percentText(confidence) {
    if (typeof confidence !== "number" || !Number.isFinite(confidence)) return "—";
    const c = Math.min(1, Math.max(0, confidence));
    if (c > 0 && c < 0.005) return "<1%";
    return `${Math.round(c * 100)}%`;
  }

  /**
   * The proposals of a case in triage (`which` = "proposals") or the other units a dispatched case
   * could have gone to ("alternatives"), best first, as the rows the console shows.
   */
  function proposalRows(routing, which) {
    const r = routing && typeof routing === "object" ? routing : {};
    return list(r[which || "proposals"])
      .filter((p) => typeof p.unitId === "string" && p.unitId)
      .map((p, i) => ({
        rank: i + 1,
        unitId: p.unitId,
        unitName: String(p.unitName || p.unitId),
        categoryCode: typeof p.categoryCode === "string" && p.categoryCode ? p.categoryCode : null,
        path: pathText(p.categoryPath),
        percent: percentText(p.confidence),
        confidence: typeof p.confidence === "number" ? p.confidence : null,
        ruleId: p.ruleId ? String(p.ruleId) : null,
        reason: String(p.reason || ""),
      }));
  }

  /** The body of POST …/assign when an agent takes a proposal: its unit AND its catalogue item (a training example). */
  function proposalAssignBody(p) {
    const body = { unitId: p.unitId };
    if (p.categoryCode) body.categoryCode = p.categoryCode;
    return body;
  }

  /** How a labelled example was made. */
  const EXAMPLE_KIND = { assigned: "人工派单", reassigned: "改派", adjudicated: "派单审定", refused: "退回" };
  /** Where a label came from. */
  const LABEL_SOURCE = { proposal: "采纳派单建议", agent: "坐席指定", inferred: "推断" };
  /** How a platform category reached (or failed to reach) the catalogue. */
  const VIA_LABEL = { prefix: "仅上级可对应", vague: "分类不说明事项", none: "无对应", exact: "完全一致", mapping: "映射表", alias: "同义词", leaf: "末级对应" };
  /** What a suggestion changes. */
  const SUGGESTION_KIND = { mapping: "分类映射", keywords: "关键词", rule: "派单规则" };
  /** How a dry-run changes a case. */
  const CHANGE_KIND = { owner: "换承办单位", to_triage: "转入人工分拨", from_triage: "不再人工分拨" };
  const named = (table, code) => (code === null || code === undefined || code === "" ? "" : table[code] || String(code));
  const exampleKindLabel = (k) => named(EXAMPLE_KIND, k);
  const labelSourceLabel = (k) => named(LABEL_SOURCE, k);
  const viaLabel = (k) => named(VIA_LABEL, k);
  const suggestionKindLabel = (k) => named(SUGGESTION_KIND, k);
  const changeKindLabel = (k) => named(CHANGE_KIND, k);

  /** "3 件样例 · 现规则派对 0 件 → 修改后 3 件" */
  function suggestionFigures(s) {
    const x = s || {};
    return `${num(x.support)} 件样例 · 现规则派对 ${num(x.routedNow)} 件 → 修改后 ${num(x.routedWith)} 件`;
  }

  /** GET /routing/suggestions as the page shows it: one group per catalogue item, its path as the heading. */
  function suggestionGroups(answer) {
    const items = list(answer && answer.items);
    return items
      .map((g) => ({
        key: `${g.cityCode || ""}:${g.code || ""}`,
        cityCode: g.cityCode ? String(g.cityCode) : "",
        code: g.code ? String(g.code) : "",
        heading: pathText(g.path) || String(g.code || "—"),
        suggestions: list(g.suggestions).map((s) => ({
          id: String(s.id || ""),
          kind: s.kind,
          kindLabel: suggestionKindLabel(s.kind),
          summary: String(s.summary || ""),
          file: String(s.file || ""),
          caseIds: strs(s.caseIds),
          support: num(s.support),
          routedNow: num(s.routedNow),
          routedWith: num(s.routedWith),
          figures: suggestionFigures(s),
        })),
      }))
      .filter((g) => g.suggestions.length);
  }

  /** The name a downloaded file gets: the last part of its path ("cities/changzhou/mappings/hotline12345.json" → "hotline12345.json"). */
  function downloadName(file) {
    const parts = String(file || "")
      .split(/[\\/]/)
      .filter(Boolean);
    const last = parts.length ? parts[parts.length - 1] : "";
    if (!last) return "file.json";
    return /\.json$/i.test(last) ? last : `${last}.json`;
  }

  /** A data file's text as it is committed: two-space JSON with a final newline. */
  const fileText = (content) => `${JSON.stringify(content, null, 2)}\n`;

  /**
   * The period of a dry run from two date inputs ("2024-06-01") as ISO times in Beijing time:
   * { query: { from?, to? } } or { error } when 起 is after 止 or a date is malformed.
   */
  function periodOf(from, to) {
    const f = typeof from === "string" ? from.trim() : "";
    const t = typeof to === "string" ? to.trim() : "";
    const ok = (d) => /^\d{4}-\d{2}-\d{2}$/.test(d);
    if ((f && !ok(f)) || (t && !ok(t))) return { error: "日期格式应为 YYYY-MM-DD" };
    if (f && t && f > t) return { error: "受理时间起不能晚于受理时间止" };
    const query = {};
    if (f) query.from = `${f}T00:00:00+08:00`;
    if (t) query.to = `${t}T23:59:59.999+08:00`;
    return { query };
  }

  /** A candidate file's name as POST /routing/dry-run takes it (the hub checks the same pattern). */
  const CANDIDATE_NAME = /^(?:cities\/)?[a-z0-9_-]+\/(?:categories|rules|units|examples|mappings\/[a-z][a-z0-9]{1,31})\.json$/;

  /**
   * The `files` object of POST /routing/dry-run from the page's rows ({ name, text }): rows left
   * empty are skipped; every problem is named in Chinese with its row number. → { files, errors }
   */
  function candidateFiles(rows) {
    const files = {};
    const errors = [];
    list(rows).forEach((r, i) => {
      const n = i + 1;
      const name = typeof r.name === "string" ? r.name.trim() : "";
      const text = typeof r.text === "string" ? r.text.trim() : "";
      if (!name && !text) return;
      if (!name) return errors.push(`第 ${n} 个文件：请填写文件名，如 changzhou/rules.json`);
      if (!CANDIDATE_NAME.test(name)) return errors.push(`第 ${n} 个文件：文件名「${name}」应为 <城市目录>/categories.json、rules.json、units.json、examples.json 或 mappings/<系统>.json`);
      const key = name.replace(/^cities\//, "");
      if (Object.hasOwn(files, key)) return errors.push(`第 ${n} 个文件：「${key}」已在前面给出`);
      if (!text) return errors.push(`第 ${n} 个文件（${key}）：请粘贴或选择文件内容`);
      let content;
      try {
        content = JSON.parse(text);
      } catch (e) {
        return errors.push(`第 ${n} 个文件（${key}）：不是合法的 JSON（${(e && e.message) || e}）`);
      }
      if (!content || typeof content !== "object" || Array.isArray(content)) return errors.push(`第 ${n} 个文件（${key}）：内容应为 JSON 对象`);
      files[key] = content;
    });
    if (!errors.length && !Object.keys(files).length) errors.push("请至少给出一个候选文件");
    return { files, errors };
  }

  /** One side of a dry-run comparison in a line: "钟楼区城市管理局（规则 cz-city-mgmt）" or "人工分拨". */
  function sideText(o) {
    if (!o || typeof o !== "object") return "—";
    if (o.triage) return "人工分拨";
    const who = String(o.ownerUnitName || o.ownerUnitId || "—");
    return o.ruleId ? `${who}（规则 ${o.ruleId}）` : who;
  }

  const ruleOrTriage = (x) => (x === "triage" ? "人工分拨" : String(x || "—"));

  /** The counts of a dry-run report as labelled figures, in the order the page shows them. */
  const REPORT_COUNTS = [
    ["changedOwner", "换承办单位"],
    ["toTriage", "转入人工分拨"],
    ["fromTriage", "不再人工分拨"],
    ["unchanged", "不变"],
    ["decidedByPerson", "人工决定的案件"],
    ["personAgreed", "其中规则与人工一致"],
  ];

  /**
   * A dry-run report as the page shows it: the counts, units (+gains / -losses), rules
   * (before → after), transitions and the changed cases, each with Chinese labels.
   */
  function reportView(report) {
    const r = report && typeof report === "object" ? report : {};
    const c = r.counts && typeof r.counts === "object" ? r.counts : {};
    const counts = REPORT_COUNTS.map(([key, label]) => ({ key, label, value: num(c[key]) }));
    const changed = num(c.changedOwner) + num(c.toTriage) + num(c.fromTriage);
    const byUnit = list(r.byUnit).map((u) => ({
      unitId: String(u.unitId || ""),
      unitName: String(u.unitName || u.unitId || ""),
      gains: `+${num(u.gains)}`,
      losses: `-${num(u.losses)}`,
      net: num(u.gains) - num(u.losses),
    }));
    const byRule = list(r.byRule).map((x) => ({ ruleId: String(x.ruleId || ""), before: num(x.before), after: num(x.after), text: `${num(x.before)} → ${num(x.after)}` }));
    const transitions = list(r.transitions).map((t) => ({ from: ruleOrTriage(t.from), to: ruleOrTriage(t.to), count: num(t.count), text: `${ruleOrTriage(t.from)} → ${ruleOrTriage(t.to)}` }));
    const changes = list(r.changes).map((x) => ({
      id: String(x.id || ""),
      receivedAt: x.receivedAt || null,
      status: x.status || "",
      path: pathText(x.categoryPath),
      kind: x.kind,
      kindLabel: changeKindLabel(x.kind),
      before: sideText(x.before),
      after: sideText(x.after),
      beforeReason: String((x.before && x.before.reason) || ""),
      afterReason: String((x.after && x.after.reason) || ""),
    }));
    const total = num(r.total);
    const headline = changed ? `共重放 ${total} 件案件，${changed} 件派单会变化` : `共重放 ${total} 件案件，派单均无变化`;
    return { total, changed, headline, counts, byUnit, byRule, transitions, changes };
  }

  /** A catalogue item's basis in a line: "《职责清单》：占道经营查处（第 3 条）". */
  function basisText(b) {
    if (!b || typeof b !== "object") return "";
    const head = [b.source, b.item].filter((x) => typeof x === "string" && x).join("：");
    return b.ref ? `${head}（${b.ref}）` : head;
  }

  /** An owner rule of a catalogue item in a line: "城管条线（条线）：属地街道/镇 → 钟楼区城市管理局". */
  function ownerText(o) {
    if (!o || typeof o !== "object") return "";
    const name = String(o.ruleName || o.ruleId || "");
    const head = o.principle ? `${name}（${o.principle}）` : name;
    const chain = strs(o.chain).join(" → ");
    return chain ? `${head}：${chain}` : head;
  }

  /**
   * The catalogue filtered by the words of `q` (each must appear in the item's code, path,
   * keywords, description, basis or owner chain), grouped by city in the answer's order.
   */
  function catalogueView(answer, q, cityNames) {
    const words = String(q || "")
      .trim()
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean);
    const names = cityNames || {};
    const groups = [];
    const byCity = new Map();
    let shown = 0;
    let total = 0;
    for (const e of list(answer && answer.items)) {
      total++;
      const owners = list(e.owners);
      const text = [e.code, pathText(e.path), strs(e.keywords).join(" "), e.description, basisText(e.basis), owners.map(ownerText).join(" ")].filter(Boolean).join(" ").toLowerCase();
      if (!words.every((w) => text.includes(w))) continue;
      shown++;
      const city = String(e.cityCode || "");
      if (!byCity.has(city)) {
        const g = { cityCode: city, cityName: names[city] || (city ? `城市 ${city}` : "未知城市"), items: [] };
        byCity.set(city, g);
        groups.push(g);
      }
      byCity.get(city).items.push({
        code: String(e.code || ""),
        path: pathText(e.path),
        depth: strs(e.path).length,
        dispatchable: e.dispatchable === true,
        triage: e.triage === true,
        description: e.description ? String(e.description) : "",
        keywords: strs(e.keywords),
        basis: basisText(e.basis),
        owners: owners.map((o) => ({ ruleId: String(o.ruleId || ""), text: ownerText(o), why: o.why ? String(o.why) : "" })),
      });
    }
    return { groups, shown, total };
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
    percentText,
    proposalRows,
    proposalAssignBody,
    EXAMPLE_KIND,
    VIA_LABEL,
    exampleKindLabel,
    labelSourceLabel,
    viaLabel,
    suggestionKindLabel,
    changeKindLabel,
    suggestionFigures,
    suggestionGroups,
    downloadName,
    fileText,
    periodOf,
    candidateFiles,
    sideText,
    reportView,
    basisText,
    ownerText,
    catalogueView,
  };
});
