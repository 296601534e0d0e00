// The HTML report's stylesheet, inlined so the report is one self-contained file. Colours are chosen for
// >= 4.5:1 contrast on their backgrounds (WCAG 1.4.3); controls are at least 24px (2.5.8); severity and status
// always carry their name as text, so colour is never the only signal (1.4.1).
export const CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4b5563; --line: #c9ced6; --link: #1d4ed8; --focus: #1d4ed8;
  --critical: #7f1d1d; --high: #b42318; --medium: #8a4b00; --low: #1d4e89; --info: #4b5563;
  --fail: #b42318; --unknown: #6b21a8; --waived: #4b5563; --pass: #166534; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
body { margin: 0; }
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875em; overflow-wrap: anywhere; }
.skip { position: absolute; left: 0.5rem; top: -4rem; background: #fff; padding: 0.5rem 1rem; border: 2px solid var(--focus); z-index: 10; }
.skip:focus { top: 0.5rem; }
header.top { padding: 1rem 1.5rem 0.5rem; border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0 0 0.25rem; font-size: 1.6rem; }
.meta { margin: 0; color: var(--muted); }
nav { padding: 0 1.5rem; border-bottom: 1px solid var(--line); }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 0; padding: 0; }
nav a { display: inline-block; min-height: 24px; padding: 0.5rem 0; }
main { padding: 0 1.5rem 2rem; max-width: 80rem; }
main:focus { outline: none; }
h2 { font-size: 1.35rem; margin: 1.75rem 0 0.75rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }
.banner { border: 2px solid #8a4b00; background: #fff7e6; padding: 0.75rem 1rem; margin-top: 1rem; }
.banner.bad { border-color: var(--fail); background: #fdf2f2; }
.banner h2 { margin: 0 0 0.25rem; font-size: 1.1rem; }
.banner p { margin: 0; }
.gate { font-size: 1.05rem; }
.gate strong.fail { color: var(--fail); }
.gate strong.pass { color: var(--pass); }
.kpis { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0.75rem 0; padding: 0; }
.kpis div { border: 1px solid var(--line); padding: 0.5rem 0.9rem; min-width: 9rem; }
.kpis dt { color: var(--muted); font-size: 0.875rem; }
.kpis dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr)); gap: 0 2rem; }
.chart svg { width: 100%; height: auto; max-width: 40rem; display: block; }
.chart svg text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #1b1f24; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
form.filters { border: 1px solid var(--line); padding: 0.75rem 1rem; display: flex; flex-wrap: wrap; gap: 0.75rem 1.5rem; align-items: flex-end; }
fieldset { border: 0; padding: 0; margin: 0; }
legend { font-weight: 600; padding: 0; margin-bottom: 0.25rem; }
.opts { display: flex; flex-wrap: wrap; gap: 0.25rem 0.9rem; }
.opts label { display: inline-flex; align-items: center; gap: 0.35rem; min-height: 24px; cursor: pointer; }
input[type=checkbox], input[type=radio] { width: 1.5rem; height: 1.5rem; margin: 0; accent-color: var(--link); }
.field { display: flex; flex-direction: column; gap: 0.2rem; }
.field label { font-weight: 600; }
input[type=search], select { font: inherit; min-height: 2.25rem; padding: 0.25rem 0.5rem; border: 1px solid #6b7280; border-radius: 3px; background: #fff; color: var(--ink); }
input[type=search] { width: 16rem; }
select { max-width: 22rem; }
button { font: inherit; min-height: 2.25rem; padding: 0.25rem 0.9rem; border: 1px solid #374151; border-radius: 3px; background: #f3f4f6; color: var(--ink); cursor: pointer; }
button:hover { background: #e5e7eb; }
.count { margin: 0.75rem 0; font-weight: 600; }
.group { border-top: 1px solid var(--line); }
.group h3 { margin: 0; font-size: 1rem; }
.group h3 button { width: 100%; text-align: left; border: 0; border-radius: 0; background: transparent; padding: 0.6rem 0.25rem; display: flex; gap: 0.6rem; align-items: baseline; flex-wrap: wrap; }
.group h3 button:hover { background: #f3f4f6; }
.chev { display: inline-block; width: 1rem; transition: transform 0.1s; }
button[aria-expanded=true] .chev { transform: rotate(90deg); }
.g-title { font-weight: 600; }
.g-meta { color: var(--muted); font-weight: 400; font-size: 0.9rem; }
.group-body { padding: 0 0 0.75rem 1.6rem; }
.finding { border-left: 4px solid var(--line); padding: 0.4rem 0 0.4rem 0.9rem; margin: 0.6rem 0; }
.finding.s-critical { border-left-color: var(--critical); }
.finding.s-high { border-left-color: var(--high); }
.finding.s-medium { border-left-color: var(--medium); }
.finding.s-low { border-left-color: var(--low); }
.finding h4 { margin: 0 0 0.25rem; font-size: 1rem; }
.finding h4:focus { outline: 3px solid var(--focus); }
.badges { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0 0 0.35rem; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 3px; font-size: 0.8rem; font-weight: 600; line-height: 1.5rem; color: #fff; }
.badge.s-critical { background: var(--critical); }
.badge.s-high { background: var(--high); }
.badge.s-medium { background: var(--medium); }
.badge.s-low { background: var(--low); }
.badge.s-info { background: var(--info); }
.badge.st { background: #fff; border: 1px solid currentColor; }
.badge.st-fail { color: var(--fail); }
.badge.st-unknown { color: var(--unknown); }
.badge.st-waived { color: var(--waived); }
.badge.st-pass { color: var(--pass); }
.badge.lbl { background: #fff; color: var(--ink); border: 1px solid #6b7280; font-weight: 400; }
.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.9rem; margin: 0; font-size: 0.925rem; }
.finding dl div { display: contents; }
.finding dt { color: var(--muted); }
.finding dd { margin: 0; overflow-wrap: anywhere; }
.finding ul { margin: 0; padding-left: 1.1rem; }
.more { margin: 0.5rem 0; }
.empty { font-style: italic; }
.print-note { display: none; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
footer { padding: 1rem 1.5rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.875rem; }
@media print {
  html { font-size: 10pt; }
  .skip, nav, form.filters, .more, .count, noscript, .chev { display: none !important; }
  main { max-width: none; padding: 0; }
  header.top, footer { padding-left: 0; padding-right: 0; }
  a { color: inherit; text-decoration: none; }
  .print-note { display: block; }
  .charts { display: block; }
  .chart, .finding, tr { break-inside: avoid; }
  .group h3 button { padding: 0.3rem 0; }
  .badge, .banner, .finding { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;
