/**
 * Small SVG charts drawn here (no chart library): horizontal bars for counts per organisation, a
 * bullet bar for storage used against quota, and a ring for one share. Each chart is an image with
 * a text description for screen readers, and values are also written beside the bars.
 */
import { formatBytes } from '../api';

const ROW = 34;
const LABEL_W = 190;
const VALUE_W = 90;

export interface BarDatum {
  label: string;
  value: number;
  /** Shown beside the bar instead of the value. */
  valueLabel?: string;
}

/** Whole-number axis ticks in steps of 1, 2 or 5 (times a power of ten), about four of them. */
function axis(v: number): number[] {
  const raw = Math.max(1, v) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p);
  const top = Math.max(step, Math.ceil(Math.max(1, v) / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);
  return ticks;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function BarChart({ data, title, width = 560 }: { data: BarDatum[]; title: string; width?: number }) {
  const ticks = axis(Math.max(0, ...data.map((d) => d.value)));
  const max = ticks[ticks.length - 1]!;
  const plot = width - LABEL_W - VALUE_W;
  const height = Math.max(1, data.length) * ROW + 26;
  const desc = data.map((d) => `${d.label}: ${d.valueLabel ?? d.value}`).join('; ');
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}. ${desc || 'No data.'}`} preserveAspectRatio="xMinYMin meet">
      <title>{title}</title>
      {ticks.map((t, i) => {
        const x = LABEL_W + (plot * t) / max;
        return (
          <g key={i}>
            <line x1={x} x2={x} y1={4} y2={height - 22} className="chart__grid" />
            <text x={x} y={height - 6} className="chart__tick" textAnchor="middle">
              {t}
            </text>
          </g>
        );
      })}
      {data.map((d, i) => {
        const y = 8 + i * ROW;
        const w = max > 0 ? (plot * d.value) / max : 0;
        return (
          <g key={d.label}>
            <text x={LABEL_W - 10} y={y + ROW / 2} className="chart__label" textAnchor="end" dominantBaseline="middle">
              <title>{d.label}</title>
              {truncate(d.label, 26)}
            </text>
            <rect x={LABEL_W} y={y + 5} width={Math.max(w, d.value > 0 ? 2 : 0)} height={ROW - 12} rx={3} className="chart__bar" />
            <text x={LABEL_W + w + 8} y={y + ROW / 2} className="chart__value" dominantBaseline="middle">
              {d.valueLabel ?? d.value}
            </text>
          </g>
        );
      })}
      {data.length === 0 ? (
        <text x={LABEL_W} y={ROW / 2 + 8} className="chart__label">
          No data yet
        </text>
      ) : null}
    </svg>
  );
}

export interface StorageDatum {
  label: string;
  used: number;
  quota: number;
}

/** Each organisation's allocated quota as a track, the storage used as the filled part of it. */
export function StorageChart({ data, title, width = 560 }: { data: StorageDatum[]; title: string; width?: number }) {
  const maxQuota = Math.max(1, ...data.map((d) => d.quota));
  const plot = width - LABEL_W - VALUE_W - 40;
  const height = Math.max(1, data.length) * ROW + 8;
  const desc = data.map((d) => `${d.label}: ${formatBytes(d.used)} used of ${formatBytes(d.quota)}`).join('; ');
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}. ${desc || 'No data.'}`} preserveAspectRatio="xMinYMin meet">
      <title>{title}</title>
      {data.map((d, i) => {
        const y = 4 + i * ROW;
        const track = (plot * d.quota) / maxQuota;
        const share = d.quota > 0 ? d.used / d.quota : 0;
        const fill = Math.min(track, track * share);
        const level = share >= 0.9 ? 'high' : share >= 0.7 ? 'mid' : 'low';
        return (
          <g key={d.label}>
            <text x={LABEL_W - 10} y={y + ROW / 2} className="chart__label" textAnchor="end" dominantBaseline="middle">
              <title>{d.label}</title>
              {truncate(d.label, 26)}
            </text>
            <rect x={LABEL_W} y={y + 6} width={Math.max(track, 2)} height={ROW - 14} rx={3} className="chart__track" />
            <rect x={LABEL_W} y={y + 6} width={Math.max(fill, d.used > 0 ? 2 : 0)} height={ROW - 14} rx={3} className={`chart__fill chart__fill--${level}`} />
            <text x={LABEL_W + track + 8} y={y + ROW / 2} className="chart__value" dominantBaseline="middle">
              {formatBytes(d.used)} of {formatBytes(d.quota)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** A ring showing one share (e.g. storage used of all quota), with the percentage in the middle. */
export function Ring({ value, total, label, size = 150 }: { value: number; total: number; label: string; size?: number }) {
  const r = size / 2 - 12;
  const c = 2 * Math.PI * r;
  const share = total > 0 ? Math.min(1, value / total) : 0;
  const pct = share * 100;
  const shown = pct > 0 && pct < 1 ? '<1%' : `${Math.round(pct)}%`;
  return (
    <svg className="ring" width={size} height={size} viewBox={`0 0 ${size} ${size}`} role="img" aria-label={`${label}: ${shown}`}>
      <title>{label}</title>
      <circle cx={size / 2} cy={size / 2} r={r} className="ring__track" />
      <circle
        cx={size / 2}
        cy={size / 2}
        r={r}
        className={`ring__fill ring__fill--${share >= 0.9 ? 'high' : share >= 0.7 ? 'mid' : 'low'}`}
        strokeDasharray={`${c * share} ${c}`}
        transform={`rotate(-90 ${size / 2} ${size / 2})`}
      />
      <text x="50%" y="48%" textAnchor="middle" dominantBaseline="middle" className="ring__pct">
        {shown}
      </text>
      <text x="50%" y="64%" textAnchor="middle" dominantBaseline="middle" className="ring__caption">
        used
      </text>
    </svg>
  );
}

export interface DayDatum {
  /** YYYY-MM-DD (UTC). */
  day: string;
  value: number;
}

/** One column per day, oldest on the left, with day-of-month labels and the busiest day's value. */
export function DailyChart({ data, title, unit, width = 560 }: { data: DayDatum[]; title: string; unit: string; width?: number }) {
  const height = 190;
  const left = 40;
  const bottom = 30;
  const ticks = axis(Math.max(0, ...data.map((d) => d.value)));
  const max = ticks[ticks.length - 1]!;
  const plotH = height - bottom - 10;
  const slot = (width - left - 10) / Math.max(1, data.length);
  const desc = data.map((d) => `${d.day}: ${d.value} ${unit}`).join('; ');
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}. ${desc || 'No data.'}`} preserveAspectRatio="xMinYMin meet">
      <title>{title}</title>
      {ticks.map((t, i) => {
        const y = 10 + plotH - (plotH * t) / max;
        return (
          <g key={i}>
            <line x1={left} x2={width - 10} y1={y} y2={y} className="chart__grid" />
            <text x={left - 6} y={y} className="chart__tick" textAnchor="end" dominantBaseline="middle">
              {t}
            </text>
          </g>
        );
      })}
      {data.map((d, i) => {
        const h = max > 0 ? (plotH * d.value) / max : 0;
        const x = left + i * slot + slot * 0.15;
        return (
          <g key={d.day}>
            <rect x={x} y={10 + plotH - h} width={slot * 0.7} height={Math.max(h, d.value > 0 ? 2 : 0)} rx={2} className="chart__bar">
              <title>{`${d.day}: ${d.value} ${unit}`}</title>
            </rect>
            <text x={x + slot * 0.35} y={height - 10} className="chart__tick" textAnchor="middle">
              {Number(d.day.slice(8))}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
