import { useEffect, useMemo, useRef, useState } from 'react';
import type { NodeDefinition } from '../../runtime/plugin/types';
import { KIND_LABEL, flatten, searchNodes } from './palette-search';

interface Props {
  nodes: readonly NodeDefinition[];
  /** Where to show it, in page pixels (at the pointer, or under the toolbar button). */
  at: { x: number; y: number };
  onPick(def: NodeDefinition): void;
  onClose(): void;
}

/** The node palette: type to search, ↑ ↓ to choose, Enter to add, Esc to close. */
export function Palette({ nodes, at, onPick, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const groups = useMemo(() => searchNodes(nodes, query), [nodes, query]);
  const flat = useMemo(() => flatten(groups), [groups]);

  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    list.current?.querySelector('[aria-selected=true]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const pick = (def: NodeDefinition | undefined) => {
    if (def) onPick(def);
  };

  return (
    <div className="pr-palette-backdrop" onPointerDown={onClose}>
      <div
        className="pr-palette"
        role="dialog"
        aria-label="Add a node"
        data-testid="palette"
        style={{ left: Math.min(at.x, innerWidth - 300), top: Math.min(at.y, innerHeight - 360) }}
        onPointerDown={(e) => e.stopPropagation()}
      >
        <input
          ref={input}
          type="search"
          placeholder="Search nodes… (osc, kaleid, blend)"
          aria-label="Search nodes"
          data-testid="palette-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'ArrowDown') setActive((i) => Math.min(flat.length - 1, i + 1));
            else if (e.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
            else if (e.key === 'Enter') pick(flat[active]);
            else if (e.key === 'Escape') onClose();
            else return;
            e.preventDefault();
          }}
        />
        <div className="pr-palette-list" role="listbox" ref={list}>
          {groups.length === 0 && <p className="pr-empty">No node matches “{query}”.</p>}
          {groups.map((group) => (
            <section key={group.kind}>
              <h3>{KIND_LABEL[group.kind]}</h3>
              {group.nodes.map((def) => {
                const index = flat.indexOf(def);
                return (
                  <button
                    key={def.type}
                    type="button"
                    role="option"
                    aria-selected={index === active}
                    data-testid={`palette-item-${def.type}`}
                    title={def.description}
                    onPointerEnter={() => setActive(index)}
                    onClick={() => pick(def)}
                  >
                    <span>{def.label}</span>
                    <small>{def.type.split('/')[0]}</small>
                  </button>
                );
              })}
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
