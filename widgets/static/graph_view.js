// The lineage graph widget's browser side (an anywidget ES module, no build step).
// The picture is the SVG `dot` drew; each node's <title> is its id (n<i>, m<k> for "+K more"),
// which keys the facts in model "data". Every text reaches the page through textContent or
// setAttribute: no markup is ever built from strings here.

const SVG_NS = "http://www.w3.org/2000/svg";
const XLINK_NS = "http://www.w3.org/1999/xlink";
const UNSAFE = "script, foreignObject, iframe, object, embed, use, image, animate, set";
const MIN_K = 0.8; // px per point at the smallest fitted zoom: 11pt labels stay ~9px
const MAX_K = 1.6;

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = String(v);
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function rows(table, pairs) {
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "") continue;
    table.append(h("tr", {}, h("th", { text: k }), h("td", { text: v })));
  }
  return table;
}

// The SVG parsed as XML and imported as nodes (never set as markup); anything that could run is dropped.
function parseSvg(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  if (doc.querySelector("parsererror")) return null;
  const svg = document.importNode(doc.documentElement, true);
  svg.querySelectorAll(UNSAFE).forEach((n) => n.remove());
  for (const n of [svg, ...svg.querySelectorAll("*")]) {
    for (const a of [...n.attributes]) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on") || ((name === "href" || name === "xlink:href") && !a.value.startsWith("#")))
        n.removeAttribute(a.name);
    }
    if (n.tagName === "a") {
      n.removeAttributeNS(XLINK_NS, "title");
      n.removeAttribute("title");
    }
  }
  return svg;
}

function render({ model, el }) {
  const root = h("div", { class: "lm-graph", "data-lm-suppress-shortcuts": "true" });
  el.classList.add("lm-graph-host");
  el.append(root);
  const described = new Map(); // arn -> facts from the kernel
  const asked = new Set();
  let ids = { arnToId: new Map() };
  let view = null; // {x, y, w, h, k, W, H}
  let hoverArn = null;
  let revealNext = null; // the node id to bring into sight at the next drawing (an expanded anchor)

  // -- toolbar ---------------------------------------------------------------------------------------
  const button = (text, title, cls) => h("button", { class: `lm-btn ${cls || ""}`, type: "button", title, text });
  const back = button("◀ Back", "back to the previous graph", "lm-back");
  const fwd = button("Forward ▶", "forward again", "lm-forward");
  const zoomOut = button("−", "zoom out (or Ctrl + wheel)", "lm-zoom-out");
  const zoomIn = button("+", "zoom in (or Ctrl + wheel)", "lm-zoom-in");
  const fit = button("Fit", "show the whole graph", "lm-fit");
  const search = h("input", { class: "lm-search", type: "search", placeholder: "search names, types, ARNs",
                              "aria-label": "search the graph" });
  const found = h("span", { class: "lm-found", "aria-live": "polite" });
  const exports = h("span", { class: "lm-exports" }, h("span", { class: "lm-muted", text: "Download" }));
  for (const [fmt, text] of [["svg", "SVG"], ["png", "PNG"], ["mermaid", "Mermaid"], ["json", "JSON"]]) {
    const b = button(text, `download the view as ${text}`, `lm-export lm-export-${fmt}`);
    b.addEventListener("click", () => model.send({ event: "export", format: fmt }));
    exports.append(b);
  }
  const toolbar = h("div", { class: "lm-toolbar" }, back, fwd, zoomOut, zoomIn, fit, search, found, exports);
  const legend = h("div", { class: "lm-legend", role: "group", "aria-label": "show or hide types" });
  const caption = h("div", { class: "lm-caption" });
  const status = h("div", { class: "lm-status", "aria-live": "polite" });
  const stage = h("div", { class: "lm-stage", tabindex: "-1" });
  const details = h("div", { class: "lm-details", "aria-live": "polite" });
  const panel = h("div", { class: "lm-panel" });
  const side = h("div", { class: "lm-side" }, details, panel);
  const tip = h("div", { class: "lm-tip", role: "tooltip" });
  root.append(toolbar, legend, caption, h("div", { class: "lm-body" }, stage, side), status, tip);

  back.addEventListener("click", () => model.send({ event: "back" }));
  fwd.addEventListener("click", () => model.send({ event: "forward" }));

  const data = () => model.get("data") || {};
  const nodeFacts = (id) => (data().nodes || {})[id];
  const facts = (arn) => ({ ...(nodeFacts(ids.arnToId.get(arn)) || {}), ...(described.get(arn) || {}) });
  const ask = (arn) => {
    if (arn && !asked.has(arn)) {
      asked.add(arn);
      model.send({ event: "describe", arn });
    }
  };

  // -- the picture -----------------------------------------------------------------------------------
  function svgEl() {
    return stage.querySelector("svg");
  }

  function applyView() {
    const svg = svgEl();
    if (!svg || !view) return;
    const sw = stage.clientWidth || 800;
    const sh = Math.round(Math.min(Math.max(view.H * view.fitK, 140), 620));
    stage.style.height = `${sh}px`;
    svg.setAttribute("width", sw);
    svg.setAttribute("height", sh);
    svg.setAttribute("viewBox", `${view.x} ${view.y} ${sw / view.k} ${sh / view.k}`);
  }

  // Readable by default: the whole graph fitted, but labels never shrunk below ~9px (then pan to
  // see the rest); "Fit" shows the whole graph whatever the size.
  function fitView(centreOn, all) {
    if (!view) return;
    const sw = stage.clientWidth || 800;
    view.fitK = Math.min(MAX_K, Math.max(MIN_K, Math.min(sw / view.W, 620 / view.H)));
    if (all) view.fitK = Math.min(MAX_K, sw / view.W, 620 / view.H);
    view.k = view.fitK;
    const sh = Math.min(Math.max(view.H * view.k, 140), 620);
    const vw = sw / view.k, vh = sh / view.k;
    view.x = view.W <= vw ? (view.W - vw) / 2 : 0;
    view.y = view.H <= vh ? (view.H - vh) / 2 : 0;
    applyView();
    if (centreOn) reveal(centreOn);
  }

  // Pan so that ``g`` is in sight (the start, a node reached by Tab, a search match).
  function reveal(g) {
    if (!view) return;
    const r = g.getBoundingClientRect(), s = stage.getBoundingClientRect();
    if (r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom) return;
    const cx = view.x + (r.left + r.width / 2 - s.left) / view.k;
    const cy = view.y + (r.top + r.height / 2 - s.top) / view.k;
    const vw = stage.clientWidth / view.k, vh = stage.clientHeight / view.k;
    const clamp = (v, size, total) => (total <= size ? (total - size) / 2 : Math.min(Math.max(v, 0), total - size));
    view.x = clamp(cx - vw / 2, vw, view.W);
    view.y = clamp(cy - vh / 2, vh, view.H);
    applyView();
  }

  function zoom(factor, px, py) {
    if (!view) return;
    const sw = stage.clientWidth, sh = stage.clientHeight;
    const cx = px === undefined ? sw / 2 : px, cy = py === undefined ? sh / 2 : py;
    const gx = view.x + cx / view.k, gy = view.y + cy / view.k;
    view.k = Math.min(Math.max(view.k * factor, 0.1), 8);
    view.x = gx - cx / view.k;
    view.y = gy - cy / view.k;
    applyView();
  }
  zoomIn.addEventListener("click", () => zoom(1.25));
  zoomOut.addEventListener("click", () => zoom(0.8));
  fit.addEventListener("click", () => fitView(null, true));
  stage.addEventListener("wheel", (e) => {
    if (!(e.ctrlKey || e.metaKey)) return; // plain wheel scrolls the notebook
    e.preventDefault();
    const r = stage.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });

  let drag = null;
  stage.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || e.target.closest("g.node") || !view) return;
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
    stage.setPointerCapture(e.pointerId);
  });
  stage.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    view.x = drag.vx - dx / view.k;
    view.y = drag.vy - dy / view.k;
    stage.classList.add("lm-panning");
    applyView();
  });
  const endDrag = () => {
    drag = null;
    stage.classList.remove("lm-panning");
  };
  stage.addEventListener("pointerup", endDrag);
  stage.addEventListener("pointercancel", endDrag);

  function draw() {
    const text = model.get("svg");
    stage.replaceChildren();
    hideTip();
    ids = { arnToId: new Map() };
    for (const [id, n] of Object.entries(data().nodes || {})) ids.arnToId.set(n.arn, id);
    if (!text) {
      view = null;
      stage.style.height = "";
      const hint = model.get("empty_hint");
      if (hint) stage.append(h("div", { class: "lm-empty", text: hint }));
      return;
    }
    const svg = parseSvg(text);
    if (!svg) {
      stage.append(h("div", { class: "lm-empty", text: "the graph could not be read" }));
      return;
    }
    const vb = (svg.getAttribute("viewBox") || "0 0 100 100").split(/[\s,]+/).map(Number);
    svg.removeAttribute("style");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", "lineage graph");
    stage.append(svg);
    const nodes = data().nodes || {}, more = data().more || {};
    for (const g of svg.querySelectorAll("g.node")) {
      const title = g.querySelector("title");
      const id = title ? title.textContent.trim() : "";
      g.querySelectorAll("title").forEach((t) => t.remove());
      const n = nodes[id], m = more[id];
      if (!n && !m) continue;
      g.dataset.id = id;
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      if (n) {
        g.dataset.arn = n.arn;
        g.setAttribute("aria-label", `${n.lineage_type} ${n.label}${n.type ? ", " + n.type : ""}`);
      } else {
        g.classList.add("lm-more");
        g.setAttribute("aria-label", `${m.count} more, ${m.upstream ? "upstream" : "downstream"}: show them`);
      }
    }
    for (const g of svg.querySelectorAll("g.edge")) {
      const title = g.querySelector("title");
      if (title) {
        g.dataset.id = title.textContent.trim();
        title.remove();
      }
    }
    view = { x: 0, y: 0, W: vb[2] || 100, H: vb[3] || 100, k: 1, fitK: 1 };
    fitView(svg.querySelector(`g.node[data-id="${revealNext || data().start || ""}"]`));
    revealNext = null;
    markSelected();
    highlight();
  }

  // -- tooltip ---------------------------------------------------------------------------------------
  function tipContent(id) {
    const box = h("div");
    const m = (data().more || {})[id];
    if (m) {
      const anchor = nodeFacts(m.anchor);
      box.append(h("b", { text: `${m.count} more ${m.upstream ? "upstream" : "downstream"}` }));
      box.append(h("div", { text: `reached through ${anchor ? anchor.label : "?"}` }));
      box.append(h("div", { class: "lm-muted", text: "click or Enter: show the nearest of them" }));
      return box;
    }
    const n = nodeFacts(id);
    if (!n) return box;
    const f = facts(n.arn);
    box.append(h("b", { text: f.label }));
    const t = rows(h("table"), [
      ["type", [f.type, f.lineage_type].filter(Boolean).join(" · ")],
      ["ARN", f.arn],
      ["source", f.source_uri],
      ["created", f.created],
      ["status", f.status],
    ]);
    box.append(t);
    const section = (title, pairs) => {
      if (pairs && pairs.length) {
        box.append(h("div", { class: "lm-sub", text: title }));
        box.append(rows(h("table", { class: "lm-pairs" }), pairs.slice(0, 12)));
        if (pairs.length > 12) box.append(h("div", { class: "lm-muted", text: `… ${pairs.length - 12} more` }));
      }
    };
    section("properties", f.properties);
    section("parameters", f.parameters);
    section("metrics", f.metrics);
    if (!described.has(n.arn) && asked.has(n.arn)) box.append(h("div", { class: "lm-muted", text: "reading…" }));
    return box;
  }

  function showTip(g, x, y) {
    const id = g.dataset.id;
    const n = nodeFacts(id);
    hoverArn = n ? n.arn : null;
    if (n) ask(n.arn);
    tip.replaceChildren(tipContent(id));
    tip.dataset.id = id;
    tip.classList.add("lm-visible");
    const r = root.getBoundingClientRect();
    if (x === undefined) {
      const b = g.getBoundingClientRect();
      x = b.right;
      y = b.bottom;
    }
    const left = Math.min(x - r.left + 14, Math.max(0, r.width - tip.offsetWidth - 4));
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${y - r.top + 14}px`;
  }

  function hideTip() {
    tip.classList.remove("lm-visible");
    tip.dataset.id = "";
    hoverArn = null;
  }

  const nodeOf = (e) => {
    const g = e.target.closest && e.target.closest("g.node");
    return g && g.dataset.id ? g : null;
  };
  stage.addEventListener("pointerover", (e) => {
    const g = nodeOf(e);
    if (g) showTip(g, e.clientX, e.clientY);
  });
  stage.addEventListener("pointermove", (e) => {
    const g = nodeOf(e);
    if (g && tip.dataset.id === g.dataset.id) showTip(g, e.clientX, e.clientY);
  });
  stage.addEventListener("pointerout", (e) => {
    const g = nodeOf(e);
    if (g && !(e.relatedTarget && g.contains(e.relatedTarget))) hideTip();
  });
  stage.addEventListener("focusin", (e) => {
    const g = nodeOf(e);
    if (g) {
      if (g.matches(":focus-visible")) reveal(g); // keyboard focus; a click never moves the picture
      showTip(g);
    }
  });
  stage.addEventListener("focusout", hideTip);

  // -- selecting, expanding, re-centring -------------------------------------------------------------
  function activate(g) {
    const id = g.dataset.id;
    const m = (data().more || {})[id];
    if (m) {
      revealNext = m.anchor;
      model.send({ event: "expand", node: id });
      return;
    }
    const n = nodeFacts(id);
    if (!n) return;
    model.set("selected", n.arn);
    model.save_changes();
    ask(n.arn);
  }
  stage.addEventListener("click", (e) => {
    const g = nodeOf(e);
    if (g) activate(g);
  });
  stage.addEventListener("dblclick", (e) => {
    const g = nodeOf(e);
    const n = g && nodeFacts(g.dataset.id);
    if (n) {
      e.preventDefault();
      model.send({ event: "recentre", arn: n.arn });
    }
  });
  stage.addEventListener("keydown", (e) => {
    const g = nodeOf(e);
    if (!g) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      activate(g);
    } else if (e.key === "Escape") {
      hideTip();
    }
  });

  function markSelected() {
    const arn = model.get("selected");
    for (const g of stage.querySelectorAll("g.node.lm-selected")) g.classList.remove("lm-selected");
    const id = ids.arnToId.get(arn);
    if (id) {
      const g = stage.querySelector(`g.node[data-id="${id}"]`);
      if (g) g.classList.add("lm-selected");
    }
    renderDetails();
  }

  function renderDetails() {
    const arn = model.get("selected");
    details.replaceChildren();
    if (!arn || !ids.arnToId.has(arn)) {
      details.append(h("div", { class: "lm-muted", text: "Hover a node for its details; click to select it; " +
        "double-click to trace from it; click a dashed “+K more” box to show what it stands for." }));
      return;
    }
    const f = facts(arn);
    details.append(h("div", { class: "lm-title", text: f.label }));
    details.append(rows(h("table"), [
      ["lineage type", f.lineage_type],
      ["type", f.type],
      ["name", f.name],
      ["ARN", f.arn],
      ["source", f.source_uri],
      ["status", f.status],
      ["created", f.created],
      ["modified", f.modified],
      ["description", f.description],
    ]));
    for (const [title, pairs] of [["properties", f.properties], ["parameters", f.parameters], ["metrics", f.metrics]]) {
      if (pairs && pairs.length) {
        details.append(h("div", { class: "lm-sub", text: title }));
        details.append(rows(h("table", { class: "lm-pairs" }), pairs));
      }
    }
    const actions = h("div", { class: "lm-actions" });
    const act = (text, cls, fn) => {
      const b = button(text, text, cls);
      b.addEventListener("click", fn);
      actions.append(b);
    };
    act("Trace from here", "lm-act-recentre", () => model.send({ event: "recentre", arn }));
    act("Impact", "lm-act-impact", () => model.send({ event: "impact", arn }));
    act("Show in table", "lm-act-table", () => model.send({ event: "table", arn }));
    act("Copy ARN", "lm-act-copy", () => copy(arn));
    if ((nodeFacts(ids.arnToId.get(arn)) || {}).collapsible)
      act("Collapse", "lm-act-collapse", () => model.send({ event: "collapse", arn }));
    details.append(actions);
  }

  function copy(text) {
    const done = () => { status.textContent = "ARN copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
    } else fallbackCopy(text, done);
  }
  function fallbackCopy(text, done) {
    const area = h("textarea", { class: "lm-copy", readonly: true });
    area.value = text;
    root.append(area);
    area.select();
    try {
      document.execCommand("copy");
      done();
    } catch (_e) {
      status.textContent = "select the ARN in the details and copy it";
    }
    area.remove();
  }

  function renderPanel() {
    const p = model.get("panel") || {};
    panel.replaceChildren();
    if (!p.title) return;
    const close = button("×", "close", "lm-close");
    close.addEventListener("click", () => { model.set("panel", {}); model.save_changes(); });
    panel.append(h("div", { class: "lm-title" }, h("span", { text: p.title }), close));
    const table = h("table", { class: "lm-table" });
    table.append(h("tr", {}, ...(p.columns || []).map((c) => h("th", { text: c }))));
    (p.rows || []).forEach((r, i) => {
      const tr = h("tr", { class: i === p.mark ? "lm-mark" : "" }, ...r.map((c) => h("td", { text: c })));
      table.append(tr);
    });
    const box = h("div", { class: "lm-table-box" }, table);
    panel.append(box);
    const marked = table.querySelector("tr.lm-mark");
    if (marked) setTimeout(() => { box.scrollTop = marked.offsetTop - 30; }, 0);
  }

  // -- search and legend -----------------------------------------------------------------------------
  function highlight() {
    const q = search.value.trim().toLowerCase();
    let count = 0;
    for (const g of stage.querySelectorAll("g.node")) {
      const n = nodeFacts(g.dataset.id);
      const hit = !!(q && n && [n.label, n.name, n.type, n.lineage_type, n.arn, n.source_uri]
        .some((s) => s && s.toLowerCase().includes(q)));
      g.classList.toggle("lm-match", hit);
      g.classList.toggle("lm-dim", !!q && !hit);
      if (hit) count += 1;
    }
    found.textContent = q ? `${count} match${count === 1 ? "" : "es"}` : "";
  }
  search.addEventListener("input", () => {
    highlight();
    const first = stage.querySelector("g.node.lm-match");
    if (first) reveal(first);
    model.set("search", search.value);
    model.save_changes();
  });
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      e.stopPropagation();
      const g = stage.querySelector("g.node.lm-match");
      if (g) g.focus();
    }
  });

  function renderLegend() {
    legend.replaceChildren();
    const d = data();
    const toggle = (group, key, label, swatch) => {
      const b = h("button", { class: `lm-toggle lm-toggle-${group}`, type: "button", "aria-pressed":
        String(!swatch.hidden), title: `${swatch.hidden ? "show" : "hide"} ${label}`, "data-key": key });
      const mark = h("span", { class: "lm-swatch" });
      if (group === "lineage") mark.style.background = swatch.fill;
      else {
        mark.classList.add("lm-line");
        mark.style.borderTopColor = swatch.color;
        mark.style.borderTopStyle = swatch.dash;
      }
      b.append(mark, h("span", { text: label }));
      b.addEventListener("click", () => model.send({ event: "toggle", group, key }));
      legend.append(b);
    };
    for (const t of d.lineage_types || []) toggle("lineage", t.name, t.name, t);
    for (const t of d.association_types || []) toggle("association", t.key, t.name, t);
  }

  // -- the kernel's messages -------------------------------------------------------------------------
  model.on("msg:custom", (msg, buffers) => {
    if (msg.kind === "download") {
      const blob = new Blob([buffers[0]], { type: msg.mime });
      const url = URL.createObjectURL(blob);
      const a = h("a", { href: url, download: msg.filename, class: "lm-download" });
      root.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } else if (msg.kind === "details") {
      described.set(msg.arn, msg.facts || {});
      if (tip.dataset.id && hoverArn === msg.arn) tip.replaceChildren(tipContent(tip.dataset.id));
      if (model.get("selected") === msg.arn) renderDetails();
    }
  });

  function refresh() {
    const d = data();
    caption.textContent = d.caption || "";
    renderLegend();
    draw();
  }
  const syncHistory = () => {
    const hist = model.get("history") || {};
    back.disabled = !hist.back;
    fwd.disabled = !hist.forward;
  };
  const syncStatus = () => { status.textContent = model.get("status") || ""; };
  model.on("change:svg", refresh);
  model.on("change:data", refresh);
  model.on("change:selected", markSelected);
  model.on("change:panel", renderPanel);
  model.on("change:history", syncHistory);
  model.on("change:status", syncStatus);
  const ro = new ResizeObserver(() => {
    if (view && Math.abs(view.k - view.fitK) < 1e-9) fitView();
  });
  ro.observe(stage);
  search.value = model.get("search") || "";
  refresh();
  renderPanel();
  syncHistory();
  syncStatus();
  return () => ro.disconnect();
}

export default { render };
