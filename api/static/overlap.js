// The overlap page: draws /overlap/network and /overlap/matrix with ECharts, shows /overlap/tasks on a click.
// `window.overlapPage` exposes the charts and the current state (the browser test reads it).
"use strict";

const LEVEL_ORDER = ["中央", "省级", "地级", "县级", "未知"];
const ROLE_PAIR_ZH = { lead_lead: "牵头—牵头", lead_participant: "牵头—参加", participant_participant: "参加—参加", responsible: "含负责" };
const page = (window.overlapPage = { ready: false, nodeCount: 0, edgeCount: 0, network: null, chart: null, heatmap: null });

const $ = (id) => document.getElementById(id);

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function filterParams() {
  const p = new URLSearchParams();
  for (const id of ["policy", "region", "level"]) {
    const v = $("f-" + id).value;
    if (v) p.set(id, v);
  }
  const roles = [...document.querySelectorAll("#f-roles input:checked")].map((i) => i.value);
  if (roles.length < 3) roles.forEach((r) => p.append("role", r));
  if ($("f-years-on").checked) {
    const a = +$("f-year-from").value, b = +$("f-year-to").value;
    p.set("year_from", Math.min(a, b));
    p.set("year_to", Math.max(a, b));
  }
  return p;
}

async function getJSON(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.message : r.statusText);
  return body;
}

function fillSelect(id, values, label) {
  const sel = $(id);
  if (sel.options.length > 1) return;
  for (const v of values) sel.add(new Option(label(v), typeof v === "object" ? v.key : v));
}

function setupFacets(f) {
  fillSelect("f-policy", f.policies, (p) => (p.year ? p.year + " · " : "") + p.title);
  fillSelect("f-region", f.regions, (r) => r);
  fillSelect("f-level", f.levels, (l) => l);
  const years = f.years;
  const from = $("f-year-from"), to = $("f-year-to");
  if (!years.length) {
    $("f-years").hidden = true;
    return;
  }
  if (!from.min) {
    for (const el of [from, to]) { el.min = years[0]; el.max = years[years.length - 1]; el.step = 1; }
    from.value = years[0];
    to.value = years[years.length - 1];
  }
  updateYearLabel();
}

function updateYearLabel() {
  const on = $("f-years-on").checked;
  $("f-year-from").disabled = $("f-year-to").disabled = !on;
  const a = +$("f-year-from").value, b = +$("f-year-to").value;
  $("f-years-label").textContent = on ? `${Math.min(a, b)}–${Math.max(a, b)} 年` : "全部年份";
}

function categoriesOf(nodes, by) {
  if (by === "level") {
    const levels = [...new Set(nodes.map((n) => n.level || "未知"))].sort((a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b));
    return { names: levels, of: (n) => levels.indexOf(n.level || "未知") };
  }
  const count = Math.max(0, ...nodes.map((n) => n.community + 1));
  return { names: Array.from({ length: count }, (_, i) => `社区 ${i + 1}`), of: (n) => n.community };
}

function drawNetwork() {
  const net = page.network;
  const cats = categoriesOf(net.nodes, $("f-color").value);
  const maxLed = Math.max(1, ...net.nodes.map((n) => n.tasks_led));
  const maxW = Math.max(1, ...net.edges.map((e) => e.weight));
  page.chart.setOption(
    {
      tooltip: {
        formatter: (p) =>
          p.dataType === "edge"
            ? `${esc(p.data.source)} — ${esc(p.data.target)}<br>共享任务 ${p.data.value} 项`
            : `${esc(p.name)}<br>牵头 ${p.data.tasks_led} · 参与任务 ${p.data.tasks} · 合作机构 ${p.data.degree}<br>${esc(p.data.type_zh)} · ${esc(p.data.level || "")}`,
      },
      legend: [{ data: cats.names, top: 4, type: "scroll" }],
      series: [
        {
          type: "graph",
          layout: "none",
          roam: true,
          draggable: false,
          categories: cats.names.map((name) => ({ name })),
          label: { show: true, position: "right", fontSize: 11, formatter: (p) => (p.data.tasks_led > 0 || p.data.degree >= 10 ? p.name : "") },
          emphasis: { focus: "adjacency", label: { show: true, formatter: "{b}" } },
          lineStyle: { color: "source", opacity: 0.35, curveness: 0.05 },
          labelLayout: { hideOverlap: true },
          // drawn in this order: the agencies leading most tasks last, on top
          data: [...net.nodes].sort((a, b) => a.tasks_led - b.tasks_led || a.weighted_degree - b.weighted_degree).map((n) => ({
            name: n.agency,
            x: n.x * 1000,
            y: n.y * 1000,
            value: n.tasks_led,
            category: cats.of(n),
            symbolSize: 8 + 32 * Math.sqrt(n.tasks_led / maxLed),
            tasks_led: n.tasks_led,
            tasks: n.tasks,
            degree: n.degree,
            level: n.level,
            type_zh: n.type_zh,
          })),
          links: net.edges.map((e) => ({ source: e.source, target: e.target, value: e.weight, lineStyle: { width: 0.6 + 7 * (e.weight / maxW) } })),
        },
      ],
    },
    { notMerge: true },
  );
}

async function drawHeatmap(params, mine) {
  const m = await getJSON("/overlap/matrix?" + params);
  if (mine !== latest) return;
  const maxW = Math.max(1, ...m.cells.map((c) => c[2]));
  // one readable row per agency: the box grows with the network
  $("heatmap").style.height = Math.max(500, 13 * m.agencies.length + 260) + "px";
  page.heatmap.resize();
  page.heatmap.setOption(
    {
      tooltip: { formatter: (p) => `${esc(m.agencies[p.data[1]])} × ${esc(m.agencies[p.data[0]])}<br>共享任务 ${p.data[2]} 项` },
      grid: { left: 210, right: 40, top: 20, bottom: 200 },
      xAxis: { type: "category", data: m.agencies, axisLabel: { rotate: 60, fontSize: 9, interval: 0 } },
      yAxis: { type: "category", data: m.agencies, inverse: true, axisLabel: { fontSize: 9, interval: 0 } },
      visualMap: { min: 1, max: maxW, calculable: true, orient: "vertical", right: 0, top: "middle", inRange: { color: ["#e0ecf8", "#08306b"] } },
      series: [{ type: "heatmap", data: m.cells, emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }],
    },
    { notMerge: true },
  );
}

function drawRanking() {
  const rows = [...page.network.nodes].sort((a, b) => b.betweenness - a.betweenness || b.weighted_degree - a.weighted_degree).slice(0, 10);
  $("ranking").innerHTML =
    "<tr><th>机构</th><th>牵头任务</th><th>合作机构</th><th>共享任务</th><th>中介中心性</th><th>特征向量中心性</th><th>社区</th><th>核数</th><th>类型</th></tr>" +
    rows
      .map((n) => `<tr><td>${esc(n.agency)}</td><td>${n.tasks_led}</td><td>${n.degree}</td><td>${n.weighted_degree}</td><td>${n.betweenness.toFixed(3)}</td><td>${n.eigenvector.toFixed(3)}</td><td>${n.community + 1}</td><td>${n.core}</td><td>${esc(n.type_zh)}</td></tr>`)
      .join("");
}

let shown = 0;

async function showTasks(agency, other) {
  const mine = ++shown;
  const p = filterParams();
  p.set("agency", agency);
  if (other) p.set("other", other);
  const box = $("detail");
  box.innerHTML = `<h2>${esc(agency)}${other ? " — " + esc(other) : ""}</h2><p class="hint">加载中…</p>`;
  const body = await getJSON("/overlap/tasks?" + p);
  if (mine !== shown) return;
  const items = body.items
    .map((t) => {
      const roles = Object.entries(t.roles).map(([a, r]) => `${esc(a)}：${esc(r.join("、"))}`).join("；");
      const ev = [...new Set(t.evidence.map((e) => e.evidence).filter(Boolean))].map((s) => `<blockquote>${esc(s)}</blockquote>`).join("");
      return `<div class="task"><div><span class="path">${esc(t.path)}</span><b>${esc(t.title || "")}</b></div>
        <div class="roles">${roles}</div>${ev}
        <div><a href="${esc(t.document)}" target="_blank">${esc(t.policy_title)}</a>${t.year ? " · " + t.year : ""}</div></div>`;
    })
    .join("");
  box.innerHTML = `<h2>${esc(agency)}${other ? " — " + esc(other) : ""}</h2><p class="count">任务 <b id="detail-count">${body.items.length}</b> 项</p>${items}`;
}

let latest = 0; // filters change faster than answers come: only the answer to the latest request is drawn

async function refresh() {
  const mine = ++latest;
  page.ready = false;
  const params = filterParams();
  const net = await getJSON("/overlap/network?" + params);
  if (mine !== latest) return;
  page.network = net;
  page.nodeCount = net.nodes.length;
  page.edgeCount = net.edges.length;
  setupFacets(net.facets);
  $("node-count").textContent = net.nodes.length;
  $("edge-count").textContent = net.edges.length;
  $("task-count").textContent = net.tasks;
  $("agency-names").innerHTML = net.nodes.map((n) => `<option value="${esc(n.agency)}">`).join("");
  drawNetwork();
  drawRanking();
  await drawHeatmap(params, mine);
  if (mine !== latest) return;
  page.ready = true;
  document.body.dataset.ready = "1";
}

// Pixel position of an agency's node in the chart (for the browser test and for the search).
page.nodePixel = (name) => {
  const data = page.chart.getModel().getSeriesByIndex(0).getData();
  const idx = data.indexOfName(name);
  if (idx < 0) return null;
  const [x, y] = data.getItemLayout(idx);
  return page.chart.convertToPixel({ seriesIndex: 0 }, [x, y]);
};

function search() {
  const name = $("f-search").value.trim();
  const node = page.network && page.network.nodes.find((n) => n.agency === name || n.agency.includes(name));
  if (!name || !node) return;
  page.chart.dispatchAction({ type: "downplay", seriesIndex: 0 });
  page.chart.dispatchAction({ type: "highlight", seriesIndex: 0, name: node.agency });
  showTasks(node.agency).catch(report);
}

function report(err) {
  $("detail").innerHTML = `<h2>出错</h2><p>${esc(err.message || err)}</p>`;
}

window.addEventListener("DOMContentLoaded", () => {
  page.chart = echarts.init($("graph"));
  page.heatmap = echarts.init($("heatmap"));
  page.chart.on("click", (p) => {
    if (p.dataType === "node") showTasks(p.name).catch(report);
    else if (p.dataType === "edge") showTasks(p.data.source, p.data.target).catch(report);
  });
  page.heatmap.on("click", (p) => {
    const m = page.heatmap.getOption().xAxis[0].data;
    showTasks(m[p.data[1]], m[p.data[0]]).catch(report);
  });
  for (const id of ["f-policy", "f-region", "f-level", "f-year-from", "f-year-to", "f-years-on"]) {
    $(id).addEventListener("change", () => { updateYearLabel(); refresh().catch(report); });
  }
  for (const el of document.querySelectorAll("#f-roles input")) el.addEventListener("change", () => refresh().catch(report));
  $("f-year-from").addEventListener("input", updateYearLabel);
  $("f-year-to").addEventListener("input", updateYearLabel);
  $("f-color").addEventListener("change", drawNetwork);
  $("f-search").addEventListener("change", search);
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); search(); });
  window.addEventListener("resize", () => { page.chart.resize(); page.heatmap.resize(); });
  refresh().catch(report);
});
