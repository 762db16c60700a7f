/**
 * What one program allocated: timers, animation frames, event listeners, textures, bitmaps. When
 * the program is replaced (or fails while being applied) its scope is disposed and all of it is
 * released, so switching presets a thousand times leaks nothing.
 */
export interface Disposable {
  destroy?(): void;
  close?(): void;
}

export interface ScopeFailure {
  error: unknown;
  /** Where the failing thing was created (a value function handed to hydra, a timer set). */
  site?: Error;
}

export class ProgramScope {
  alive = true;
  /** Set while the program is being applied: failures then reject the program instead of being reported. */
  applying = true;
  readonly failures: ScopeFailure[] = [];
  private readonly cleanups = new Map<unknown, () => void>();
  private readonly resources = new Set<Disposable>();

  /** Set when this scope was merged into another: everything it made now belongs there. */
  private forward: ProgramScope | undefined;

  constructor(
    public id: number,
    private readonly report: (id: number, failure: ScopeFailure) => void,
  ) {}

  /** The scope that owns what this one made (itself, unless merged). */
  resolve(): ProgramScope {
    let scope: ProgramScope = this;
    while (scope.forward) scope = scope.forward;
    return scope;
  }

  /** Records a failure: during apply it fails the program; afterwards it is reported (once per site). */
  fail(error: unknown, site?: Error): void {
    if (this.forward) return this.resolve().fail(error, site);
    if (!this.alive) return;
    const failure: ScopeFailure = site ? { error, site } : { error };
    if (this.applying) this.failures.push(failure);
    else this.report(this.id, failure);
  }

  /** Remembers how to undo something (clear a timer, remove a listener) under a key. */
  track(key: unknown, cleanup: () => void): void {
    this.cleanups.set(key, cleanup);
  }

  untrack(key: unknown): void {
    this.cleanups.delete(key);
  }

  /** Undoes one tracked thing now. */
  undo(key: unknown): void {
    const cleanup = this.cleanups.get(key);
    this.cleanups.delete(key);
    cleanup?.();
  }

  own<T extends Disposable>(resource: T): T {
    this.resources.add(resource);
    return resource;
  }

  release(resource: Disposable): void {
    if (this.resources.delete(resource)) disposeOne(resource);
  }

  /** How many things this scope holds (for leak checks). */
  get size(): number {
    return this.cleanups.size + this.resources.size;
  }

  owns(resource: unknown): boolean {
    return this.resources.has(resource as Disposable);
  }

  /** Moves everything this scope holds into another (amending a running program keeps both alive). */
  mergeInto(other: ProgramScope): void {
    for (const [key, cleanup] of this.cleanups) other.track(key, cleanup);
    for (const resource of this.resources) other.own(resource);
    this.cleanups.clear();
    this.resources.clear();
    this.forward = other;
  }

  dispose(): void {
    this.alive = false;
    for (const cleanup of this.cleanups.values()) {
      try {
        cleanup();
      } catch {
        // a cleanup that fails must not stop the others
      }
    }
    this.cleanups.clear();
    for (const resource of this.resources) disposeOne(resource);
    this.resources.clear();
  }
}

function disposeOne(resource: Disposable): void {
  try {
    if (typeof resource.destroy === 'function') resource.destroy();
    else if (typeof resource.close === 'function') resource.close();
  } catch {
    // already released
  }
}
