import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { createPreviewRunner, createThumbnailRunner } from '../preview/preview-runner';
import { useStudio } from './studio';

export type PreviewRunner = ReturnType<typeof createPreviewRunner>;

/**
 * The live preview (the same sandboxed runtime as /play) and the selected node's thumbnail. In
 * patch mode every change of the patch is compiled and played; code mode plays on Ctrl+Enter.
 */
export function PreviewPane({ onReady }: { onReady(runner: PreviewRunner | undefined): void }) {
  const { patch, doc, run, registry, telemetry } = useStudio();
  const stage = useRef<HTMLDivElement>(null);
  const thumb = useRef<HTMLDivElement>(null);
  const selected = useStore(patch, (s) => (s.selection.length === 1 ? s.selection[0] : undefined));
  const mode = useStore(doc, (s) => s.mode);
  const thumbnailRef = useRef<ReturnType<typeof createThumbnailRunner>>(undefined);

  useEffect(() => {
    const runner = createPreviewRunner(stage.current!, registry, telemetry, run);
    const thumbnail = createThumbnailRunner(thumb.current!, registry, telemetry);
    thumbnailRef.current = thumbnail;
    onReady(runner);
    const playCurrent = () => {
      const { mode: m, code } = doc.getState();
      if (m === 'patch') runner.playPatch(patch.getState().patch);
      else if (code.trim()) void runner.playCode(code);
    };
    playCurrent();
    let last = patch.getState().patch;
    const unsubscribe = patch.subscribe((state) => {
      if (state.patch === last) return;
      last = state.patch;
      if (doc.getState().mode === 'patch') runner.playPatch(state.patch);
    });
    const unsubscribeDoc = doc.subscribe((state, previous) => {
      if (state.mode !== previous.mode) playCurrent();
    });
    return () => {
      unsubscribe();
      unsubscribeDoc();
      runner.dispose();
      thumbnail.dispose();
      onReady(undefined);
    };
  }, [patch, doc, run, registry, telemetry, onReady]);

  const current = useStore(patch, (s) => s.patch);
  const [showsThumbnail, setShowsThumbnail] = useState(false);
  useEffect(() => {
    setShowsThumbnail(mode === 'patch' && selected !== undefined && (thumbnailRef.current?.show(current, selected) ?? false));
  }, [mode, selected, current]);

  return (
    <div className="pr-preview" data-testid="preview">
      <div ref={stage} className="pr-preview-stage" data-testid="preview-stage" />
      <figure className="pr-thumbnail" hidden={!showsThumbnail} data-testid="thumbnail">
        <div ref={thumb} className="pr-thumbnail-stage" />
        <figcaption>{selected}</figcaption>
      </figure>
    </div>
  );
}
