// The validation report as one self-contained HTML file: inline CSS and SVG, thumbnails as data: URIs, no script,
// and a Content-Security-Policy that lets nothing load from anywhere. Pure: the caller writes it.
import { diffWords } from '../report/word-diff';
import type { MetricWithInterval } from './score';
import type { EvalCaseResult, EvalResult } from './result';

export interface HtmlReportInput {
  result: EvalResult;
  /** data:image/png;base64,… per case id, for the worst cases. */
  thumbnails: Record<string, string>;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
const ms = (v: number): string => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);

function metricRow(name: string, m: MetricWithInterval, note = ''): string {
  const ci = m.interval ? `${fmt(m.interval.low)} – ${fmt(m.interval.high)}` : '–';
  return `<tr><th scope="row">${escapeHtml(name)}</th><td class="num">${fmt(m.value)}</td><td class="num">${ci}</td><td class="note">${escapeHtml(note)}</td></tr>`;
}

function diffHtml(reference: string, draft: string): string {
  return diffWords(reference, draft)
    .map((p) => (p.op === 'equal' ? escapeHtml(p.text) : p.op === 'delete' ? `<del>${escapeHtml(p.text)}</del>` : `<ins>${escapeHtml(p.text)}</ins>`))
    .join('');
}

function labelsText(labels: Record<string, string | undefined>): string {
  const positives = Object.entries(labels)
    .filter(([, v]) => v === 'positive')
    .map(([k]) => k);
  return positives.length === 0 ? 'none' : positives.join(', ');
}

function worstCase(c: EvalCaseResult, thumbnail: string | undefined): string {
  const img = thumbnail ? `<img src="${escapeHtml(thumbnail)}" alt="model view of ${escapeHtml(c.id)}" width="160">` : '<div class="noimg">no image</div>';
  return `<article class="case" id="case-${escapeHtml(c.id)}">
  <header><h3>${escapeHtml(c.id)}${c.metrics.rougeL === 1 && c.disagreements.length === 0 ? ' <small>(same words as the reference)</small>' : ''}</h3><span>ROUGE-L ${fmt(c.metrics.rougeL)} · BLEU-4 ${fmt(c.metrics.bleu[3])} · CIDEr-D ${fmt(c.metrics.ciderD)} · ${ms(c.latencyMs)}</span></header>
  <div class="cols">
    <figure>${img}<figcaption>${escapeHtml(c.prompt)}</figcaption></figure>
    <section><h4>Reference</h4><p>${escapeHtml(c.reference)}</p><p class="labels">CheXpert positive: ${escapeHtml(labelsText(c.labels.reference))}</p></section>
    <section><h4>Draft</h4><p>${escapeHtml(c.draft)}</p><p class="labels">CheXpert positive: ${escapeHtml(labelsText(c.labels.generated))}</p></section>
    <section><h4>Word diff <small>(reference → draft)</small></h4><p class="diff">${diffHtml(c.reference, c.draft)}</p>${
      c.disagreements.length > 0 ? `<p class="labels bad">Disagree on: ${escapeHtml(c.disagreements.join(', '))}</p>` : ''
    }</section>
  </div>
</article>`;
}

/** Latency histogram as inline SVG: 12 bins from 0 to the slowest case. */
function latencySvg(latencies: readonly number[]): string {
  if (latencies.length === 0) return '';
  const max = Math.max(...latencies, 1);
  const bins = new Array<number>(12).fill(0);
  for (const v of latencies) bins[Math.min(11, Math.floor((v / max) * 12))]++;
  const top = Math.max(...bins);
  const w = 480;
  const h = 120;
  const bw = w / bins.length;
  const bars = bins
    .map((n, i) => {
      const bh = top === 0 ? 0 : (n / top) * (h - 34);
      return `<rect x="${(i * bw + 2).toFixed(1)}" y="${(h - 16 - bh).toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${bh.toFixed(1)}"><title>${n} case(s) ${ms((i * max) / 12)}–${ms(((i + 1) * max) / 12)}</title></rect>${
        n > 0 ? `<text x="${(i * bw + bw / 2).toFixed(1)}" y="${(h - 19 - bh).toFixed(1)}" text-anchor="middle">${n}</text>` : ''
      }`;
    })
    .join('');
  return `<svg class="hist" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="latency per case histogram">${bars}<line x1="0" y1="${h - 16}" x2="${w}" y2="${h - 16}"/><text x="0" y="${h - 2}">0</text><text x="${w}" y="${h - 2}" text-anchor="end">${ms(max)}</text></svg>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;color:#1b1f24;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:14px;margin:0}h4{font-size:12px;margin:0 0 4px;text-transform:uppercase;letter-spacing:.05em;color:#57606a}
.sub{color:#57606a;margin:0 0 12px}.warn{background:#fff1f0;border:1px solid #ffb3ad;padding:8px 12px;border-radius:6px;color:#86181d}
table{border-collapse:collapse;margin:6px 0}th,td{border-bottom:1px solid #eaeef2;padding:4px 10px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.note{color:#57606a;font-size:12px}
dl.id{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}dl.id dt{color:#57606a}dl.id dd{margin:0;font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.case{border:1px solid #d0d7de;border-radius:8px;padding:10px 12px;margin:10px 0;break-inside:avoid}
.case header{display:flex;justify-content:space-between;gap:12px;margin-bottom:8px}.case header span{color:#57606a;font-size:12px}
.cols{display:grid;grid-template-columns:170px 1fr 1fr 1fr;gap:12px}.cols p{margin:0 0 6px;white-space:pre-wrap}
figure{margin:0}figure img{width:160px;height:auto;background:#000;border-radius:4px;display:block}figcaption{font-size:11px;color:#57606a}
.noimg{width:160px;height:160px;background:#eaeef2;display:grid;place-items:center;color:#57606a;border-radius:4px}
.labels{font-size:12px;color:#57606a}.bad{color:#86181d}
del{background:#ffebe9;color:#86181d;text-decoration:line-through}ins{background:#dafbe1;color:#116329;text-decoration:none}
.hist rect{fill:#4a90d9}.hist line{stroke:#57606a}.hist text{font-size:11px;fill:#57606a}
footer{margin-top:32px;color:#57606a;font-size:12px}
`;

export function renderHtmlReport({ result, thumbnails }: HtmlReportInput): string {
  const r = result;
  const m = r.metrics;
  const byId = new Map(r.cases.map((c) => [c.id, c]));
  const worst = r.worst.map((id) => byId.get(id)).filter((c): c is EvalCaseResult => c !== undefined);
  const observationRows = r.perObservation
    .map(
      (o) =>
        `<tr><th scope="row">${escapeHtml(o.observation)}</th><td class="num">${o.support}</td><td class="num">${o.truePositives + o.falsePositives}</td><td class="num">${o.truePositives}</td><td class="num">${fmt(o.precision)}</td><td class="num">${fmt(o.recall)}</td><td class="num">${fmt(o.f1)}</td></tr>`,
    )
    .join('\n');
  const caseRows = r.cases
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.id)}</td><td class="num">${fmt(c.metrics.bleu[3])}</td><td class="num">${fmt(c.metrics.rougeL)}</td><td class="num">${fmt(c.metrics.ciderD)}</td><td>${escapeHtml(c.disagreements.join(', ') || '–')}</td><td class="num">${ms(c.latencyMs)}</td><td class="num">${c.tokens}</td></tr>`,
    )
    .join('\n');
  const problems =
    r.dataset.problems.length === 0
      ? ''
      : `<h2>Cases left out (${r.dataset.problems.length})</h2><table><thead><tr><th>Case</th><th>Why</th></tr></thead><tbody>${r.dataset.problems
          .map((p) => `<tr><td>${escapeHtml(p.case)}</td><td>${escapeHtml(p.message)}</td></tr>`)
          .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Radraft validation — ${escapeHtml(r.model.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Validation of ${escapeHtml(r.model.name)}</h1>
<p class="sub">${r.dataset.scoredCount} of ${r.dataset.caseCount} cases from ${escapeHtml(r.dataset.kind === 'signed' ? 'reports signed in this Radraft' : `dataset "${r.dataset.name}"`)} · ${escapeHtml(r.createdAt.slice(0, 10))} · Radraft ${escapeHtml(r.radraftVersion)}</p>
${r.model.demo ? '<p class="warn">This is the demo model: it memorised 11 training images and knows nothing of medicine. Not for clinical use.</p>' : ''}
<h2>Model and dataset</h2>
<dl class="id">
<dt>Model</dt><dd>${escapeHtml(r.model.name)}</dd>
<dt>Manifest sha256</dt><dd>${escapeHtml(r.model.manifestSha256)}</dd>
<dt>Weights dtype</dt><dd>${escapeHtml(r.model.dtype)} · image size ${r.model.imageSize} px</dd>
<dt>Dataset fingerprint</dt><dd>sha256 ${escapeHtml(r.dataset.fingerprint)}</dd>
<dt>Generation</dt><dd>greedy, ${r.settings.maxTokens === null ? "the model's max new tokens" : `at most ${r.settings.maxTokens} new tokens`}${r.settings.limit === null ? '' : ` · first ${r.settings.limit} cases`}</dd>
</dl>
<h2>Summary</h2>
<table>
<thead><tr><th>Metric</th><th>Value</th><th>95% CI (bootstrap, ${r.settings.resamples} resamples)</th><th></th></tr></thead>
<tbody>
${m.bleu.map((b, k) => metricRow(`BLEU-${k + 1}`, b, k === 3 ? 'corpus level, as coco-caption' : '')).join('\n')}
${metricRow('ROUGE-L', m.rougeL, 'mean over cases, beta 1.2')}
${metricRow('CIDEr-D', m.ciderD, 'idf over these references; ×10')}
${metricRow('CheXpert micro-F1 (14)', m.chexpertMicroF1, 'positive labels, generated vs reference')}
${metricRow('CheXpert macro-F1 (14)', m.chexpertMacroF1, 'mean over observations present in either')}
${metricRow('CheXpert micro-F1 (5)', m.chexpertMicroF1Of5, 'atelectasis, cardiomegaly, consolidation, edema, effusion')}
${metricRow('CheXpert macro-F1 (5)', m.chexpertMacroF1Of5, '')}
</tbody>
</table>
<p class="sub">CheXpert labels come from Radraft's rule-based labeler, an approximation of the published CheXpert labeler (see docs/validation.md). Text metrics are computed on findings + impression, lower-cased, punctuation removed.</p>
<h2>Per observation</h2>
<table>
<thead><tr><th>Observation</th><th>Reference positive</th><th>Draft positive</th><th>Both</th><th>Precision</th><th>Recall</th><th>F1</th></tr></thead>
<tbody>
${observationRows}
</tbody>
</table>
<h2>Latency</h2>
<p>Per case (image reading, preprocessing and generation): mean ${ms(r.latency.meanMs)}, median ${ms(r.latency.p50Ms)}, 90th percentile ${ms(r.latency.p90Ms)}, slowest ${ms(r.latency.maxMs)}${
    r.latency.tokensPerSecond === null ? '' : ` · ${r.latency.tokensPerSecond.toFixed(1)} tokens/s overall`
  } · model load ${ms(r.model.loadMs)} · whole run ${ms(r.latency.totalMs)}.</p>
${latencySvg(r.cases.map((c) => c.latencyMs))}
<h2>Worst cases</h2>
<p class="sub">Most CheXpert disagreements first, then lowest ROUGE-L.</p>
${worst.map((c) => worstCase(c, thumbnails[c.id])).join('\n')}
${problems}
<h2>All cases</h2>
<table>
<thead><tr><th>Case</th><th>BLEU-4</th><th>ROUGE-L</th><th>CIDEr-D</th><th>CheXpert disagreements</th><th>Latency</th><th>Tokens</th></tr></thead>
<tbody>
${caseRows}
</tbody>
</table>
<footer>Written by Radraft ${escapeHtml(r.radraftVersion)} on this workstation; nothing was sent anywhere. The full figures are in eval-result.json beside this file.</footer>
</body>
</html>
`;
}
