// A one-line progress bar for the terminal (redrawn with \r); one line per update when stderr is not a terminal.

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function progressLine(done: number, total: number, drafted: number, elapsedMs: number, width = 24): string {
  const fraction = total === 0 ? 1 : done / total;
  const filled = Math.round(fraction * width);
  const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (done === total ? '=' : '>') : ''}${' '.repeat(width - filled)}`;
  const perCase = drafted > 0 ? elapsedMs / drafted : Number.NaN;
  const eta = drafted > 0 ? formatDuration(perCase * (total - done)) : '?';
  const rate = drafted > 0 ? `${(perCase / 1000).toFixed(perCase < 10_000 ? 2 : 1)} s/case` : '';
  return `eval ${String(done).padStart(String(total).length)}/${total} [${bar}] ${Math.floor(fraction * 100)}% ${rate}${done < total ? ` · ETA ${eta}` : ''}`;
}
