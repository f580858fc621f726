// The tokenization the report metrics are computed on. coco-caption runs the Stanford PTB tokenizer (Java) first;
// Radraft uses the simpler rule the golden reference values were made with (shared/golden/report_metrics_cases.json):
// lower-case, every run of characters outside a–z and 0–9 becomes one space, split on whitespace.

export function metricTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((t) => t !== '');
}
