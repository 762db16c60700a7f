// hydra-synth ships no types. These cover what Patchroom uses.

declare module 'hydra-synth/src/glsl/glsl-functions.js' {
  export interface HydraFunctionInput {
    name: string;
    type: 'float' | 'vec4' | 'sampler2D' | string;
    default?: number | number[];
  }
  export interface HydraFunction {
    name: string;
    type: 'src' | 'coord' | 'color' | 'combine' | 'combineCoord';
    inputs: HydraFunctionInput[];
    glsl: string;
  }
  /** Returns a fresh copy of hydra's function table on every call. */
  export default function glslFunctions(): HydraFunction[];
}

declare module 'hydra-synth' {
  export interface HydraOptions {
    canvas?: HTMLCanvasElement | OffscreenCanvas;
    width?: number;
    height?: number;
    makeGlobal?: boolean;
    autoLoop?: boolean;
    detectAudio?: boolean;
    enableStreamCapture?: boolean;
    numSources?: number;
    numOutputs?: number;
    precision?: 'lowp' | 'mediump' | 'highp';
  }
  export default class Hydra {
    constructor(options?: HydraOptions);
    synth: Record<string, any>;
    o: any[];
    s: any[];
    output: any;
    isRenderingAll: boolean;
    regl: any;
    canvas: HTMLCanvasElement | OffscreenCanvas;
    generator: any;
    sandbox: any;
    width: number;
    height: number;
    tick(dt: number): void;
    eval(code: string): void;
    hush(): void;
    setResolution(width: number, height: number): void;
  }
}
