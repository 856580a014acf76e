import { type Html, html } from '../../report/html.ts';

export interface ChartSeries {
  label: string;
  /** Percent 0–100 per window, null when the status was never known in it. */
  values: (number | null)[];
}

const COLOURS = ['#13294b', '#3a7ca5', '#8fb8d6'];

/**
 * Time in compliance as grouped vertical bars (one group per standard, one bar per window), drawn as inline SVG by
 * us: no script, no chart library to serve. Each bar has its percentage as a <title> (a tooltip), and the page
 * repeats the numbers in a table for screen readers.
 */
export function complianceChart(windows: readonly string[], series: readonly ChartSeries[]): Html {
  const bar = 13;
  const groupGap = 22;
  const left = 34;
  const top = 26;
  const plot = 110;
  const groupWidth = windows.length * bar + groupGap;
  const width = left + series.length * groupWidth;
  const height = top + plot + 22;
  const y = (percent: number) => top + plot - (plot * percent) / 100;
  const grid = [0, 50, 100].map(
    (p) =>
      html`<line x1="${left - 4}" x2="${width}" y1="${y(p)}" y2="${y(p)}" stroke="#ccc" stroke-width="1"></line><text x="${left - 6}" y="${y(p) + 4}" font-size="10" text-anchor="end">${p}%</text>`,
  );
  const legend = windows.map(
    (window, index) =>
      html`<rect x="${left + index * 90}" y="4" width="11" height="11" fill="${COLOURS[index % COLOURS.length]}"></rect><text x="${left + index * 90 + 15}" y="14" font-size="11">${window}</text>`,
  );
  const groups = series.map((entry, groupIndex) => {
    const x0 = left + 8 + groupIndex * groupWidth;
    const bars = entry.values.map((value, index) => {
      const x = x0 + index * bar;
      const label = `${entry.label}, ${windows[index]}: ${value === null ? 'no data' : `${value.toFixed(1)} %`}`;
      if (value === null) {
        return html`<text x="${x + bar / 2}" y="${y(0) - 3}" font-size="9" text-anchor="middle"><title>${label}</title>–</text>`;
      }
      return html`<rect x="${x}" y="${y(value).toFixed(1)}" width="${bar - 2}" height="${(y(0) - y(value)).toFixed(1)}" fill="${COLOURS[index % COLOURS.length]}"><title>${label}</title></rect>`;
    });
    return html`${bars}<text x="${x0 + (windows.length * bar) / 2}" y="${top + plot + 16}" font-size="10.5" text-anchor="middle">${entry.label}</text>`;
  });
  return html`<svg role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">Time in compliance per standard over the last ${windows.join(', ')}</title>${grid}${legend}${groups}</svg>`;
}
