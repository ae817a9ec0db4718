/** Terminal output helpers: colours when writing to a terminal, a progress line on stderr. */
import type { Progress } from '../explorer/result.ts';

const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;
const wrap = (code: string) => (s: string) => (tty ? `\u001b[${code}m${s}\u001b[0m` : s);
export const c = { red: wrap('31'), green: wrap('32'), yellow: wrap('33'), bold: wrap('1'), dim: wrap('2') };

/** A one-line progress display on stderr, shown only when stderr is a terminal. */
export class ProgressBar {
  private shown = false;
  private readonly enabled = process.stderr.isTTY === true;
  private readonly t0 = Date.now();

  constructor(private readonly label: string) {}

  update(p: Progress): void {
    if (!this.enabled || Date.now() - this.t0 < 1000) return;
    const width = 24;
    let bar: string;
    if (p.fraction !== null) {
      const n = Math.round(Math.min(1, p.fraction) * width);
      bar = '[' + '#'.repeat(n) + '.'.repeat(width - n) + ']';
    } else {
      const pos = Math.floor(p.seconds * 8) % width;
      bar = '[' + '.'.repeat(pos) + '#' + '.'.repeat(width - pos - 1) + ']';
    }
    const rate = p.seconds > 0 ? Math.round(p.states / p.seconds) : 0;
    const line = `${this.label} ${bar} ${p.states.toLocaleString('en-US')} states, ${p.transitions.toLocaleString('en-US')} transitions, depth ${p.depth}, queue ${p.queue.toLocaleString('en-US')}, ${rate.toLocaleString('en-US')} states/s, ${p.seconds.toFixed(1)} s`;
    process.stderr.write('\r\u001b[2K' + line.slice(0, (process.stderr.columns ?? 120) - 1));
    this.shown = true;
  }

  message(text: string): void {
    if (!this.enabled || Date.now() - this.t0 < 1000) return;
    process.stderr.write('\r\u001b[2K' + `${this.label} ${text}`.slice(0, (process.stderr.columns ?? 120) - 1));
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\u001b[2K');
    this.shown = false;
  }
}

/** Visible width (colour escapes take no room). */
const width = (s: string): number => s.replace(/\u001b\[[0-9;]*m/g, '').length;

export function table(rows: string[][], header: string[]): string {
  const all = [header, ...rows];
  const w = header.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const fmt = (r: string[]) => r.map((x, i) => (x ?? '') + ' '.repeat(Math.max(0, w[i] - width(x ?? '')))).join('  ').trimEnd();
  return [fmt(header), fmt(w.map((n) => '-'.repeat(n))), ...rows.map(fmt)].join('\n');
}
