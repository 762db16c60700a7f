import type { NodeViewProps } from '../../runtime/plugin/types';

const WIDTH = 180;
const HEIGHT = 44;
const SECONDS = 4;

type Shape = 'sine' | 'saw' | 'square' | 'triangle';
const WAVES: Record<Shape, (phase: number) => number> = {
  sine: (p) => Math.sin(p * Math.PI * 2),
  saw: (p) => (((p % 1) + 1) % 1) * 2 - 1,
  square: (p) => (Math.sin(p * Math.PI * 2) < 0 ? -1 : 1),
  triangle: (p) => 1 - 4 * Math.abs((((p + 0.25) % 1) + 1) % 1 - 0.5),
};

/**
 * The lfo's body: its wave over four seconds, drawn from its own numbers. Expressions and driven
 * inputs are not evaluated here (code never runs in the studio page), so the plot says so instead.
 */
export function LfoView({ params }: NodeViewProps) {
  const number = (id: string, fallback: number) => (params[id] === undefined ? fallback : typeof params[id] === 'number' ? (params[id] as number) : undefined);
  const rate = number('rate', 0.25);
  const amplitude = number('amplitude', 1);
  const offset = number('offset', 0);
  const shape = (typeof params.shape === 'string' && params.shape in WAVES ? params.shape : 'sine') as Shape;
  if (rate === undefined || amplitude === undefined || offset === undefined) {
    return <p className="pr-view-note">The wave depends on an expression; it shows in the preview.</p>;
  }
  const low = offset - Math.abs(amplitude);
  const high = offset + Math.abs(amplitude);
  const span = high - low || 1;
  const points = Array.from({ length: 91 }, (_, i) => {
    const t = (i / 90) * SECONDS;
    const value = offset + amplitude * WAVES[shape](t * rate);
    return `${((i / 90) * WIDTH).toFixed(1)},${(HEIGHT - 4 - ((value - low) / span) * (HEIGHT - 8)).toFixed(1)}`;
  });
  return (
    <svg className="pr-lfo-plot" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${shape} from ${low} to ${high} over ${SECONDS} s`} data-testid="lfo-plot">
      <polyline points={points.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
