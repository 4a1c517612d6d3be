interface Props {
  /** 0..1 */
  value: number;
  label: string;
}

export function ProgressBar({ value, label }: Props) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div class="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <div class="progress-fill" style={{ width: `${pct}%` }} />
      <span class="progress-text">{pct}%</span>
    </div>
  );
}
