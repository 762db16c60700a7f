import { useStore } from 'zustand';
import { useOnline } from '../online';

export function LibraryButton() {
  const { library } = useOnline();
  const open = useStore(library, (s) => s.open);
  return (
    <button type="button" aria-pressed={open} onClick={() => library.toggle()} title="Library: presets and media (L)" data-testid="library-button">
      Library
    </button>
  );
}
