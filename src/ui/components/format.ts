/** Formatting helpers shared by the UI. */

/** 1536 -> "1.5 KB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** 95 -> "1 min 35 s" (the one duration format of the UI; "—" when unknown). */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A time per LM call: 850 -> "850 ms", 1500 -> "1.5 s" (sub-second precision matters here, unlike for durations). */
export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// Made once: a browser's first toLocaleString builds its locale data, a 50-80 ms task on a
// slow machine, which landed in the middle of a live run's first usage update.
const COUNT = new Intl.NumberFormat('en-US');

/** 12345 -> "12,345" (the one count format of the UI). */
export function formatCount(n: number): string {
  return COUNT.format(n);
}
