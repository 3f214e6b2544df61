/* corpus_tools explorer runtime.
 *
 * Builds every explorer element (class ct-explorer) on the page from the JSON it holds
 * (corpus_tools.explore.page.fragment): controls, a Vega-Lite chart drawn by
 * vegaEmbed (inlined before this script, window.vegaEmbed) and the panels of
 * KWIC lines, collocates and paragraphs. Nothing is fetched: the data, the
 * libraries and this file are all in the page.
 *
 * Each explorer's state lives in its chart's parameters (group, score, term,
 * topic, lam10, t): the controls and a click on the chart set them, and the
 * panels are redrawn from the same state. When an explorer is drawn, its
 * element gets data-ready="1" and the page a performance mark
 * "ct-explorer-ready" (the report tests and benchmarks/reports.py read both).
 */
(() => {
  "use strict";

  const STYLE = `
.ct-explorer{border:1px solid #ccc;border-radius:6px;padding:12px 16px;margin:1em 0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;background:#fff;max-width:1150px}
.ct-explorer h3{margin:0 0 .3em;font-size:17px}
.ct-explorer h4{margin:.8em 0 .3em;font-size:15px}
.ct-explorer h5{margin:.7em 0 .2em;font-size:13px;color:#333}
.ct-note{margin:.15em 0;font-size:12px;color:#555}
.ct-banner{margin:.4em 0 .6em;padding:.6em .8em;background:#fdecea;border:1px solid #d62728;color:#7f1d1d;font-weight:600;border-radius:4px}
.ct-controls{display:flex;flex-wrap:wrap;gap:.6em 1.4em;align-items:center;margin:.6em 0}
.ct-controls label{display:flex;gap:.4em;align-items:center;font-size:13px}
.ct-controls input[type=search]{width:16em;padding:2px 4px}
.ct-msg{color:#a00;font-size:13px;min-height:1.2em}
.ct-panel table{border-collapse:collapse;font-size:12.5px;margin:.2em 0 .6em}
.ct-panel th,.ct-panel td{padding:2px 6px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
.ct-panel th:first-child,.ct-panel td:first-child{text-align:left}
.ct-panel tr.ct-current td{background:#eef5fb;font-weight:600}
table.ct-kwic{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;table-layout:fixed;width:100%}
table.ct-kwic td{border:0;padding:1px 4px;overflow:hidden;text-overflow:ellipsis}
table.ct-kwic td.ct-doc{width:14em;color:#555;font-family:system-ui,sans-serif;text-align:left}
table.ct-kwic td.ct-left{text-align:right;direction:rtl;width:40%}
table.ct-kwic td.ct-left span{direction:ltr;unicode-bidi:embed}
table.ct-kwic td.ct-kw{text-align:center;font-weight:700;width:9em;color:#08519c}
table.ct-kwic td.ct-right{text-align:left;width:40%}
.ct-unit{margin:.3em 0 .8em;padding:.2em .8em;border-left:3px solid #d62728;background:#fafafa}
.ct-unit p{margin:.2em 0;white-space:normal}
.ct-unit .ct-cite{font-size:12px;color:#555}
`;

  function addStyle() {
    if (document.getElementById("ct-explorer-style")) return;
    const s = document.createElement("style");
    s.id = "ct-explorer-style";
    s.textContent = STYLE;
    document.head.appendChild(s);
  }

  /* a column as written by corpus_tools.explore.explorer.columnar: values, or {levels, codes} */
  function column(values) {
    if (Array.isArray(values)) return values;
    return values.codes.map((c) => values.levels[c]);
  }

  /* {column: values} -> the same table with every column expanded */
  function expand(table) {
    const out = {};
    for (const [c, v] of Object.entries(table)) out[c] = column(v);
    return out;
  }

  /* {column: [values]} -> [{column: value}] */
  function rows(table) {
    const t = expand(table);
    const cols = Object.keys(t);
    const n = cols.length ? t[cols[0]].length : 0;
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const r = {};
      for (const c of cols) r[c] = t[c][i];
      out[i] = r;
    }
    return out;
  }

  function groupBy(list, key) {
    const m = new Map();
    for (const r of list) {
      const k = key(r);
      if (!m.has(k)) m.set(k, []);
      m.get(k).push(r);
    }
    return m;
  }

  function h(tag, props, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of [].concat(children || [])) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function fmt(v) {
    if (v === null || v === undefined || v === "") return "–";
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "number") {
      if (Number.isInteger(v)) return v.toLocaleString("en");
      const a = Math.abs(v);
      return a !== 0 && (a < 0.001 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
    }
    return String(v);
  }

  let uid = 0;

  function header(root, p) {
    root.append(h("h3", {text: p.title}));
    if (p.banner) root.append(h("div", {class: "ct-banner", role: "alert", text: p.banner}));
    for (const n of p.notes || []) root.append(h("p", {class: "ct-note", text: n}));
  }

  function selectBox(label, options, value, onChange) {
    const sel = h("select", {onchange: () => onChange(sel.value)},
      options.map(([v, t]) => h("option", {value: String(v), text: t})));
    sel.value = String(value);
    return [h("label", {}, [label, sel]), sel];
  }

  function searchBox(label, terms, onPick) {
    const id = `ct-terms-${++uid}`;
    const input = h("input", {type: "search", list: id, placeholder: "type a term, press Enter", autocomplete: "off"});
    const list = h("datalist", {id}, terms.map((t) => h("option", {value: t})));
    const pick = () => { const v = input.value.trim(); if (v) onPick(v); };
    input.addEventListener("change", pick);
    input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") pick(); });
    return [h("label", {}, [label, input, list]), input];
  }

  function table(headers, body, currentRow) {
    return h("table", {}, [
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", {text: x})))),
      h("tbody", {}, body.map((cells, i) => h("tr", {class: i === currentRow ? "ct-current" : null},
        cells.map((c) => h("td", {text: fmt(c)}))))),
    ]);
  }

  function kwicTable(lines, docs) {
    return h("table", {class: "ct-kwic"}, h("tbody", {}, lines.map((l) => h("tr", {}, [
      h("td", {class: "ct-doc", title: docs[l.doc], text: `${docs[l.doc]} ¶${l.paragraph}`}),
      h("td", {class: "ct-left"}, h("span", {text: l.left})),
      h("td", {class: "ct-kw", text: l.keyword}),
      h("td", {class: "ct-right", text: l.right}),
    ]))));
  }

  async function embed(host, spec, datasets) {
    const s = JSON.parse(JSON.stringify(spec));
    s.datasets = Object.assign({}, s.datasets || {}, datasets);
    const result = await window.vegaEmbed(host, s, {actions: false, renderer: "canvas"});
    return result.view;
  }

  /* ---- distinctive terms (notebook 03) ------------------------------------ */
  async function buildDistinctive(root, p) {
    const st = p.state, T = p.tables;
    const points = rows(T.points);
    const byTerm = groupBy(points, (r) => r.term);
    const lower = new Map([...byTerm.keys()].map((t) => [t.toLowerCase(), t]));
    const lines = groupBy(rows(T.kwic), (r) => `${r.term}\u0000${r.group}`);
    const withLines = new Set(column(T.kwic.term));
    const docs = column(T.docs.label);
    const state = {group: st.group, score: st.score, term: st.term};
    const msg = h("div", {class: "ct-msg"});
    const [groupLabel, groupSel] = selectBox("Group:", st.groups.map((g) => [g, `${g} against the rest`]), state.group,
      (v) => { state.group = v; update(); });
    const [scoreLabel, scoreSel] = selectBox("Score:", Object.entries(st.scores), state.score,
      (v) => { state.score = v; update(); });
    const [searchLabel, search] = searchBox("Term:", st.terms, (v) => setTerm(v));
    search.value = state.term;
    root.append(h("div", {class: "ct-controls"}, [groupLabel, scoreLabel, searchLabel,
      h("span", {class: "ct-note", text: "hover a point for its statistics; click it (or type) for its contexts"})]), msg);
    const host = h("div", {class: "ct-chart"});
    const panel = h("div", {class: "ct-panel"});
    root.append(host, panel);
    const view = await embed(host, p.specs.chart, {points});

    function setTerm(v) {
      const t = byTerm.has(v) ? v : lower.get(v.toLowerCase());
      if (t === undefined) {
        msg.textContent = `‘${v}’ is not among the embedded terms (see the note above); run the notebook in JupyterLab to look it up.`;
        return;
      }
      msg.textContent = "";
      state.term = t;
      search.value = t;
      update();
    }

    function update() {
      view.signal("group", state.group).signal("score", state.score).signal("term", state.term).runAsync();
      const rowsOf = byTerm.get(state.term) || [];
      const cur = rowsOf.findIndex((r) => r.group === state.group);
      const parts = [h("h4", {text: `‘${state.term}’ in every group`}),
        table(["group", ...st.stats, "mark"], rowsOf.map((r) => [r.group, ...st.stats.map((c) => r[c]), r.mark]), cur)];
      if (!withLines.has(state.term)) {
        parts.push(h("p", {class: "ct-note", text: `No KWIC lines are embedded for ‘${state.term}’: lines come with the ${st.kwic_terms} terms of largest |z|. Run the notebook in JupyterLab to read them all.`}));
      } else {
        for (const g of [state.group, ...st.groups.filter((x) => x !== state.group)]) {
          const ls = lines.get(`${state.term}\u0000${g}`) || [];
          const n = ls.length ? ls[0].n_lines : 0;
          parts.push(h("h5", {text: n ? `${g}: ${ls.length} of ${n} line${n === 1 ? "" : "s"}` : `${g}: no occurrence`}));
          if (ls.length) parts.push(kwicTable(ls, docs));
        }
      }
      panel.replaceChildren(...parts);
    }

    view.addEventListener("click", (ev, item) => {
      const d = item && item.datum;
      if (d && typeof d.term === "string") setTerm(d.term);
    });
    update();
    return view;
  }

  /* ---- topics (notebook 01) ------------------------------------------------- */
  async function buildTopics(root, p) {
    const st = p.state, T = p.tables;
    const topics = rows(T.topics);
    const terms = rows(T.terms);
    const units = groupBy(rows(T.units), (r) => r.topic);
    const termsOf = groupBy(terms, (r) => `${r.topic}\u0000${r.lam10}`);
    const state = {topic: st.topic, lam10: st.lam10};
    const [topicLabel, topicSel] = selectBox("Topic:", topics.map((r) => [r.topic, r.label || `Topic ${r.topic}`]),
      state.topic, (v) => { state.topic = Number(v); update(); });
    const lamOut = h("output", {text: (state.lam10 / 10).toFixed(1)});
    const slider = h("input", {type: "range", min: "0", max: "10", step: "1", value: String(state.lam10),
      "aria-label": "relevance lambda"});
    slider.addEventListener("input", () => { state.lam10 = Number(slider.value); update(); });
    root.append(h("div", {class: "ct-controls"}, [topicLabel,
      h("label", {}, ["Relevance λ:", slider, lamOut]),
      h("span", {class: "ct-note", text: "λ = 1 ranks by probability in the topic, λ = 0 by lift (rare, specific terms); Sievert & Shirley found about 0.6 most helpful. Click a circle to choose a topic."})]));
    const host = h("div", {class: "ct-chart"});
    const panel = h("div", {class: "ct-panel"});
    root.append(host, panel);
    const view = await embed(host, p.specs.chart, {topics, terms});

    function update() {
      topicSel.value = String(state.topic);
      slider.value = String(state.lam10);
      lamOut.textContent = (state.lam10 / 10).toFixed(1);
      view.signal("topic", state.topic).signal("lam10", state.lam10).runAsync();
      const top = (termsOf.get(`${state.topic}\u0000${state.lam10}`) || []).sort((a, b) => a.rank - b.rank);
      const label = (topics.find((r) => r.topic === state.topic) || {}).label || `Topic ${state.topic}`;
      const parts = [
        h("p", {class: "ct-terms", text: `Top terms of topic ${state.topic} at λ = ${(state.lam10 / 10).toFixed(1)}: ${top.map((r) => r.term).join(", ")}`}),
        h("h4", {text: `The most typical ${st.unit}s of topic ${label}`}),
      ];
      for (const u of units.get(state.topic) || []) {
        parts.push(h("div", {class: "ct-unit"}, [
          h("p", {text: u.text}),
          h("p", {class: "ct-cite", text: `${u.document} · ${u.unit_id} · ${(100 * u.weight).toFixed(0)}% of it is this topic`}),
        ]));
      }
      panel.replaceChildren(...parts);
    }

    view.addEventListener("click", (ev, item) => {
      const d = item && item.datum;
      if (d && typeof d.topic === "number" && d.x !== undefined) { state.topic = d.topic; update(); }
    });
    update();
    return view;
  }

  /* ---- terms (notebook 02) -------------------------------------------------- */
  async function buildTerms(root, p) {
    const st = p.state, T = p.tables;
    const vocab = rows(T.vocab);
    const index = new Map(vocab.map((r) => [r.term.toLowerCase(), r]));
    const lines = groupBy(rows(T.kwic), (r) => r.t);
    const coll = groupBy(rows(T.collocates), (r) => r.t);
    const docs = column(T.docs.label);
    const state = {t: st.t};
    const msg = h("div", {class: "ct-msg"});
    const [searchLabel, search] = searchBox("Term:", vocab.map((r) => r.term), (v) => setTerm(v));
    search.value = st.term;
    root.append(h("div", {class: "ct-controls"}, [searchLabel,
      h("span", {class: "ct-note", text: "a tracked concept or a lemma; the list completes as you type"})]), msg);
    const host = h("div", {class: "ct-chart"});
    const panel = h("div", {class: "ct-panel"});
    root.append(host, panel);
    const view = await embed(host, p.specs.chart, {trend: rows(T.trend), groups: rows(T.groups)});

    function setTerm(v) {
      const r = index.get(v.toLowerCase());
      if (r === undefined) {
        msg.textContent = `‘${v}’ is not among the embedded terms (see the note above); run the notebook in JupyterLab to explore any term.`;
        return;
      }
      msg.textContent = "";
      state.t = r.t;
      search.value = r.term;
      update();
    }

    function update() {
      const r = vocab[state.t];
      view.signal("t", state.t).signal("termName", r.term).runAsync();
      const ls = lines.get(state.t) || [];
      const n = ls.length ? ls[0].n_lines : 0;
      const cs = coll.get(state.t) || [];
      const parts = [
        h("h4", {text: `‘${r.term}’: ${r.count.toLocaleString("en")} occurrence${r.count === 1 ? "" : "s"}` +
          (r.variants !== r.term ? ` (pooling ${r.variants})` : "")}),
        h("h5", {text: n ? `In context: ${ls.length} of ${n} line${n === 1 ? "" : "s"}, spread over the occurrences` : "In context: no occurrence"}),
      ];
      if (ls.length) parts.push(kwicTable(ls, docs));
      parts.push(h("h5", {text: cs.length ? "Top collocates (two-word collocations, likelihood ratio)" : "No collocation reaches the minimum count"}));
      if (cs.length) parts.push(table(["collocate", "pair", "count", "score"], cs.map((c) => [c.collocate, c.bigram, c.count, c.score])));
      panel.replaceChildren(...parts);
    }

    update();
    return view;
  }

  const BUILDERS = {distinctive: buildDistinctive, topics: buildTopics, terms: buildTerms};

  async function build(root) {
    const data = root.querySelector("script.ct-explorer-data");
    const p = JSON.parse(data.textContent);
    const fallback = root.querySelector(".ct-explorer-fallback");
    if (fallback) fallback.remove();
    header(root, p);
    root.ctView = await BUILDERS[p.kind](root, p);
    root.dataset.ready = "1";
    performance.mark("ct-explorer-ready");
  }

  addStyle();
  for (const root of document.querySelectorAll(".ct-explorer")) {
    if (root.dataset.ready !== "0") continue;
    root.dataset.ready = "building";
    build(root).catch((err) => {
      root.dataset.ready = "error";
      root.append(h("p", {class: "ct-msg", text: `This explorer could not be drawn: ${err}`}));
      console.error(err);
    });
  }
})();
