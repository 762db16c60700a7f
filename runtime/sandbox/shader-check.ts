/**
 * Compiles a fragment shader once on its own before hydra's regl gets it. regl reports a compile
 * failure by printing the whole annotated source to the console and throwing a message without the
 * cause; checking first gives a one-line cause for the error overlay and keeps the console clean.
 * Shaders that compiled are remembered, so each distinct shader is checked once.
 */
export function createShaderCheck(gl: WebGLRenderingContext | WebGL2RenderingContext, remember = 512) {
  const good = new Set<string>();
  return function check(frag: string): string | undefined {
    if (good.has(frag)) return undefined;
    const shader = gl.createShader(gl.FRAGMENT_SHADER);
    if (!shader) return gl.isContextLost() ? 'The WebGL context was lost.' : undefined;
    gl.shaderSource(shader, frag);
    gl.compileShader(shader);
    const ok = gl.getShaderParameter(shader, gl.COMPILE_STATUS) as boolean;
    const log = ok ? '' : (gl.getShaderInfoLog(shader) ?? '');
    gl.deleteShader(shader);
    if (ok) {
      if (good.size >= remember) good.clear();
      good.add(frag);
      return undefined;
    }
    if (gl.isContextLost()) return 'The WebGL context was lost.';
    return summarizeShaderLog(log, frag);
  };
}

/** `'oops' : undeclared identifier (in GLSL function "bad")` from a driver's info log. */
export function summarizeShaderLog(log: string, frag: string): string {
  const lines = frag.split('\n');
  for (const raw of log.split('\n')) {
    const match = /ERROR:\s*\d+:(\d+):\s*(.*)/.exec(raw) ?? /\d+:(\d+)\(\d+\):\s*error:\s*(.*)/i.exec(raw);
    if (!match) continue;
    const lineNo = Number(match[1]);
    const fn = enclosingFunction(lines, lineNo - 1);
    return `${match[2]!.trim()}${fn ? ` (in GLSL function "${fn}")` : ''}`;
  }
  const first = log.split('\n').find((l) => l.trim() !== '');
  return first ? first.trim() : 'unknown GLSL error';
}

function enclosingFunction(lines: string[], index: number): string | undefined {
  for (let i = Math.min(index, lines.length - 1); i >= 0; i--) {
    const match = /^\s*(?:vec[234]|float|void|mat[234])\s+(\w+)\s*\(/.exec(lines[i]!);
    if (match) return match[1] === 'main' ? undefined : match[1];
  }
  return undefined;
}
