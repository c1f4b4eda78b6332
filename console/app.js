/*
 * 统管控制台 — tongguan console. Plain ES2020, no framework, no build step.
 *
 * Every value from the API reaches the page through textContent / text nodes (see `h()`),
 * never through innerHTML. The API key lives in sessionStorage only.
 * Every endpoint the console calls is listed once in `API` below, written like the paths of
 * GET /api/openapi.json; test/console.e2e.test.ts checks each one against that document.
 * The pure logic (names from the hub's vocabulary, refused-message reasons, the buttons a status
 * allows, the 待分拨 figure, routing, dialog hints) is in logic.js, loaded first and unit-tested
 * in console/logic.test.ts; the vocabulary itself comes from the hub (meta, after login).
 */
"use strict";
(() => {
  // ---------------------------------------------------------------- API endpoints (the only place)
  const API = {
    me: "GET /api/v1/me",
    meta: "GET /api/v1/meta",
    flow: "GET /api/v1/flow",
    cases: "GET /api/v1/cases",
    caseGet: "GET /api/v1/cases/{id}",
    reassign: "POST /api/v1/cases/{id}/reassign",
    adjudicate: "POST /api/v1/cases/{id}/adjudicate",
    returnCase: "POST /api/v1/cases/{id}/return",
    triage: "GET /api/v1/triage",
    assign: "POST /api/v1/triage/{id}/assign",
    units: "GET /api/v1/units",
    inbound: "GET /api/v1/inbound",
    inboundGet: "GET /api/v1/inbound/{id}",
    outbox: "GET /api/v1/outbox",
    outboxRetry: "POST /api/v1/outbox/{id}/retry",
    catalogue: "GET /api/v1/routing/catalogue",
    unmapped: "GET /api/v1/routing/unmapped",
    examples: "GET /api/v1/routing/examples",
    suggestions: "GET /api/v1/routing/suggestions",
    suggestionFile: "GET /api/v1/routing/suggestions/{id}/file",
    suggestionDryRun: "POST /api/v1/routing/suggestions/{id}/dry-run",
    dryRun: "POST /api/v1/routing/dry-run",
  };

  // ---------------------------------------------------------------- vocabulary
  // Status, outcome, satisfaction, event and outbound command names, the legal agent actions per
  // status, the statuses 超期 counts and the systems (titles, which raise cases) come from the hub
  // (API.meta: contracts/, domain/lifecycle.ts, adapters/), loaded once after login into
  // state.vocab; console/logic.js turns them into lookups.
  const L = window.TongguanLogic;
  const ACTOR_KIND = { system: "外部系统", unit: "承办单位", agent: "坐席", hub: "枢纽" };
  const HUB_ACTOR = { delivery: "外发服务", schedule: "定时任务", relay: "外发服务" };
  const INBOUND_KIND = { "work-order": "派单", callback: "回访", urge: "催办/督办", accept: "签收", result: "办理结果", extension: "延期", refuse: "退回", unknown: "未知" };
  const OUTBOX_STATUS = { pending: "待发送", inflight: "发送中", sent: "已送达", dead: "发送失败" };
  const INBOUND_OUTCOME = { accepted: "已接收", duplicate: "重复报文", rejected: "拒收", error: "处理出错" };
  const TASK_STATUS = { sent: "已派发", accepted: "已签收", done: "已反馈", refused: "已退回", recalled: "已撤回" };
  const TASK_ROLE = { owner: "承办", co: "协办" };
  const BREAKER_STATE = { closed: "正常", open: "熔断", halfOpen: "半开" };
  const DECIDED_BY = { rules: "规则自动派单", agent: "坐席人工派单" };

  const statusName = (s) => L.statusLabel(state.vocab, s);
  const systemName = (s) => L.systemTitle(state.vocab, s);
  const commandName = (k) => L.commandLabel(state.vocab, k);

  const TZ = "Asia/Shanghai";
  const STORE_KEY = "tongguan.console.apiKey";
  const STORE_ROLE = "tongguan.console.role";
  const STORE_ROLE_LABEL = "tongguan.console.roleLabel";
  const FLOW_REFRESH_MS = 10_000;

  // ---------------------------------------------------------------- state
  const state = {
    key: null,
    role: null,
    seq: 0, // bumped on every navigation: late answers for a view left behind are dropped
    roleLabel: null, // the key's role as API.me names it
    vocab: L.vocabulary(null), // API.meta as lookups (empty until loaded)
    metaPromise: null,
    metaError: null,
    triageCount: null, // the one 待分拨 figure: tab badge and 流转健康 card
    flowCases: null, // the last 流转健康 cases-by-status
    notice: null, // a message for the next view shown (e.g. why #/flow led to the cases)
    units: null, // { items, byId, groups }
    unitsPromise: null,
    timers: [],
    listToken: null,
    list: { status: "", owner: "", origin: "", from: "", to: "", overdue: false, page: 1, pageSize: 20 },
  };

  // ---------------------------------------------------------------- DOM helpers (text only)
  const $ = (sel, root = document) => root.querySelector(sel);

  function append(parent, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      parent.append(c instanceof Node ? c : String(c)); // strings become text nodes
    }
    return parent;
  }

  /** h("a", { href, class, onclick }, children…) — attributes set one by one, children as text. */
  function h(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props)
      for (const [k, v] of Object.entries(props)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") e.className = v;
        else if (k === "dataset") Object.assign(e.dataset, v);
        else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
        else if (k === "value" || k === "checked" || k === "disabled" || k === "selected") e[k] = v;
        else e.setAttribute(k, v === true ? "" : String(v));
      }
    return append(e, children);
  }

  function clear(node, ...children) {
    node.replaceChildren();
    return append(node, children);
  }

  const dash = "—";
  const val = (v) => (v === null || v === undefined || v === "" ? dash : String(v));

  /** A definition list: rows of [label, value]; an empty value shows "—". */
  function dl(rows) {
    const d = h("dl", { class: "fields" });
    for (const [label, value, opts] of rows) {
      if (!label) continue;
      const wide = opts && opts.wide;
      d.append(h("div", { class: wide ? "f wide" : "f" }, h("dt", null, label), h("dd", null, value instanceof Node ? value : val(value))));
    }
    return d;
  }

  function badge(text, cls) {
    return h("span", { class: `badge ${cls || ""}` }, text);
  }

  /** The status's name from meta; the case's own statusLabel only while meta is not loaded. */
  function statusBadge(status, label) {
    const named = statusName(status);
    return badge(named !== String(status) ? named : label || named, `st-${String(status).toLowerCase()}`);
  }

  function table(headers, rows, empty) {
    const t = h(
      "table",
      { class: "grid" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          headers.map((x) => h("th", null, x)),
        ),
      ),
    );
    const body = h("tbody");
    if (!rows.length) body.append(h("tr", { class: "empty" }, h("td", { colspan: headers.length }, empty || "暂无记录")));
    for (const r of rows) body.append(r);
    t.append(body);
    return h("div", { class: "table-wrap" }, t);
  }

  function fillBody(tbody, rows, cols, empty) {
    clear(tbody);
    if (!rows.length) tbody.append(h("tr", { class: "empty" }, h("td", { colspan: cols }, empty)));
    else for (const r of rows) tbody.append(r);
  }

  function toast(text) {
    const t = $("#toast");
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (t.hidden = true), 4000);
  }

  // ---------------------------------------------------------------- time (Asia/Shanghai)
  const dtf = new Intl.DateTimeFormat("zh-CN", {
    timeZone: TZ,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });

  /** ISO 8601, or PostgreSQL's text form "2024-06-11 08:42:00.123+00". */
  function parseTime(s) {
    if (!s) return null;
    if (s instanceof Date) return s;
    let t = String(s).trim().replace(" ", "T");
    t = t.replace(/([+-]\d\d)$/, "$1:00");
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  function fmt(s, withSeconds = false) {
    const d = parseTime(s);
    if (!d) return dash;
    const p = {};
    for (const x of dtf.formatToParts(d)) p[x.type] = x.value;
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ""}`;
  }

  function duration(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    const d = Math.floor(s / 86400);
    const hh = Math.floor((s % 86400) / 3600);
    const mm = Math.floor((s % 3600) / 60);
    const ss = s % 60;
    if (d) return `${d}天${hh}小时`;
    if (hh) return `${hh}小时${mm}分`;
    if (mm) return `${mm}分${ss}秒`;
    return `${ss}秒`;
  }

  /** 超期 as the hub counts it: meta's overdue statuses, past the handling deadline. */
  function isOverdue(c) {
    const dl = parseTime(c.handleDeadline);
    return L.isOverdue(state.vocab, c.status, dl ? dl.getTime() : null, Date.now());
  }

  // ---------------------------------------------------------------- HTTP
  class ApiError extends Error {
    constructor(status, body, fallback) {
      const e = (body && body.error) || {};
      super(e.message || fallback || defaultMessage(status));
      this.status = status;
      this.code = e.code || null;
      this.messageEn = e.messageEn || null;
      this.errors = Array.isArray(e.errors) ? e.errors : [];
      this.inboundId = e.inboundId || null;
    }
  }

  function defaultMessage(status) {
    if (status === 0) return "无法连接统管服务，请检查网络后重试";
    if (status === 401) return "API 密钥无效或缺失";
    if (status === 403) return "该密钥无权执行此操作";
    if (status === 404) return "未找到";
    if (status === 409) return "案件当前状态不允许该操作";
    if (status >= 500) return "服务暂不可用，请稍后重试";
    return `请求失败（HTTP ${status}）`;
  }

  /** call(API.caseGet, { params: { id }, query, body }) — fills {param}, adds X-Api-Key, parses JSON. */
  async function call(endpoint, opts = {}) {
    const key = opts.key || state.key;
    const [method, template] = endpoint.split(" ");
    let url = template.replace(/\{(\w+)\}/g, (_, name) => {
      const v = opts.params && opts.params[name];
      if (v === undefined || v === null || v === "") throw new Error(`missing path parameter ${name}`);
      return encodeURIComponent(String(v));
    });
    if (opts.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== "" && v !== false) q.set(k, String(v));
      const s = q.toString();
      if (s) url += `?${s}`;
    }
    const headers = { "X-Api-Key": key, Accept: "application/json" };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), cache: "no-store", credentials: "omit" });
    } catch {
      throw new ApiError(0, null);
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      const err = new ApiError(res.status, data);
      if (res.status === 401 && !opts.key && state.role) sessionExpired(err);
      throw err;
    }
    return data;
  }

  /** Shows an API error in a .msg box: the Chinese message, every field error, the kept request's id. */
  function showError(box, err) {
    box.hidden = false;
    box.className = "msg error";
    if (!(err instanceof ApiError)) {
      clear(box, h("strong", null, "页面出错："), String((err && err.message) || err));
      return;
    }
    const parts = [h("strong", null, err.message)];
    if (err.errors.length)
      parts.push(
        h(
          "ul",
          { class: "field-errors" },
          err.errors.map((fe) => h("li", null, L.fieldErrorText(fe))),
        ),
      );
    const meta = [];
    if (err.status) meta.push(`HTTP ${err.status}`);
    if (err.code) meta.push(err.code);
    if (err.inboundId) meta.push(`请求已留存，编号 ${err.inboundId}`);
    if (meta.length) parts.push(h("div", { class: "msg-meta", title: err.messageEn || "" }, meta.join(" · ")));
    clear(box, parts);
  }

  function showInfo(box, text) {
    box.hidden = false;
    box.className = "msg info";
    clear(box, text);
  }

  function hideMsg(box) {
    box.hidden = true;
    clear(box);
  }

  // ---------------------------------------------------------------- units (grouped by city / district)

  /** Units grouped by city and district, with the names the units endpoint gives. */
  function groupUnits(items) {
    const byCity = new Map();
    for (const u of items) {
      const k = u.cityCode || "";
      if (!byCity.has(k)) byCity.set(k, []);
      byCity.get(k).push(u);
    }
    const groups = [];
    for (const [cityCode, units] of byCity) {
      const cityName = (units[0] && units[0].cityName) || `城市 ${cityCode}`;
      const byDistrict = new Map();
      for (const u of units) {
        const k = u.districtCode || "";
        if (!byDistrict.has(k)) byDistrict.set(k, []);
        byDistrict.get(k).push(u);
      }
      const codes = [...byDistrict.keys()].sort();
      for (const code of codes) {
        const list = byDistrict.get(code);
        const districtName = code ? list[0].districtName || `区县 ${code}` : "市级单位";
        list.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "street" ? -1 : 1));
        groups.push({ label: `${cityName} · ${districtName}`, cityName, districtName, units: list });
      }
    }
    return groups;
  }

  function loadUnits() {
    if (!state.unitsPromise)
      state.unitsPromise = call(API.units)
        .then((r) => {
          const items = (r && r.items) || [];
          state.units = { items, byId: new Map(items.map((u) => [u.unitId, u])), groups: groupUnits(items) };
          return state.units;
        })
        .catch((e) => {
          state.unitsPromise = null;
          throw e;
        });
    return state.unitsPromise;
  }

  const unitName = (id) => (id && state.units && state.units.byId.get(id) ? state.units.byId.get(id).unitName : id);
  const kindTag = (u) => (u.kind === "street" ? "街道" : "部门");

  /** A searchable list of units grouped by city and district; `value` is the chosen unit id. */
  function unitPicker(opts = {}) {
    const picked = h("div", { class: "picked muted" }, "尚未选择承办单位");
    const search = h("input", { type: "search", class: "unit-search", placeholder: "搜索单位名称、编号或区县", "aria-label": "搜索承办单位", autocomplete: "off" });
    const count = h("span", { class: "muted small" });
    const list = h("div", { class: "unit-list", role: "radiogroup", "aria-label": "承办单位" });
    const picker = { value: "", node: null };
    const groupNodes = [];
    // the case's own district first, then its city's city-level units, then everything else
    const near = opts.districtCode || "";
    const rank = (g) => {
      const u = g.units[0] || {};
      if (near && u.districtCode === near) return 0;
      if (near && u.cityCode === near.slice(0, 4)) return u.districtCode ? 2 : 1;
      return 3;
    };
    const ordered = state.units.groups
      .map((g, i) => ({ g, i }))
      .sort((a, b) => rank(a.g) - rank(b.g) || a.i - b.i)
      .map((x) => x.g);
    for (const g of ordered) {
      const items = [];
      for (const u of g.units) {
        const current = opts.current === u.unitId;
        const input = h("input", { type: "radio", name: "unit", value: u.unitId, disabled: current });
        input.addEventListener("change", () => {
          picker.value = u.unitId;
          picked.className = "picked";
          clear(picked, "已选：", h("strong", null, u.unitName), ` （${u.unitId}）`);
        });
        const row = h(
          "label",
          { class: current ? "unit-opt current" : "unit-opt" },
          input,
          h("span", { class: "unit-name" }, u.unitName),
          current ? h("span", { class: "tag" }, "现承办") : null,
          h("span", { class: "tag" }, kindTag(u)),
          h("code", null, u.unitId),
        );
        items.push({ row, text: `${u.unitName} ${u.unitId} ${g.label}`.toLowerCase() });
      }
      const box = h(
        "fieldset",
        { class: "unit-group" },
        h("legend", null, g.label),
        items.map((i) => i.row),
      );
      groupNodes.push({ box, items });
      list.append(box);
    }
    const filter = () => {
      const q = search.value.trim().toLowerCase();
      const words = q.split(/\s+/).filter(Boolean);
      let n = 0;
      for (const g of groupNodes) {
        let shown = 0;
        for (const i of g.items) {
          const ok = words.every((w) => i.text.includes(w));
          i.row.hidden = !ok;
          if (ok) shown++;
        }
        g.box.hidden = shown === 0;
        n += shown;
      }
      count.textContent = q ? `找到 ${n} 个单位` : `共 ${n} 个单位`;
    };
    search.addEventListener("input", filter);
    search.addEventListener("keydown", (e) => {
      if (e.key === "Enter") e.preventDefault(); // do not submit the dialog while searching
    });
    filter();
    picker.node = h("div", { class: "unit-picker" }, h("div", { class: "unit-search-row" }, search, count), list, picked);
    picker.focus = () => search.focus();
    return picker;
  }

  // ---------------------------------------------------------------- dialog
  const dialog = $("#dialog");

  /**
   * Opens the one dialog. `submit` (async) runs on the primary button; a thrown ApiError is shown
   * inside the dialog (message and field errors), success closes it. With `hint` (a form kind of
   * logic.formHint) and `values()`, a missing field is named before anything is sent, and the
   * hint follows the form as it is filled in: picking a unit removes "请选择承办单位".
   */
  function openDialog({ title, body, submitLabel, submit, wide, hint, values }) {
    const box = $("#dialog-msg");
    clear($("#dialog-title"), title);
    clear($("#dialog-body"), body);
    hideMsg(box);
    dialog.classList.toggle("wide", !!wide);
    const foot = $("#dialog-foot");
    const cancel = h("button", { type: "button", class: "btn", onclick: () => dialog.close() }, submit ? "取消" : "关闭");
    const hints = hint ? L.dialogHints(hint) : null;
    const showHint = (text) => {
      showInfo(box, text);
      box.className = "msg error";
    };
    dialog.oninput = dialog.onchange = hints
      ? () => {
          const next = hints.change(values());
          if (next && next.show) showHint(next.show);
          else if (next && next.hide) hideMsg(box);
        }
      : null;
    if (submit) {
      const ok = h("button", { type: "submit", class: "btn btn-primary" }, submitLabel || "确定");
      clear(foot, cancel, ok);
      dialog.onsubmit = async (e) => {
        e.preventDefault();
        if (ok.disabled) return;
        hideMsg(box);
        const missing = hints ? hints.submit(values()) : null;
        if (missing) return showHint(missing);
        ok.disabled = true;
        try {
          await submit();
          dialog.close();
        } catch (err) {
          if (hints) hints.answered();
          showError(box, err);
        } finally {
          ok.disabled = false;
        }
      };
    } else {
      clear(foot, cancel);
      dialog.onsubmit = (e) => e.preventDefault();
    }
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  }

  $("#dialog-close").addEventListener("click", () => dialog.close());

  function reasonField(label, placeholder, required) {
    const area = h("textarea", { rows: 3, maxlength: 500, placeholder, required });
    return { area, node: h("label", { class: "field" }, h("span", null, label, required ? h("em", { class: "req" }, " *") : null), area) };
  }

  async function reassignDialog(c, label, after) {
    await loadUnits();
    const picker = unitPicker({ current: c.owner && c.owner.unitId, districtCode: c.location && c.location.districtCode });
    const reason = reasonField(`${label}理由`, "说明改派原因，例如：事发地实属××街道辖区", true);
    openDialog({
      title: `${label}：${c.origin.externalId}`,
      wide: true,
      body: [h("p", { class: "muted" }, "现承办单位：", c.owner ? c.owner.unitName : "无", "。改派后原任务撤回，案件转交新单位办理。"), picker.node, reason.node],
      submitLabel: `确认${label}`,
      hint: "reassign",
      values: () => ({ unitId: picker.value, reason: reason.area.value }),
      submit: async () => {
        await call(API.reassign, { params: { id: c.id }, body: { unitId: picker.value, reason: reason.area.value.trim() } });
        toast(`已${label}至${unitName(picker.value)}`);
        after();
      },
    });
    picker.focus();
  }

  function returnDialog(c, label, after) {
    const reason = reasonField(`${label}理由（含依据）`, "说明退回 12345 的理由和依据", true);
    openDialog({
      title: `${label}：${c.origin.externalId}`,
      body: [h("p", { class: "muted" }, "案件将退回 12345 平台重新派单，承办单位的任务将被撤回。此操作不可撤销。"), reason.node],
      submitLabel: `确认${label}`,
      hint: "returnCase",
      values: () => ({ reason: reason.area.value }),
      submit: async () => {
        await call(API.returnCase, { params: { id: c.id }, body: { reason: reason.area.value.trim() } });
        toast(`${label}成功，案件已退回 12345`);
        after();
      },
    });
    reason.area.focus();
  }

  /** The case a dialog acts on, in one line: title, category, address. */
  function caseBrief(c) {
    return h(
      "p",
      { class: "case-brief" },
      h("strong", null, c.title),
      h("br"),
      h("span", { class: "muted" }, c.category && c.category.path ? c.category.path.join(" / ") : "", " · ", (c.location && c.location.address) || ""),
    );
  }

  // ---------------------------------------------------------------- 派单建议 (proposals)
  /** May this user take a proposal of this case: an agent, on a case meta allows 人工派单 (assign) for. */
  const canAssign = (c) => L.allowedActions(state.vocab, c.status, state.role).some((a) => a.action === "assign");

  /**
   * The units the hub proposes for a case (routing.proposals, or routing.alternatives), one row
   * each: rank, unit, catalogue path, confidence, the reason (collapsible) and — for a case an
   * agent may assign — ONE button "派至此单位" that posts the assignment with the unit and the
   * catalogue item at once (recorded as a training example). No dialog; `after` on success,
   * `onError` with the hub's answer.
   */
  function proposalTable(c, which, opts = {}) {
    const rows = L.proposalRows(c.routing, which);
    if (!rows.length) return null;
    const buttons = which === "proposals" && canAssign(c);
    const all = [];
    const take = async (p, b) => {
      for (const x of all) x.disabled = true;
      b.textContent = "正在派单…";
      try {
        await call(API.assign, { params: { id: c.id }, body: L.proposalAssignBody(p) });
        toast(`已派单至${p.unitName}（采纳派单建议 ${p.rank}）`);
        if (opts.after) opts.after();
      } catch (err) {
        for (const x of all) x.disabled = false;
        b.textContent = "派至此单位";
        if (opts.onError) opts.onError(err);
        else toastError(err);
      }
    };
    const trs = rows.map((p) => {
      let b = null;
      if (buttons) {
        b = h("button", { type: "button", class: "btn btn-primary btn-small", dataset: { unitId: p.unitId, categoryCode: p.categoryCode || "" } }, "派至此单位");
        b.addEventListener("click", () => take(p, b));
        all.push(b);
      }
      return h(
        "tr",
        { class: "proposal", dataset: { rank: String(p.rank) } },
        h("td", { class: "num" }, String(p.rank)),
        h("td", null, p.unitName, h("div", { class: "sub" }, p.unitId)),
        h("td", null, p.path || dash, p.categoryCode ? h("code", { class: "code" }, p.categoryCode) : null),
        h("td", { class: "num nowrap" }, h("span", { class: "confidence", title: "按诉求内容估计的把握" }, p.percent)),
        h("td", { class: "reason-cell" }, p.reason ? h("details", null, h("summary", null, p.ruleId ? `依据（规则 ${p.ruleId}）` : "依据"), h("div", { class: "prose small" }, p.reason)) : dash),
        buttons ? h("td", { class: "nowrap" }, b) : null,
      );
    });
    return h(
      "div",
      { class: `proposals ${opts.compact ? "compact" : ""}` },
      opts.title ? h("div", { class: "proposals-title" }, opts.title) : null,
      table(["序号", "承办单位", "派单目录事项", "置信度", "依据"].concat(buttons ? ["操作"] : []), trs),
    );
  }

  async function assignDialog(c, label, after) {
    await loadUnits();
    const picker = unitPicker({ districtCode: c.location && c.location.districtCode });
    const note = reasonField("派单说明（可选）", "给承办单位的说明", false);
    openDialog({
      title: `${label}：${c.origin.externalId}`,
      wide: true,
      body: [
        caseBrief(c),
        proposalTable(c, "proposals", {
          title: "派单建议（点“派至此单位”直接派单，或在下面从全部单位中选择）",
          after: () => {
            dialog.close();
            after();
          },
          onError: (e) => showError($("#dialog-msg"), e),
        }),
        picker.node,
        note.node,
      ],
      submitLabel: `确认${label}`,
      hint: "assign",
      values: () => ({ unitId: picker.value }),
      submit: async () => {
        const body = { unitId: picker.value };
        if (note.area.value.trim()) body.note = note.area.value.trim();
        await call(API.assign, { params: { id: c.id }, body });
        toast(`已派单至${unitName(picker.value)}`);
        after();
      },
    });
    picker.focus();
  }

  /** 派单审定: several units refused the case; the centre names the owner and the basis it relies on. */
  async function adjudicateDialog(c, label, after) {
    await loadUnits();
    const picker = unitPicker({ districtCode: c.location && c.location.districtCode });
    const basis = reasonField("审定依据", "所依据的职责清单/权责清单条目或派单规则，例如：《城市管理领域职责清单》占道经营查处属城管部门", true);
    const note = reasonField("给承办单位的说明（可选）", "", false);
    const refused = (c.tasks || []).filter((t) => t.role === "owner" && t.status === "refused").map((t) => t.unitName);
    openDialog({
      title: `${label}：${c.origin.externalId}`,
      wide: true,
      body: [
        caseBrief(c),
        h("p", { class: "muted" }, "已退回的单位：", refused.length ? refused.join("、") : "—", "。审定后案件派给所选单位，审定依据和审定人记入流转记录。"),
        picker.node,
        basis.node,
        note.node,
      ],
      submitLabel: `确认${label}`,
      hint: "adjudicate",
      values: () => ({ unitId: picker.value, basis: basis.area.value }),
      submit: async () => {
        const body = { unitId: picker.value, basis: basis.area.value.trim() };
        if (note.area.value.trim()) body.note = note.area.value.trim();
        await call(API.adjudicate, { params: { id: c.id }, body });
        toast(`已审定派单至${unitName(picker.value)}`);
        after();
      },
    });
    picker.focus();
  }

  /** The dialog behind each action meta may offer. */
  const ACTION_DIALOG = { assign: assignDialog, adjudicate: adjudicateDialog, reassign: reassignDialog, returnCase: returnDialog };

  /** The 派单 / 审定派单 / 改派 / 退单 buttons meta allows for this case's status (agents only). */
  function actionButtons(c, after, onError, small) {
    return L.allowedActions(state.vocab, c.status, state.role).map((a) =>
      h(
        "button",
        {
          type: "button",
          class: `btn ${a.action === "returnCase" ? "btn-danger" : "btn-primary"}${small ? " btn-small" : ""}`,
          dataset: { action: a.action },
          onclick: () => Promise.resolve(ACTION_DIALOG[a.action](c, a.label, after)).catch(onError),
        },
        a.label,
      ),
    );
  }

  // ---------------------------------------------------------------- session
  function setSession(key, role, roleLabel) {
    state.key = key;
    state.role = role;
    state.roleLabel = roleLabel || null;
    sessionStorage.setItem(STORE_KEY, key);
    sessionStorage.setItem(STORE_ROLE, role);
    if (roleLabel) sessionStorage.setItem(STORE_ROLE_LABEL, roleLabel);
    else sessionStorage.removeItem(STORE_ROLE_LABEL);
  }

  function logout(message) {
    sessionStorage.removeItem(STORE_KEY);
    sessionStorage.removeItem(STORE_ROLE);
    sessionStorage.removeItem(STORE_ROLE_LABEL);
    state.key = null;
    state.role = null;
    state.roleLabel = null;
    state.units = null;
    state.unitsPromise = null;
    state.vocab = L.vocabulary(null);
    state.metaPromise = null;
    state.metaError = null;
    state.triageCount = null;
    state.flowCases = null;
    state.notice = null;
    setTriageCount(null);
    initFilters();
    stopTimers();
    if (dialog.open) dialog.close();
    $("#login-key").value = "";
    if (location.hash && location.hash !== "#/login") history.replaceState(null, "", "#/login");
    route();
    if (message) showError($("#login-msg"), message);
  }

  function sessionExpired(err) {
    setTimeout(() => logout(new ApiError(401, null, `登录已失效：${err.message}，请重新登录`)), 0);
  }

  /** The key's role from API.me; only agents and engineers use the console. 401/403 explained in Chinese. */
  async function probeRole(key) {
    let me;
    try {
      me = await call(API.me, { key });
    } catch (e) {
      throw explainLogin(e);
    }
    if (me.role === "agent" || me.role === "engineer") return { role: me.role, roleLabel: me.roleLabel || null };
    const err = new Error(`该密钥（${me.roleLabel || me.role}）无权使用控制台：仅坐席、集成工程师的密钥可以登录。`);
    throw err;
  }

  function explainLogin(e) {
    if (!(e instanceof ApiError)) return e;
    if (e.status === 401) e.message = `密钥无效：${e.message}。请核对后重新粘贴。`;
    else if (e.status === 403) e.message = `该密钥无权使用控制台（仅坐席、集成工程师的密钥可以登录）：${e.message}`;
    return e;
  }

  /**
   * The vocabulary, once per login: API.meta. While it cannot be loaded the console
   * shows codes, offers no 派单/改派/退单 and says so; the next navigation tries again.
   */
  function loadMeta() {
    if (!state.metaPromise)
      state.metaPromise = call(API.meta)
        .then((r) => {
          state.vocab = L.vocabulary(r || {});
          state.metaError = null;
          initFilters();
          return state.vocab;
        })
        .catch((e) => {
          state.metaPromise = null;
          state.metaError = e;
          throw e;
        });
    return state.metaPromise;
  }

  $("#login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const key = $("#login-key").value.trim();
    const msg = $("#login-msg");
    hideMsg(msg);
    if (!key) return showInfo(msg, "请粘贴 API 密钥");
    const btn = $("#login-submit");
    btn.disabled = true;
    btn.textContent = "正在验证…";
    try {
      const me = await probeRole(key);
      setSession(key, me.role, me.roleLabel);
      $("#login-key").value = "";
      if (!location.hash || location.hash === "#/login") history.replaceState(null, "", "#/cases");
      await route();
    } catch (err) {
      showError(msg, err);
    } finally {
      btn.disabled = false;
      btn.textContent = "登录";
    }
  });

  $("#logout").addEventListener("click", () => logout());

  // ---------------------------------------------------------------- navigation
  const VIEWS = ["login", "cases", "case", "triage", "flow", "catalogue", "learning", "dryrun"];

  function stopTimers() {
    for (const t of state.timers) clearInterval(t);
    state.timers = [];
  }

  function show(view, tab) {
    stopTimers();
    for (const v of VIEWS) $(`#view-${v}`).hidden = v !== view;
    const loggedIn = !!state.role;
    $("#tabs").hidden = !loggedIn;
    $("#session").hidden = !loggedIn;
    for (const a of document.querySelectorAll("#tabs a[data-engineer]")) a.hidden = state.role !== "engineer";
    if (loggedIn) $("#role-label").textContent = `当前角色：${L.roleName(state.role, state.roleLabel)}`;
    for (const a of document.querySelectorAll("#tabs a")) {
      if (a.dataset.tab === tab) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    // a notice is for the view right after it was set (e.g. why #/flow opened the cases)
    const notice = $("#notice");
    if (loggedIn && state.notice) showInfo(notice, state.notice);
    else hideMsg(notice);
    state.notice = null;
    const metaMsg = $("#meta-msg");
    if (loggedIn && state.metaError)
      showError(metaMsg, new ApiError(state.metaError.status || 0, null, `无法加载状态、办理结果等词表：${state.metaError.message}。暂以代码显示，且不提供派单、改派、退单；切换页面时将重试。`));
    else hideMsg(metaMsg);
    return ++state.seq;
  }

  async function route() {
    if (!state.role) {
      show("login", null);
      document.title = "登录 · 统管控制台";
      $("#login-key").focus();
      return;
    }
    if (!state.vocab.loaded) await loadMeta().catch(() => null);
    if (!state.role) return; // logged out meanwhile
    refreshTriageCount();
    const r = L.routeFor(location.hash, state.role, state.roleLabel);
    if (r.redirect) history.replaceState(null, "", r.redirect);
    if (r.notice) state.notice = r.notice;
    if (r.view === "case") return viewCase(r.id);
    if (r.view === "triage") return viewTriage();
    if (r.view === "flow") return viewFlow();
    if (r.view === "catalogue") return viewCatalogue();
    if (r.view === "learning") return viewLearning();
    if (r.view === "dryrun") return viewDryRun();
    return viewCases();
  }

  window.addEventListener("hashchange", route);

  // ---------------------------------------------------------------- 案件 list
  /** Status and origin filters, from meta (empty until it is loaded). */
  function initFilters() {
    const v = state.vocab;
    const open = L.overdueStatuses(v); // 在办: still with a unit or in triage, the statuses 超期 counts
    clear(
      $("#f-status"),
      h("option", { value: "" }, "全部状态"),
      v.loaded && open.length ? h("option", { value: open.join(",") }, L.openFilterLabel(v, open)) : null,
      L.statusOptions(v).map((s) => h("option", { value: s.value }, s.label)),
    );
    clear(
      $("#f-origin"),
      h("option", { value: "" }, "全部来源"),
      L.originOptions(v).map((s) => h("option", { value: s.value }, s.label)),
    );
    $("#f-status").value = state.list.status;
    $("#f-origin").value = state.list.origin;
  }

  async function fillOwnerFilter() {
    const sel = $("#f-owner");
    if (sel.dataset.filled) return;
    const u = await loadUnits();
    clear(
      sel,
      h("option", { value: "" }, "全部单位"),
      u.groups.map((g) =>
        h(
          "optgroup",
          { label: g.label },
          g.units.map((x) => h("option", { value: x.unitId }, x.unitName)),
        ),
      ),
    );
    sel.dataset.filled = "1";
    sel.value = state.list.owner;
  }

  function writeFilters() {
    const l = state.list;
    $("#f-status").value = l.status;
    $("#f-owner").value = l.owner;
    $("#f-origin").value = l.origin;
    $("#f-from").value = l.from;
    $("#f-to").value = l.to;
    $("#f-overdue").checked = l.overdue;
    $("#p-size").value = String(l.pageSize);
  }

  function readFilters() {
    const l = state.list;
    l.status = $("#f-status").value;
    l.owner = $("#f-owner").value;
    l.origin = $("#f-origin").value;
    l.from = $("#f-from").value;
    l.to = $("#f-to").value;
    l.overdue = $("#f-overdue").checked;
  }

  $("#cases-filter").addEventListener("submit", (e) => {
    e.preventDefault();
    readFilters();
    state.list.page = 1;
    loadCases();
  });
  $("#f-reset").addEventListener("click", () => {
    Object.assign(state.list, { status: "", owner: "", origin: "", from: "", to: "", overdue: false, page: 1 });
    writeFilters();
    loadCases();
  });
  $("#p-prev").addEventListener("click", () => {
    if (state.list.page > 1) {
      state.list.page--;
      loadCases();
    }
  });
  $("#p-next").addEventListener("click", () => {
    state.list.page++;
    loadCases();
  });
  $("#p-size").addEventListener("change", () => {
    state.list.pageSize = Number($("#p-size").value) || 20;
    state.list.page = 1;
    loadCases();
  });

  function viewCases() {
    show("cases", "cases");
    document.title = "案件 · 统管控制台";
    writeFilters();
    fillOwnerFilter().catch((e) => showError($("#cases-msg"), e));
    loadCases();
  }

  const caseHref = (id) => `#/cases/${encodeURIComponent(id)}`;

  async function loadCases() {
    const seq = state.seq;
    const token = (state.listToken = {}); // only the latest query may fill the table
    const l = state.list;
    const msg = $("#cases-msg");
    const tbody = $("#cases-table tbody");
    if (l.from && l.to && l.from > l.to) return showInfo(msg, "受理时间起不能晚于受理时间止");
    hideMsg(msg);
    tbody.classList.add("loading");
    try {
      const r = await call(API.cases, {
        query: {
          status: l.status,
          owner: l.owner,
          origin: l.origin,
          from: l.from ? `${l.from}T00:00:00+08:00` : "",
          to: l.to ? `${l.to}T23:59:59.999+08:00` : "",
          overdue: l.overdue ? "true" : "",
          page: l.page,
          pageSize: l.pageSize,
        },
      });
      if (seq !== state.seq || token !== state.listToken) return;
      const pages = Math.max(1, Math.ceil(r.total / r.pageSize));
      if (r.page > pages && r.total > 0) {
        l.page = pages;
        return loadCases();
      }
      const rows = r.items.map((c) => {
        const over = isOverdue(c);
        const tr = h(
          "tr",
          {
            class: over ? "clickable overdue" : "clickable",
            onclick: (e) => {
              if (!(e.target instanceof HTMLAnchorElement)) location.hash = caseHref(c.id);
            },
          },
          h("td", { class: "nowrap" }, h("a", { href: caseHref(c.id), title: `案件编号 ${c.id}` }, c.origin.externalId), h("div", { class: "sub" }, systemName(c.origin.system))),
          h("td", { class: "title-cell" }, c.title),
          h("td", { class: "nowrap" }, c.appealType),
          h("td", null, c.owner ? c.owner.unitName : c.status === "TRIAGE" ? h("span", { class: "muted" }, "待分拨") : dash),
          h("td", { class: "nowrap" }, statusBadge(c.status, c.statusLabel)),
          h("td", { class: "nowrap" }, fmt(c.receivedAt)),
          h("td", { class: "nowrap" }, fmt(c.handleDeadline), over ? [" ", badge("超期", "overdue-badge")] : null),
        );
        return tr;
      });
      fillBody(tbody, rows, 7, l.overdue ? "没有超期案件" : "没有符合条件的案件");
      $("#p-info").textContent = `共 ${r.total} 条 · 第 ${r.page} / ${pages} 页`;
      $("#p-prev").disabled = r.page <= 1;
      $("#p-next").disabled = r.page >= pages;
      $("#cases-summary").textContent = `共 ${r.total} 件`;
    } catch (e) {
      if (seq === state.seq && token === state.listToken) showError(msg, e);
    } finally {
      if (token === state.listToken) tbody.classList.remove("loading");
    }
  }

  // ---------------------------------------------------------------- 案件详情
  function viewCase(id) {
    const seq = show("case", "cases");
    document.title = "案件详情 · 统管控制台";
    const body = $("#case-body");
    const msg = $("#case-msg");
    hideMsg(msg);
    clear(body, h("p", { class: "muted" }, "正在加载…"));
    Promise.all([call(API.caseGet, { params: { id } }), loadUnits().catch(() => null)])
      .then(([c]) => {
        if (seq !== state.seq) return;
        document.title = `${c.origin.externalId} · 统管控制台`;
        clear(body, renderCase(c));
      })
      .catch((e) => {
        if (seq !== state.seq) return;
        clear(body);
        showError(msg, e);
      });
  }

  function actorLabel(a) {
    if (!a) return dash;
    const kind = ACTOR_KIND[a.kind] || a.kind;
    let who = a.id || "";
    if (a.kind === "system") who = systemName(who);
    else if (a.kind === "unit") who = unitName(who);
    else if (a.kind === "agent") who = L.roleName(who);
    else if (a.kind === "hub") who = HUB_ACTOR[who] || who;
    return !who || who === kind ? kind : `${kind} · ${who}`;
  }

  function outboundTarget(o) {
    const sys = systemName(o.system);
    return o.target ? `${sys} · ${unitName(o.target)}` : sys;
  }

  function renderCase(c) {
    const reload = () => viewCase(c.id);
    const over = isOverdue(c);
    const actions = actionButtons(c, reload, (e) => showError($("#case-msg"), e));

    const head = h(
      "div",
      { class: "panel case-head" },
      h(
        "div",
        { class: "case-title" },
        h("h1", null, c.title),
        h(
          "div",
          { class: "case-meta" },
          statusBadge(c.status, c.statusLabel),
          over ? badge("超期", "overdue-badge") : null,
          h("span", null, "工单编号 ", h("strong", null, c.origin.externalId)),
          h("span", { class: "muted" }, "案件编号 ", c.id),
        ),
      ),
      actions.length ? h("div", { class: "case-actions" }, actions) : null,
    );

    const loc = c.location || {};
    const rep = c.reporter || {};
    const routing = c.routing || null;
    const cat = c.category || {};

    const basic = section(
      "基本信息",
      dl([
        ["来源系统", systemName(c.origin.system)],
        ["工单编号", c.origin.externalId],
        ["受理渠道", c.origin.channel],
        ["诉求类型", c.appealType],
        ["诉求分类", h("span", null, (cat.path || []).join(" / ") || dash, cat.code ? h("code", { class: "code" }, cat.code) : h("span", { class: "muted" }, "（不在本市分类目录中）"))],
        ["紧急程度", c.urgency ? badge(c.urgency, c.urgency === "紧急" ? "urg-high" : c.urgency === "较急" ? "urg-mid" : "urg-low") : dash],
        ["受理时间", fmt(c.receivedAt, true)],
        ["签收时限", fmt(c.signDeadline, true)],
        ["办理时限", h("span", null, fmt(c.handleDeadline, true), over ? [" ", badge("超期", "overdue-badge")] : null)],
        ["状态", statusBadge(c.status, c.statusLabel)],
      ]),
    );

    const appeal = section(
      "诉求内容",
      dl([
        ["标题", c.title, { wide: true }],
        ["诉求内容", h("div", { class: "prose" }, val(c.content)), { wide: true }],
      ]),
    );

    const place = section(
      "事发地点与来电人",
      dl([
        ["事发地址", loc.address, { wide: true }],
        ["区县", loc.district || loc.districtCode ? h("span", null, val(loc.district), loc.districtCode ? h("code", { class: "code" }, loc.districtCode) : null) : dash],
        ["街道", loc.street],
        ["社区", loc.community],
        ["网格编码", loc.gridCode ? h("code", null, loc.gridCode) : dash],
        ["来电人", rep.confidential ? badge("保密", "secret") : val(rep.name)],
        ["联系电话", rep.confidential ? h("span", { class: "muted" }, "保密（身份信息不转交承办单位）") : val(rep.phone)],
      ]),
    );

    const handling = section(
      "派单与办理",
      dl([
        ["承办单位", c.owner ? h("span", null, c.owner.unitName, h("code", { class: "code" }, c.owner.unitId)) : c.status === "TRIAGE" ? statusName("TRIAGE") : dash],
        ["协办单位", c.coUnits && c.coUnits.length ? c.coUnits.map((u) => u.unitName).join("、") : dash],
        ["派单依据", routing ? h("div", { class: "prose" }, val(routing.reason)) : dash, { wide: true }],
        ["派单方式", routing ? DECIDED_BY[routing.decidedBy] || routing.decidedBy : dash],
        ["派单规则", routing && routing.ruleId ? h("span", null, h("code", null, routing.ruleId), routing.ruleName ? ` ${routing.ruleName}` : "") : dash],
        ["派单原则", routing && routing.principle ? badge(routing.principle, "principle") : dash],
        ["派单时间", routing ? fmt(routing.decidedAt, true) : dash],
        routing && routing.excluded && routing.excluded.length ? ["已排除单位", routing.excluded.map(unitName).join("、"), { wide: true }] : [null],
        ["办理结果", L.outcomeText(state.vocab, c.outcome) || dash],
        ["满意度", L.satisfactionText(state.vocab, c.satisfaction) || dash],
        ["答复内容", h("div", { class: "prose" }, val(c.replyText)), { wide: true }],
        ["重办次数", String(c.reworkCount ?? 0)],
        ["催办次数", String(c.urgeCount ?? 0)],
      ]),
    );

    const timeline = section(
      "流转记录",
      table(
        ["时间", "事件", "操作方", "说明"],
        (c.timeline || []).map((e) =>
          h(
            "tr",
            { class: e.type === "OUTBOUND_FAILED" ? "bad" : null },
            h("td", { class: "nowrap" }, fmt(e.at, true)),
            h("td", { class: "nowrap" }, badge(L.eventLabel(state.vocab, e.type), `ev ev-${String(e.type).toLowerCase()}`)),
            h("td", { class: "actor-cell" }, actorLabel(e.actor)),
            h("td", null, e.summary, e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus ? h("div", { class: "sub" }, `状态：${statusName(e.fromStatus)} → ${statusName(e.toStatus)}`) : null),
          ),
        ),
        "暂无流转记录",
      ),
    );

    const tasks = section(
      "任务",
      table(
        ["单位", "承办/协办", "轮次", "状态", "派发时间", "更新时间"],
        (c.tasks || []).map((t) =>
          h(
            "tr",
            null,
            h("td", null, t.unitName || unitName(t.unitId), h("div", { class: "sub" }, t.unitId)),
            h("td", { class: "nowrap" }, TASK_ROLE[t.role] || t.role),
            h("td", { class: "nowrap" }, t.round ? `重办第 ${t.round} 轮` : "首办"),
            h("td", { class: "nowrap" }, badge(TASK_STATUS[t.status] || t.status, `task-${t.status}`)),
            h("td", { class: "nowrap" }, fmt(t.createdAt, true)),
            h("td", { class: "nowrap" }, fmt(t.updatedAt, true)),
          ),
        ),
        "暂无任务",
      ),
    );

    const engineer = state.role === "engineer";
    const outbound = section(
      "外发消息",
      table(
        ["系统", "类型", "状态", "尝试次数", "最后错误", "创建时间", "送达时间"].concat(engineer ? ["操作"] : []),
        (c.outbound || []).map((o) =>
          h(
            "tr",
            { class: o.status === "dead" ? "bad" : null },
            h("td", null, outboundTarget(o)),
            h("td", { class: "nowrap" }, commandName(o.kind)),
            h("td", { class: "nowrap" }, badge(OUTBOX_STATUS[o.status] || o.status, `ob-${o.status}`)),
            h("td", { class: "num" }, String(o.attempts ?? 0)),
            h("td", { class: "err-cell" }, val(o.lastError)),
            h("td", { class: "nowrap" }, fmt(o.createdAt, true)),
            h("td", { class: "nowrap" }, fmt(o.sentAt, true)),
            engineer ? h("td", null, o.status === "dead" || o.status === "pending" ? retryButton(o.id, reload) : null) : null,
          ),
        ),
        "暂无外发消息",
      ),
    );

    const proposals =
      routing && L.proposalRows(routing, "proposals").length && c.status === "TRIAGE"
        ? section(
            "派单建议",
            h("p", { class: "muted small" }, "枢纽按诉求内容给出的承办单位，置信度高者在前。点“派至此单位”即派单，并记为派单学习样例。"),
            proposalTable(c, "proposals", { after: reload, onError: (e) => showError($("#case-msg"), e) }),
          )
        : null;
    const alternatives =
      routing && L.proposalRows(routing, "alternatives").length
        ? section("其他可选单位", h("p", { class: "muted small" }, "按诉求内容，以下单位也可能承办本案件（供改派参考）。"), proposalTable(c, "alternatives"))
        : null;

    return [head, proposals, h("div", { class: "case-grid" }, basic, place), appeal, handling, alternatives, timeline, tasks, outbound];
  }

  function section(title, ...content) {
    return h("section", { class: "panel" }, h("h2", null, title), content);
  }

  function retryButton(id, after) {
    return h(
      "button",
      {
        type: "button",
        class: "btn btn-small",
        onclick: async (e) => {
          const b = e.currentTarget;
          b.disabled = true;
          try {
            await call(API.outboxRetry, { params: { id } });
            toast(`消息 ${id} 已重新排队发送`);
            after();
          } catch (err) {
            b.disabled = false;
            toastError(err);
          }
        },
      },
      "重发",
    );
  }

  function toastError(err) {
    const m = err instanceof ApiError ? `${err.message}${err.errors.length ? `：${err.errors.map((x) => x.message).join("；")}` : ""}` : String(err);
    toast(`操作失败：${m}`);
  }

  // ---------------------------------------------------------------- 待分拨
  $("#triage-refresh").addEventListener("click", () => loadTriage());

  function viewTriage() {
    show("triage", "triage");
    document.title = "待分拨 · 统管控制台";
    loadTriage();
    state.timers.push(setInterval(tickCountdowns, 1000));
  }

  function countdownText(returnAt) {
    const d = parseTime(returnAt);
    if (!d) return dash;
    const left = d.getTime() - Date.now();
    if (left <= 0) return `已到退单时限（${fmt(returnAt)}），等待自动退单`;
    return `将于 ${fmt(returnAt)} 自动退单（剩余 ${duration(left)}）`;
  }

  function tickCountdowns() {
    for (const el of document.querySelectorAll("#triage-table [data-return-at]")) {
      el.textContent = countdownText(el.dataset.returnAt);
      const left = parseTime(el.dataset.returnAt).getTime() - Date.now();
      el.classList.toggle("soon", left < 15 * 60_000);
    }
  }

  async function loadTriage() {
    const seq = state.seq;
    const msg = $("#triage-msg");
    hideMsg(msg);
    try {
      const r = await call(API.triage);
      if (seq !== state.seq) return;
      const rows = r.items.flatMap((c) => [
        h(
          "tr",
          { class: "triage-case" },
          h("td", { class: "nowrap" }, h("a", { href: caseHref(c.id), title: `案件编号 ${c.id}` }, c.origin.externalId), h("div", { class: "sub" }, systemName(c.origin.system))),
          h("td", { class: "title-cell" }, c.title, h("div", { class: "sub" }, `${c.appealType} · ${c.urgency}`)),
          h("td", null, (c.category && c.category.path ? c.category.path.join(" / ") : "") || dash),
          h("td", null, val(c.location && c.location.address)),
          h("td", { class: "nowrap" }, fmt(c.triageSince)),
          h("td", null, c.returnAt ? h("span", { class: "countdown", dataset: { returnAt: c.returnAt } }, countdownText(c.returnAt)) : dash),
          h(
            "td",
            { class: "nowrap" },
            actionButtons(c, loadTriage, (e) => showError(msg, e), true).filter((b) => b.dataset.action === "assign"),
            " ",
            h("a", { href: caseHref(c.id), class: "btn btn-small" }, "详情"),
          ),
        ),
        h(
          "tr",
          { class: "proposals-row" },
          h(
            "td",
            { colspan: 7 },
            proposalTable(c, "proposals", { compact: true, title: "派单建议", after: loadTriage, onError: (e) => showError(msg, e) }) ||
              h("span", { class: "muted small" }, "枢纽未能从诉求内容给出派单建议，请人工派单。"),
          ),
        ),
      ]);
      fillBody($("#triage-table tbody"), rows, 7, "暂无待分拨案件");
      tickCountdowns();
      $("#triage-summary").textContent = `共 ${r.total} 件`;
      setTriageCount(L.triageCount(r));
    } catch (e) {
      if (seq === state.seq) showError(msg, e);
    }
  }

  /** The 待分拨 figure, read again on every navigation (and with every 流转健康 refresh). */
  function refreshTriageCount() {
    call(API.triage).then(
      (r) => setTriageCount(L.triageCount(r)),
      () => null,
    );
  }

  /** One figure for the tab badge and 流转健康's 案件状态 card (logic.triageCount). */
  function setTriageCount(n) {
    state.triageCount = typeof n === "number" ? n : null;
    const a = $('#tabs a[data-tab="triage"]');
    clear(a, "待分拨", state.triageCount ? h("span", { class: "count", dataset: { count: String(state.triageCount) } }, String(state.triageCount)) : null);
    fillStatusCard();
  }

  // ---------------------------------------------------------------- 流转健康 (engineers)
  $("#flow-refresh").addEventListener("click", () => loadFlow());

  function viewFlow() {
    show("flow", "flow");
    document.title = "流转健康 · 统管控制台";
    loadFlow();
    state.timers.push(
      setInterval(() => {
        if (!document.hidden) loadFlow();
      }, FLOW_REFRESH_MS),
    );
  }

  function card(title, body, cls) {
    return h("div", { class: `card ${cls || ""}` }, h("h3", null, title), body);
  }

  function unavailable(part) {
    return part && typeof part === "object" && "unavailable" in part ? h("p", { class: "msg error" }, "暂不可用：", String(part.unavailable)) : null;
  }

  function filterCasesLink(text, patch) {
    return h(
      "a",
      {
        href: "#/cases",
        onclick: () => {
          Object.assign(state.list, { status: "", owner: "", origin: "", from: "", to: "", overdue: false, page: 1 }, patch);
        },
      },
      text,
    );
  }

  /** 流转健康's 案件状态 card: meta's statuses, the flow's counts, the one triage figure. */
  function fillStatusCard() {
    const t = document.getElementById("flow-status-card");
    if (!t || !state.flowCases) return;
    const { rows, total } = L.flowStatusRows(state.vocab, state.flowCases, state.triageCount);
    clear(
      t.tBodies[0],
      rows.map((r) => h("tr", { dataset: { status: r.value } }, h("th", null, filterCasesLink(r.label, { status: r.value })), h("td", { class: "num" }, r.count === null ? dash : String(r.count)))),
      h("tr", { class: "total" }, h("th", null, "合计"), h("td", { class: "num" }, String(total))),
    );
  }

  function renderFlowCards(f) {
    const cards = [];
    // cases by status (TRIAGE from the triage queue, like the tab badge)
    const cs = f.cases || {};
    state.flowCases = unavailable(cs) ? null : cs;
    const caseCard = unavailable(cs) || h("table", { class: "kv", id: "flow-status-card" }, h("tbody"));
    cards.push(card("案件状态", caseCard));

    const overdue = f.overdue;
    cards.push(
      card(
        "超期案件",
        h(
          "div",
          null,
          h("div", { class: overdue ? "big bad-text" : "big" }, overdue === null || overdue === undefined ? dash : String(overdue)),
          h("p", { class: "muted small" }, `超过办理时限仍未回复（${L.overdueStatuses(state.vocab).map(statusName).join("、")}）`),
          overdue ? filterCasesLink("查看超期案件 ›", { overdue: true }) : null,
        ),
        overdue ? "alert" : "",
      ),
    );

    // outbox
    const ob = f.outbox || {};
    let obBody = unavailable(ob);
    if (!obBody) {
      const unsentAges = ["pending", "inflight"].map((s) => ob[s] && ob[s].oldestAgeSeconds).filter((x) => typeof x === "number");
      const oldest = unsentAges.length ? Math.max(...unsentAges) : null;
      obBody = h(
        "div",
        null,
        h(
          "table",
          { class: "kv" },
          h(
            "tbody",
            null,
            ["pending", "inflight", "dead", "sent"].map((s) =>
              h(
                "tr",
                { class: s === "dead" && ob[s] && ob[s].count ? "bad" : null },
                h("th", null, OUTBOX_STATUS[s]),
                h("td", { class: "num" }, String((ob[s] && ob[s].count) || 0)),
                h("td", { class: "muted small" }, ob[s] && typeof ob[s].oldestAgeSeconds === "number" && s !== "sent" ? `最早 ${duration(ob[s].oldestAgeSeconds * 1000)}前` : ""),
              ),
            ),
          ),
        ),
        h("p", { class: oldest !== null && oldest > 300 ? "small bad-text" : "muted small" }, oldest === null ? "没有积压的待发消息" : `最早未发送的消息已等待 ${duration(oldest * 1000)}`),
      );
    }
    cards.push(card("外发消息", obBody, ob.dead && ob.dead.count ? "alert" : ""));

    // inbound
    const ib = f.inbound || {};
    let ibBody = unavailable(ib);
    if (!ibBody) {
      const hour = ib.lastHour || {};
      const day = ib.lastDay || {};
      ibBody = h(
        "div",
        null,
        h(
          "table",
          { class: "kv" },
          h("thead", null, h("tr", null, h("th", null, ""), h("th", { class: "num" }, "近 1 小时"), h("th", { class: "num" }, "近 24 小时"))),
          h(
            "tbody",
            null,
            Object.keys(INBOUND_OUTCOME).map((k) =>
              h(
                "tr",
                { class: (k === "rejected" || k === "error") && hour[k] ? "bad" : null },
                h("th", null, INBOUND_OUTCOME[k]),
                h("td", { class: "num" }, String(hour[k] || 0)),
                h("td", { class: "num" }, String(day[k] || 0)),
              ),
            ),
          ),
        ),
        h("p", { class: "muted small" }, "最近收到：", ib.lastReceivedAt ? fmt(ib.lastReceivedAt, true) : "暂无"),
      );
    }
    cards.push(card("入站报文", ibBody));
    clear($("#flow-cards"), cards);
    fillStatusCard();

    // breakers
    const br = f.breakers || {};
    const tbody = $("#breakers-table tbody");
    if (br.unavailable) fillBody(tbody, [], 7, `暂不可用：${br.unavailable}`);
    else {
      const rows = (br.items || []).map((b) => {
        const [sys, target] = String(b.name).split(":");
        const label = target ? `${systemName(sys)} · ${unitName(target)}` : systemName(sys);
        return h(
          "tr",
          { class: b.state === "open" ? "bad" : null },
          h("td", null, label, h("div", { class: "sub" }, b.name)),
          h("td", { class: "err-cell" }, val(b.baseUrl)),
          h("td", { class: "nowrap" }, badge(BREAKER_STATE[b.state] || b.state, `br-${b.state}`)),
          h("td", { class: "num" }, String(b.successes ?? 0)),
          h("td", { class: "num" }, String(b.failures ?? 0)),
          h("td", { class: "num" }, String(b.rejects ?? 0)),
          h("td", { class: "num" }, String(b.timeouts ?? 0)),
        );
      });
      fillBody(tbody, rows, 7, "本节点尚未调用外部接口");
    }
    $("#breakers-table").dataset.node = br.node || "";
  }

  function renderDead(items) {
    const rows = items.map((o) =>
      h(
        "tr",
        { class: "bad" },
        h("td", { class: "nowrap" }, h("code", null, o.id)),
        h(
          "td",
          { class: "nowrap" },
          o.subject && o.subject.type === "case" ? h("a", { href: caseHref(o.subject.id) }, o.subject.id) : h("code", null, o.subject ? `${o.subject.type} ${o.subject.id}` : "—"),
        ),
        h("td", null, outboundTarget(o)),
        h("td", { class: "nowrap" }, commandName(o.kind)),
        h("td", { class: "num" }, String(o.attempts ?? 0)),
        h("td", { class: "err-cell" }, val(o.lastError)),
        h("td", { class: "nowrap" }, fmt(o.createdAt, true)),
        h("td", null, retryButton(o.id, loadFlow)),
      ),
    );
    fillBody($("#dead-table tbody"), rows, 8, "没有发送失败的消息");
  }

  function renderRejected(items) {
    const rows = items.map((m) =>
      h(
        "tr",
        null,
        h("td", { class: "nowrap" }, fmt(m.receivedAt, true)),
        h("td", { class: "nowrap" }, systemName(m.system), m.role ? h("div", { class: "sub" }, `密钥角色 ${m.role}`) : null),
        h("td", null, INBOUND_KIND[m.kind] || m.kind),
        h("td", { class: "err-cell" }, `${m.method} ${m.path}`),
        h("td", { class: "nowrap" }, String(m.httpStatus), m.errorCode ? h("div", { class: "sub" }, m.errorCode) : null),
        h("td", { class: "err-cell refused-reason" }, L.refusedReason(m)),
        h("td", null, h("button", { type: "button", class: "btn btn-small", onclick: () => rawDialog(m.id) }, "查看原文")),
      ),
    );
    fillBody($("#rejected-table tbody"), rows, 7, "最近没有拒收的报文");
  }

  async function loadFlow() {
    const seq = state.seq;
    const msg = $("#flow-msg");
    loadUnits().catch(() => null);
    const [flow, dead, rejected, triage] = await Promise.allSettled([
      call(API.flow),
      call(API.outbox, { query: { status: "dead" } }),
      call(API.inbound, { query: { outcome: "rejected", limit: 20 } }),
      call(API.triage),
    ]);
    if (seq !== state.seq) return;
    const failed = [flow, dead, rejected, triage].find((x) => x.status === "rejected");
    if (failed) showError(msg, failed.reason);
    else hideMsg(msg);
    setTriageCount(triage.status === "fulfilled" ? L.triageCount(triage.value) : null);
    if (flow.status === "fulfilled") renderFlowCards(flow.value || {});
    if (dead.status === "fulfilled") renderDead((dead.value && dead.value.items) || []);
    if (rejected.status === "fulfilled") renderRejected((rejected.value && rejected.value.items) || []);
    const at = flow.status === "fulfilled" && flow.value && flow.value.at ? flow.value.at : new Date().toISOString();
    $("#flow-updated").textContent = `每 10 秒自动刷新 · 上次刷新 ${fmt(at, true).slice(11)}`;
  }

  async function rawDialog(id) {
    let m;
    try {
      m = await call(API.inboundGet, { params: { id } });
    } catch (e) {
      return toastError(e);
    }
    const raw = m.body === null || m.body === undefined ? "" : String(m.body);
    const pre = h("pre", { class: "raw" }, raw || "（空报文）");
    let pretty = null;
    try {
      pretty = raw ? JSON.stringify(JSON.parse(raw), null, 2) : null;
    } catch {
      pretty = null;
    }
    let showingPretty = false;
    const toggle = !raw
      ? null
      : pretty
        ? h(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              onclick: (e) => {
                showingPretty = !showingPretty;
                pre.textContent = showingPretty ? pretty : raw;
                e.currentTarget.textContent = showingPretty ? "显示原文" : "格式化 JSON";
              },
            },
            "格式化 JSON",
          )
        : h("span", { class: "muted small" }, "（不是合法的 JSON，按原样显示）");
    const errs = Array.isArray(m.errors) ? m.errors : [];
    openDialog({
      title: `入站报文 ${m.id}`,
      wide: true,
      body: [
        dl([
          ["接收时间", fmt(m.receivedAt, true)],
          ["来源系统", `${systemName(m.system)}（${m.system}）`],
          ["报文类型", INBOUND_KIND[m.kind] || m.kind],
          ["密钥角色", m.role],
          ["请求", `${m.method} ${m.path}`, { wide: true }],
          ["内容类型", m.contentType],
          ["大小", `${m.bodyBytes ?? 0} 字节${m.truncated ? "（原文过长，仅保留前一部分）" : ""}`],
          ["处理结果", `${INBOUND_OUTCOME[m.outcome] || m.outcome} · HTTP ${m.httpStatus}${m.errorCode ? ` · ${L.errorCodeText(m.errorCode)}（${m.errorCode}）` : ""}`],
          ["关联案件", m.caseId ? h("a", { href: caseHref(m.caseId), onclick: () => dialog.close() }, m.caseId) : dash],
        ]),
        errs.length
          ? h(
              "div",
              null,
              h("h3", null, "校验错误"),
              h(
                "ul",
                { class: "field-errors" },
                errs.map((x) => h("li", null, L.fieldErrorText(x) || JSON.stringify(x))),
              ),
            )
          : null,
        h("h3", null, "请求头"),
        h("pre", { class: "raw small" }, JSON.stringify(m.headers || {}, null, 2)),
        h("div", { class: "raw-head" }, h("h3", null, "报文原文"), toggle),
        pre,
      ],
    });
  }

  // ---------------------------------------------------------------- cities (from the units)
  /** The cities the hub serves, from API.units: [{ cityCode, cityName }] and a code → name map. */
  async function loadCitiesList() {
    const u = await loadUnits();
    const names = {};
    for (const x of u.items) if (x.cityCode && !names[x.cityCode]) names[x.cityCode] = x.cityName || x.cityCode;
    return { names, items: Object.entries(names).map(([cityCode, cityName]) => ({ cityCode, cityName })) };
  }

  function fillCitySelect(sel, cities) {
    const keep = sel.value;
    clear(
      sel,
      h("option", { value: "" }, "全部城市"),
      cities.items.map((c) => h("option", { value: c.cityCode }, `${c.cityName}（${c.cityCode}）`)),
    );
    sel.value = keep;
  }

  // ---------------------------------------------------------------- 试运行报告 (shared)
  /** A dry-run report: counts, by unit (+gains / -losses), by rule (before → after), transitions and the changed cases. */
  function renderReport(report) {
    const v = L.reportView(report);
    const figures = h(
      "div",
      { class: "report-counts" },
      v.counts.map((c) =>
        h(
          "div",
          { class: `figure ${c.value && (c.key === "changedOwner" || c.key === "toTriage") ? "alert" : ""}`, dataset: { count: c.key } },
          h("div", { class: "big" }, String(c.value)),
          h("div", { class: "muted small" }, c.label),
        ),
      ),
    );
    const units = table(
      ["承办单位", "增加", "减少", "净变化"],
      v.byUnit.map((u) =>
        h(
          "tr",
          null,
          h("td", null, u.unitName, h("div", { class: "sub" }, u.unitId)),
          h("td", { class: "num gain" }, u.gains),
          h("td", { class: "num loss" }, u.losses),
          h("td", { class: "num" }, u.net > 0 ? `+${u.net}` : String(u.net)),
        ),
      ),
      "没有单位的案件数变化",
    );
    const rules = table(
      ["派单规则", "现行 → 候选（件）"],
      v.byRule.map((r) => h("tr", null, h("td", null, h("code", null, r.ruleId)), h("td", { class: "num" }, r.text))),
      "没有规则的案件数变化",
    );
    const moves = table(
      ["从", "到", "件数"],
      v.transitions.map((t) => h("tr", null, h("td", null, t.from), h("td", null, t.to), h("td", { class: "num" }, String(t.count)))),
      "没有案件换规则",
    );
    const changes = table(
      ["案件", "受理时间", "状态", "诉求分类", "变化", "现行规则", "候选规则"],
      v.changes.map((x) =>
        h(
          "tr",
          { dataset: { kind: x.kind } },
          h("td", { class: "nowrap" }, h("a", { href: caseHref(x.id) }, x.id)),
          h("td", { class: "nowrap" }, fmt(x.receivedAt)),
          h("td", { class: "nowrap" }, x.status ? statusBadge(x.status) : dash),
          h("td", null, x.path || dash),
          h("td", { class: "nowrap" }, badge(x.kindLabel, `chg chg-${x.kind}`)),
          h("td", null, x.before, x.beforeReason ? h("div", { class: "sub" }, x.beforeReason) : null),
          h("td", null, x.after, x.afterReason ? h("div", { class: "sub" }, x.afterReason) : null),
        ),
      ),
      "没有派单会变化的案件",
    );
    const persons = (report && Array.isArray(report.decidedByPerson) ? report.decidedByPerson : []).map((p) =>
      h(
        "tr",
        { class: p.agrees ? null : "bad" },
        h("td", { class: "nowrap" }, h("a", { href: caseHref(p.id) }, p.id)),
        h("td", null, val(p.ownerUnitName || p.ownerUnitId)),
        h("td", null, L.sideText(p.rulesWouldSay)),
        h("td", { class: "nowrap" }, p.agrees ? "一致" : "不一致"),
      ),
    );
    return h(
      "div",
      { class: "report" },
      h("p", { class: "report-headline" }, h("strong", null, v.headline), h("span", { class: "muted small" }, " · 试运行不写入任何数据")),
      figures,
      h("div", { class: "report-grid" }, h("div", null, h("h3", null, "按承办单位"), units), h("div", null, h("h3", null, "按派单规则"), rules), h("div", null, h("h3", null, "规则间流转"), moves)),
      h("h3", null, `派单会变化的案件（${v.changes.length}）`),
      changes,
      persons.length ? [h("h3", null, `人工决定的案件（${persons.length}）`), table(["案件", "人工决定的单位", "候选规则会派", "是否一致"], persons)] : null,
    );
  }

  /** Saves `content` as a JSON file named after the last part of `file`. */
  function downloadJson(file, content) {
    const blob = new Blob([L.fileText(content)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: L.downloadName(file), hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  // ---------------------------------------------------------------- 派单目录 (agents and engineers)
  const catalogueState = { city: "", q: "", dispatchable: false, answer: null, names: {} };

  function viewCatalogue() {
    const seq = show("catalogue", "catalogue");
    document.title = "派单目录 · 统管控制台";
    const msg = $("#catalogue-msg");
    hideMsg(msg);
    $("#catalogue-q").value = catalogueState.q;
    $("#catalogue-dispatchable").checked = catalogueState.dispatchable;
    loadCitiesList()
      .then((cities) => {
        catalogueState.names = cities.names;
        fillCitySelect($("#catalogue-city"), cities);
        $("#catalogue-city").value = catalogueState.city;
      })
      .catch(() => null)
      .then(() => loadCatalogue(seq));
  }

  async function loadCatalogue(seq = state.seq) {
    const msg = $("#catalogue-msg");
    const body = $("#catalogue-body");
    clear(body, h("p", { class: "muted" }, "正在加载…"));
    try {
      const r = await call(API.catalogue, { query: { city: catalogueState.city } });
      if (seq !== state.seq) return;
      catalogueState.answer = r;
      hideMsg(msg);
      renderCatalogue();
    } catch (e) {
      if (seq !== state.seq) return;
      clear(body);
      showError(msg, e);
    }
  }

  function renderCatalogue() {
    const a = catalogueState.answer || { items: [] };
    const source = catalogueState.dispatchable ? { items: (a.items || []).filter((x) => x.dispatchable) } : a;
    const v = L.catalogueView(source, catalogueState.q, catalogueState.names);
    $("#catalogue-summary").textContent = catalogueState.q || catalogueState.dispatchable ? `显示 ${v.shown} / ${(a.items || []).length} 项` : `共 ${v.total} 项`;
    clear(
      $("#catalogue-body"),
      v.groups.length
        ? v.groups.map((g) =>
            section(
              `${g.cityName}（${g.items.length} 项）`,
              table(
                ["事项", "职责依据", "关键词", "承办链（派单规则）"],
                g.items.map((e) =>
                  h(
                    "tr",
                    { class: e.dispatchable ? "cat-item" : "cat-item cat-node", dataset: { code: e.code } },
                    h(
                      "td",
                      { class: "cat-path" },
                      h("strong", null, e.path || dash),
                      h("code", { class: "code" }, e.code),
                      e.dispatchable ? null : h("span", { class: "tag" }, "上级分类"),
                      e.triage ? h("span", { class: "tag" }, "转人工分拨") : null,
                      e.description ? h("div", { class: "sub" }, e.description) : null,
                    ),
                    h("td", null, e.basis || h("span", { class: "muted" }, "未写明")),
                    h(
                      "td",
                      null,
                      e.keywords.length
                        ? h(
                            "div",
                            { class: "keywords" },
                            e.keywords.map((k) => h("span", { class: "tag" }, k)),
                          )
                        : dash,
                    ),
                    h(
                      "td",
                      null,
                      e.owners.length
                        ? h(
                            "ul",
                            { class: "owners" },
                            e.owners.map((o) => h("li", { title: o.why }, h("code", null, o.ruleId), " ", o.text, o.why ? h("div", { class: "sub" }, o.why) : null)),
                          )
                        : h("span", { class: "muted" }, "无规则承办（转人工分拨）"),
                    ),
                  ),
                ),
              ),
            ),
          )
        : h("p", { class: "panel muted" }, catalogueState.q ? `没有与“${catalogueState.q}”匹配的事项` : "派单目录为空"),
    );
  }

  $("#catalogue-filter").addEventListener("submit", (e) => e.preventDefault());
  $("#catalogue-q").addEventListener("input", () => {
    catalogueState.q = $("#catalogue-q").value;
    renderCatalogue();
  });
  $("#catalogue-dispatchable").addEventListener("change", () => {
    catalogueState.dispatchable = $("#catalogue-dispatchable").checked;
    renderCatalogue();
  });
  $("#catalogue-city").addEventListener("change", () => {
    catalogueState.city = $("#catalogue-city").value;
    loadCatalogue();
  });

  // ---------------------------------------------------------------- 派单学习 (engineers)
  $("#learning-refresh").addEventListener("click", () => loadLearning());
  $("#learning-city").addEventListener("change", () => loadLearning());

  function viewLearning() {
    show("learning", "learning");
    document.title = "派单学习 · 统管控制台";
    loadCitiesList()
      .then((cities) => fillCitySelect($("#learning-city"), cities))
      .catch(() => null);
    loadLearning();
  }

  async function loadLearning() {
    const seq = state.seq;
    const msg = $("#learning-msg");
    const city = $("#learning-city").value;
    for (const id of ["#learning-suggestions", "#learning-examples", "#learning-unmapped"]) clear($(id), h("p", { class: "muted" }, "正在加载…"));
    loadUnits().catch(() => null);
    const [sugg, ex, un] = await Promise.allSettled([call(API.suggestions, { query: { city } }), call(API.examples, { query: { city, limit: 100 } }), call(API.unmapped, { query: { city } })]);
    if (seq !== state.seq) return;
    const failed = [sugg, ex, un].find((x) => x.status === "rejected");
    if (failed) showError(msg, failed.reason);
    else hideMsg(msg);
    clear($("#learning-suggestions"), sugg.status === "fulfilled" ? renderSuggestions(sugg.value) : null);
    clear($("#learning-examples"), ex.status === "fulfilled" ? renderExamples(ex.value) : null);
    clear($("#learning-unmapped"), un.status === "fulfilled" ? renderUnmapped(un.value) : null);
  }

  function renderSuggestions(answer) {
    const groups = L.suggestionGroups(answer);
    if (!groups.length) return h("p", { class: "panel muted" }, "暂无修改建议：坐席人工派单、改派或派单审定后，枢纽会在这里提出建议。");
    return groups.map((g) =>
      h(
        "section",
        { class: "panel suggestion-group", dataset: { code: g.code } },
        h("h3", null, g.heading, h("code", { class: "code" }, g.code), g.cityCode ? h("span", { class: "muted small" }, ` · ${g.cityCode}`) : null),
        g.suggestions.map((s) => suggestionCard(s)),
      ),
    );
  }

  function suggestionCard(s) {
    const out = h("div", { class: "suggestion-out" });
    const runBtn = h("button", { type: "button", class: "btn btn-small" }, "试运行");
    const fileBtn = h("button", { type: "button", class: "btn btn-small btn-primary" }, "下载修改后的文件");
    runBtn.addEventListener("click", async () => {
      runBtn.disabled = true;
      clear(out, h("p", { class: "muted small" }, "正在试运行…"));
      try {
        const r = await call(API.suggestionDryRun, { params: { id: s.id }, body: {} });
        clear(out, renderReport(r.report));
      } catch (e) {
        const box = h("div", { class: "msg" });
        showError(box, e);
        clear(out, box);
      } finally {
        runBtn.disabled = false;
      }
    });
    fileBtn.addEventListener("click", async () => {
      fileBtn.disabled = true;
      try {
        const r = await call(API.suggestionFile, { params: { id: s.id } });
        downloadJson(r.file, r.content);
        const box = h(
          "div",
          { class: "msg info" },
          "已下载 ",
          h("code", null, L.downloadName(r.file)),
          "。请用它替换并提交 ",
          h("code", { class: "target-path" }, r.file),
          "（先试运行确认改派范围）。",
        );
        out.prepend(box);
      } catch (e) {
        toastError(e);
      } finally {
        fileBtn.disabled = false;
      }
    });
    return h(
      "div",
      { class: "suggestion", dataset: { id: s.id, kind: s.kind } },
      h("div", { class: "suggestion-head" }, badge(s.kindLabel, "principle"), " ", h("span", { class: "suggestion-summary" }, s.summary)),
      h("div", { class: "muted small" }, s.figures, s.file ? [" · 修改文件 ", h("code", null, s.file)] : null),
      s.caseIds.length
        ? h(
            "div",
            { class: "small case-links" },
            "样例案件：",
            s.caseIds.map((id, i) => [i ? "、" : "", h("a", { href: caseHref(id) }, id)]),
          )
        : null,
      h("div", { class: "form-actions" }, runBtn, fileBtn),
      out,
    );
  }

  function renderExamples(answer) {
    const items = (answer && answer.items) || [];
    return [
      h("p", { class: "muted small" }, `共 ${answer && typeof answer.total === "number" ? answer.total : items.length} 条，显示最新 ${items.length} 条。`),
      table(
        ["时间", "类型", "案件", "诉求分类", "诉求内容", "单位", "标注", "目录事项", "来源", "原规则派往"],
        items.map((x) =>
          h(
            "tr",
            { class: x.positive ? null : "bad", dataset: { kind: x.kind } },
            h("td", { class: "nowrap" }, fmt(x.at, true)),
            h("td", { class: "nowrap" }, badge(L.exampleKindLabel(x.kind), `ex ex-${x.kind}`)),
            h("td", { class: "nowrap" }, x.caseId ? h("a", { href: caseHref(x.caseId) }, x.caseId) : dash),
            h("td", null, (x.categoryPath || []).join(" / ") || dash),
            h("td", { class: "title-cell", title: x.text || "" }, x.text && x.text.length > 60 ? `${x.text.slice(0, 60)}…` : val(x.text)),
            h("td", null, unitName(x.unitId) || dash, h("div", { class: "sub" }, x.unitId || "")),
            h("td", { class: "nowrap" }, x.positive ? "应由该单位承办" : "不应由该单位承办"),
            h("td", { class: "nowrap" }, x.categoryCode ? h("code", null, x.categoryCode) : dash),
            h("td", { class: "nowrap" }, L.labelSourceLabel(x.labelSource) || dash),
            h("td", null, x.hubUnitId ? unitName(x.hubUnitId) : dash),
          ),
        ),
        "暂无学习样例",
      ),
    ];
  }

  function renderUnmapped(answer) {
    const items = (answer && answer.items) || [];
    return [
      h("p", { class: "muted small" }, `共 ${items.length} 个分类，涉及 ${answer && typeof answer.total === "number" ? answer.total : 0} 件案件。`),
      table(
        ["来源系统", "城市", "平台诉求分类", "件数", "最近受理", "对应情况", "可对应到", "说明"],
        items.map((x) =>
          h(
            "tr",
            { dataset: { via: x.via } },
            h("td", { class: "nowrap" }, systemName(x.system)),
            h("td", { class: "nowrap" }, val(x.cityCode)),
            h("td", null, (x.path || []).join(" / ") || dash),
            h("td", { class: "num" }, String(x.count ?? 0)),
            h("td", { class: "nowrap" }, fmt(x.lastAt)),
            h("td", { class: "nowrap" }, badge(L.viaLabel(x.via), `via via-${x.via}`)),
            h("td", null, x.mappedTo ? h("span", null, (x.mappedTo.path || []).join(" / "), h("code", { class: "code" }, x.mappedTo.code)) : dash),
            h("td", { class: "err-cell" }, val(x.reason)),
          ),
        ),
        "没有未映射的分类",
      ),
    ];
  }

  // ---------------------------------------------------------------- 规则试运行 (engineers)
  const dryRunRows = [];

  function addDryRunRow(name = "") {
    const nameIn = h("input", { type: "text", class: "file-name", placeholder: "changzhou/rules.json", spellcheck: "false", value: name, "aria-label": "候选文件名" });
    const text = h("textarea", { rows: 8, class: "file-text", spellcheck: "false", placeholder: "粘贴文件的 JSON 内容，或点“选择文件”", "aria-label": "候选文件内容" });
    const pick = h("input", { type: "file", accept: ".json,application/json", "aria-label": "选择文件" });
    const row = { nameIn, text, node: null };
    pick.addEventListener("change", async () => {
      const f = pick.files && pick.files[0];
      if (!f) return;
      text.value = await f.text();
      if (!nameIn.value.trim()) nameIn.placeholder = `<城市目录>/${f.name}`;
    });
    const remove = h(
      "button",
      {
        type: "button",
        class: "btn btn-small",
        onclick: () => {
          dryRunRows.splice(dryRunRows.indexOf(row), 1);
          row.node.remove();
          if (!dryRunRows.length) addDryRunRow();
        },
      },
      "移除",
    );
    row.node = h(
      "div",
      { class: "candidate-file" },
      h("div", { class: "candidate-head" }, h("label", { class: "field" }, h("span", null, "文件名"), nameIn), h("label", { class: "field" }, h("span", null, "选择文件"), pick), remove),
      h("label", { class: "field" }, h("span", null, "文件内容（JSON）"), text),
    );
    dryRunRows.push(row);
    $("#dryrun-files").append(row.node);
    return row;
  }

  addDryRunRow("changzhou/rules.json");
  $("#dryrun-add").addEventListener("click", () => addDryRunRow().nameIn.focus());

  function viewDryRun() {
    show("dryrun", "dryrun");
    document.title = "规则试运行 · 统管控制台";
  }

  $("#dryrun-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const msg = $("#dryrun-msg");
    const btn = $("#dryrun-submit");
    hideMsg(msg);
    const period = L.periodOf($("#dryrun-from").value, $("#dryrun-to").value);
    const cand = L.candidateFiles(dryRunRows.map((r) => ({ name: r.nameIn.value, text: r.text.value })));
    const problems = (period.error ? [period.error] : []).concat(cand.errors);
    if (problems.length) {
      msg.hidden = false;
      msg.className = "msg error";
      clear(
        msg,
        h("strong", null, "请先改正："),
        h(
          "ul",
          { class: "field-errors" },
          problems.map((p) => h("li", null, p)),
        ),
      );
      return;
    }
    btn.disabled = true;
    btn.textContent = "正在试运行…";
    const out = $("#dryrun-report");
    clear(out, h("p", { class: "muted" }, "正在重放库中案件…"));
    try {
      const report = await call(API.dryRun, { body: { ...period.query, files: cand.files } });
      clear(out, section("试运行报告", h("p", { class: "muted small" }, "候选文件：", Object.keys(cand.files).join("、")), renderReport(report)));
    } catch (err) {
      clear(out);
      showError(msg, err);
    } finally {
      btn.disabled = false;
      btn.textContent = "试运行";
    }
  });

  // ---------------------------------------------------------------- start
  async function start() {
    initFilters();
    const key = sessionStorage.getItem(STORE_KEY);
    const role = sessionStorage.getItem(STORE_ROLE);
    if (key && (role === "agent" || role === "engineer")) {
      state.key = key;
      state.role = role;
      state.roleLabel = sessionStorage.getItem(STORE_ROLE_LABEL);
    } else if (key) {
      try {
        const me = await probeRole(key);
        setSession(key, me.role, me.roleLabel);
      } catch (e) {
        sessionStorage.removeItem(STORE_KEY);
        route();
        showError($("#login-msg"), e);
        return;
      }
    }
    route();
  }

  start();
})();
