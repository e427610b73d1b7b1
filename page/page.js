// The report page's one script, bundled with chart.js into assets/page.js at build time (esbuild,
// scripts/build.mjs): no CDN, works from file://, allowed by the page's CSP (script-src 'self').
// It draws the charts from the JSON specs in #aos-data, runs the memory search box, and under
// `aos serve` refreshes the page's content on server-sent events and sends approve/deny answers.
import { Chart, registerables } from 'chart.js';

Chart.register(...registerables);

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const color = (i) => PALETTE[i % PALETTE.length];
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
const stamp = (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

let charts = [];

function pageData() {
  const el = document.getElementById('aos-data');
  try {
    return JSON.parse(el ? el.textContent : '{}');
  } catch {
    return {};
  }
}

function chartConfig(spec) {
  const datasets = spec.datasets.map((d) => ({
    label: d.label,
    data: d.data,
    type: d.type,
    stack: d.stack,
    borderColor: color(d.color),
    backgroundColor: d.type === 'line' ? color(d.color) : color(d.color) + 'cc',
    borderDash: d.dashed ? [6, 4] : undefined,
    borderWidth: d.dashed ? 1.5 : 2,
    pointRadius: d.dashed ? 0 : 3,
    fill: false,
    showLine: d.type !== 'scatter',
  }));
  const scales = {};
  if (spec.timeX) scales.x = { type: 'linear', ticks: { callback: (v) => (spec.type === 'scatter' ? stamp(v) : day(v)), maxRotation: 0, autoSkip: true } };
  else scales.x = { stacked: !!spec.stacked };
  scales.y = { stacked: !!spec.stacked, beginAtZero: true, title: spec.yTitle ? { display: true, text: spec.yTitle } : undefined };
  if (spec.yNames) {
    scales.y = { min: -1, max: spec.yNames.length, ticks: { stepSize: 1, callback: (v) => spec.yNames[v] ?? '' } };
  }
  return {
    type: spec.type,
    data: { labels: spec.labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: spec.timeX ? { xAxisKey: 'x', yAxisKey: 'y' } : undefined,
      scales,
      plugins: {
        legend: { position: 'bottom' },
        tooltip: spec.yNames ? { callbacks: { label: (c) => `${spec.yNames[c.parsed.y]} · ${c.dataset.label} · ${stamp(c.parsed.x)}` } } : {},
      },
    },
  };
}

function drawCharts() {
  for (const c of charts) c.chart.destroy();
  charts = [];
  const specs = pageData().charts || [];
  for (const spec of specs) {
    const canvas = document.querySelector(`canvas[data-chart="${CSS.escape(spec.id)}"]`);
    if (!canvas) continue;
    charts.push({ id: spec.id, chart: new Chart(canvas, chartConfig(spec)) });
  }
}

function memorySearch() {
  const box = document.getElementById('memory-search');
  if (!box) return;
  const count = document.getElementById('memory-search-count');
  const run = () => {
    const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    const topics = document.querySelectorAll('#topics .topic');
    for (const t of topics) {
      const text = t.textContent.toLowerCase();
      const hit = words.every((w) => text.includes(w));
      t.hidden = !hit;
      if (hit) shown++;
    }
    for (const li of document.querySelectorAll('#memory-index li')) {
      const a = li.querySelector('a');
      const target = a && document.getElementById(a.getAttribute('href').slice(1));
      li.hidden = !!words.length && !!target && target.hidden;
    }
    if (count) count.textContent = words.length ? `${shown} of ${topics.length} topics` : '';
  };
  box.addEventListener('input', run);
  run();
}

function token() {
  const m = document.querySelector('meta[name="aos-token"]');
  return m ? m.getAttribute('content') : '';
}

function answerButtons() {
  for (const b of document.querySelectorAll('button[data-answer]')) {
    b.addEventListener('click', async () => {
      const li = b.closest('li');
      for (const other of li.querySelectorAll('button')) other.disabled = true;
      const out = li.querySelector('.answer-result');
      try {
        const res = await fetch(`/api/approvals/${encodeURIComponent(b.dataset.id)}/${b.dataset.answer}`, { method: 'POST', headers: { authorization: `Bearer ${token()}` } });
        const body = await res.json().catch(() => ({}));
        out.textContent = res.ok ? `${body.status}` : `not done: ${body.error || res.status}`;
      } catch (err) {
        out.textContent = `not sent: ${err}`;
      }
    });
  }
}

function wire() {
  drawCharts();
  memorySearch();
  answerButtons();
}

/** Replaces the main content and the data with a fresh copy of this page (no reload: state and scroll stay). */
async function refresh() {
  const res = await fetch(location.pathname, { headers: { authorization: `Bearer ${token()}` } });
  if (!res.ok) return;
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const query = document.getElementById('memory-search')?.value;
  document.getElementById('main').replaceWith(document.adoptNode(doc.getElementById('main')));
  document.getElementById('aos-data').textContent = doc.getElementById('aos-data').textContent;
  const box = document.getElementById('memory-search');
  if (box && query) box.value = query;
  wire();
  document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
}

function live() {
  if (document.body.dataset.live !== '1') return;
  const state = document.getElementById('live-state');
  const events = new EventSource(`/events`);
  events.addEventListener('change', () => refresh().catch((err) => console.warn('refresh failed', err)));
  events.addEventListener('open', () => state && (state.textContent = 'live'));
  events.addEventListener('error', () => state && (state.textContent = 'disconnected (retrying)'));
}

// For tests and curious owners: what each chart holds.
window.aosReport = {
  charts: () => charts.map((c) => ({ id: c.id, datasets: c.chart.data.datasets.map((d) => ({ label: d.label, data: d.data })), points: c.chart.getSortedVisibleDatasetMetas().reduce((n, m) => n + m.data.length, 0) })),
};

wire();
live();
