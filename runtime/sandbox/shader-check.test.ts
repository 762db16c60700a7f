import { describe, expect, it } from 'vitest';
import { createShaderCheck, summarizeShaderLog } from './shader-check';

/** A fragment shader shaped like the ones hydra generates: helpers first, then main. */
const FRAG = [
  'precision highp float;', // 1
  'uniform float time;', // 2
  'varying vec2 uv;', // 3
  '', // 4
  'vec4 osc(vec2 _st, float frequency, float sync, float offset){', // 5
  '  vec2 st = _st;', // 6
  '  float r = sin((st.x-offset/frequency+time*sync)*frequency)*0.5  + 0.5;', // 7
  '  return vec4(r, r, r, 1.0);', // 8
  '}', // 9
  '', // 10
  'vec2 kaleid(vec2 _st, float nSides){', // 11
  '  vec2 st = oops;', // 12
  '  return st;', // 13
  '}', // 14
  '', // 15
  'float luma(vec4 c) { return dot(c.rgb, vec3(0.3)); }', // 16
  '', // 17
  'void main () {', // 18
  '  vec2 st = gl_FragCoord.xy;', // 19
  '  gl_FragColor = osc(kaleid(st, 4.0), 60.0, 0.1, undefinedThing);', // 20
  '}', // 21
].join('\n');

describe('summarizeShaderLog', () => {
  it('reads a SwiftShader/ANGLE log and names the GLSL function the error is in', () => {
    const log = "ERROR: 0:12: 'oops' : undeclared identifier\nERROR: 0:12: '' : compilation terminated\n2 compilation errors.  No code generated.\n";
    expect(summarizeShaderLog(log, FRAG)).toBe(`'oops' : undeclared identifier (in GLSL function "kaleid")`);
  });

  it('reads a Mesa log', () => {
    const log = '0:7(5): error: `frequency2\' undeclared\n';
    expect(summarizeShaderLog(log, FRAG)).toBe('`frequency2\' undeclared (in GLSL function "osc")');
  });

  it('reads the log of a driver that writes "ERROR" in capitals in Mesa style too', () => {
    expect(summarizeShaderLog('0:16(30): ERROR: wrong operand types', FRAG)).toBe('wrong operand types (in GLSL function "luma")');
  });

  it('does not name a function for an error in main', () => {
    const log = "ERROR: 0:20: 'undefinedThing' : undeclared identifier";
    expect(summarizeShaderLog(log, FRAG)).toBe("'undefinedThing' : undeclared identifier");
  });

  it('does not name a function for an error before any function', () => {
    expect(summarizeShaderLog("ERROR: 0:2: 'x' : syntax error", FRAG)).toBe("'x' : syntax error");
  });

  it('copes with a line number beyond the source', () => {
    expect(summarizeShaderLog("ERROR: 0:99: 'x' : syntax error", FRAG)).toBe("'x' : syntax error");
  });

  it('takes the first error line of a log that has warnings before it', () => {
    const log = "WARNING: 0:3: extension not supported\nERROR: 0:8: 'vec5' : no matching overloaded function found\n";
    expect(summarizeShaderLog(log, FRAG)).toBe(`'vec5' : no matching overloaded function found (in GLSL function "osc")`);
  });

  it('falls back to the first non-empty line of a log it does not understand', () => {
    expect(summarizeShaderLog('\n  Internal compiler failure  \nmore', FRAG)).toBe('Internal compiler failure');
    expect(summarizeShaderLog('', FRAG)).toBe('unknown GLSL error');
  });
});

/**
 * WebGL does not run in Node: a minimal stand-in that "compiles" a shader unless it contains
 * `oops`, and counts compiles, is enough to check what createShaderCheck does with the results.
 */
function fakeGl(options: { lost?: boolean; noShader?: boolean } = {}) {
  let compiles = 0;
  let deleted = 0;
  let source = '';
  const gl = {
    FRAGMENT_SHADER: 0x8b30,
    COMPILE_STATUS: 0x8b81,
    createShader: () => (options.noShader ? null : {}),
    shaderSource: (_s: unknown, text: string) => {
      source = text;
    },
    compileShader: () => {
      compiles++;
    },
    getShaderParameter: () => !source.includes('oops'),
    getShaderInfoLog: () => "ERROR: 0:12: 'oops' : undeclared identifier\n",
    deleteShader: () => {
      deleted++;
    },
    isContextLost: () => options.lost ?? false,
  };
  return { gl: gl as unknown as WebGLRenderingContext, stats: () => ({ compiles, deleted }) };
}

describe('createShaderCheck', () => {
  const good = FRAG.replace('oops', '_st');

  it('returns nothing for a shader that compiles, and compiles each distinct shader once', () => {
    const { gl, stats } = fakeGl();
    const check = createShaderCheck(gl);
    expect(check(good)).toBeUndefined();
    expect(check(good)).toBeUndefined();
    expect(stats()).toEqual({ compiles: 1, deleted: 1 });
  });

  it('returns the one-line cause of a failure, every time it is asked', () => {
    const { gl, stats } = fakeGl();
    const check = createShaderCheck(gl);
    expect(check(FRAG)).toBe(`'oops' : undeclared identifier (in GLSL function "kaleid")`);
    expect(check(FRAG)).toBe(`'oops' : undeclared identifier (in GLSL function "kaleid")`);
    expect(stats()).toEqual({ compiles: 2, deleted: 2 });
  });

  it('forgets old shaders when it holds too many', () => {
    const { gl, stats } = fakeGl();
    const check = createShaderCheck(gl, 2);
    check(`${good}\n// 1`);
    check(`${good}\n// 2`);
    check(`${good}\n// 3`);
    check(`${good}\n// 3`);
    expect(stats().compiles).toBe(3);
    check(`${good}\n// 1`);
    expect(stats().compiles).toBe(4);
  });

  it('says the context was lost instead of blaming the shader', () => {
    expect(createShaderCheck(fakeGl({ lost: true }).gl)(FRAG)).toBe('The WebGL context was lost.');
    expect(createShaderCheck(fakeGl({ lost: true, noShader: true }).gl)(FRAG)).toBe('The WebGL context was lost.');
    expect(createShaderCheck(fakeGl({ noShader: true }).gl)(FRAG)).toBeUndefined();
  });
});
