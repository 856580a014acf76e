import { type Html, html } from '../../report/html.ts';

export interface ChartSeries {
  label: string;
  /** Percent 0–100 per window, null when the status was never known in it. */
  values: (number | null)[];
}

const COLOURS = ['#13294b', '#3a7ca5', '#9bc1dd'];

/**
 * Time in compliance as grouped horizontal bars (one group per standard, one bar per window), drawn as inline SVG
 * by us: no script, no chart library to serve, and the numbers are printed beside each bar and repeated in a table
 * for screen readers.
 */
export function complianceChart(windows: readonly string[], series: readonly ChartSeries[]): Html {
  const labelWidth = 90;
  const barWidth = 300;
  const barHeight = 12;
  const gap = 3;
  const groupGap = 12;
  const legendHeight = 22;
  const groupHeight = windows.length * (barHeight + gap) + groupGap;
  const height = legendHeight + series.length * groupHeight;
  const width = labelWidth + barWidth + 70;
  const legend = windows.map(
    (window, index) =>
      html`<rect x="${labelWidth + index * 110}" y="4" width="12" height="12" fill="${COLOURS[index % COLOURS.length]}"></rect><text x="${labelWidth + index * 110 + 16}" y="14" font-size="12">${window}</text>`,
  );
  const groups = series.map((entry, groupIndex) => {
    const top = legendHeight + groupIndex * groupHeight;
    const bars = entry.values.map((value, index) => {
      const y = top + index * (barHeight + gap);
      const length = value === null ? 0 : (barWidth * value) / 100;
      const label = value === null ? 'no data' : `${value.toFixed(1)} %`;
      return html`<rect x="${labelWidth}" y="${y}" width="${barWidth}" height="${barHeight}" fill="#eceff3"></rect><rect x="${labelWidth}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" fill="${COLOURS[index % COLOURS.length]}"></rect><text x="${labelWidth + barWidth + 6}" y="${y + barHeight - 2}" font-size="11">${label}</text>`;
    });
    const labelY = top + (windows.length * (barHeight + gap)) / 2 + 4;
    return html`<text x="0" y="${labelY}" font-size="12" font-weight="600">${entry.label}</text>${bars}`;
  });
  return html`<svg role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">Time in compliance per standard over the last ${windows.join(', ')}</title>${legend}${groups}</svg>`;
}
