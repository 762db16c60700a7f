// The room documents' own cost, in this process (no server), each figure beside the way the same
// content was stored before (collaborative text for every string), measured in the same run:
//
//   queue_apply_ms_100_entries  a client applying the room-state changes that add 100 queue
//                      entries (20 changes of 5, as the server's mirror writes them): what each
//                      reconnecting performer does per round of bench:sync's reconcile
//   queue_apply_vs_text        the same ÷ the same entries stored as maps of text (format 1)
//   script_doc_kb_200_edits    a 2.4 KB script parameter edited 200 times through the studio's
//                      writer: the bytes of all the document's changes, what a joining client syncs
//   script_load_ms_200_edits   loading that document; `_text` beside it: each edit written as a new
//                      text, as before
import { next as A } from '@automerge/automerge';
import { median, round } from './stats.mjs';

/** Milliseconds for one call of fn, median of `runs`. */
function time(fn, runs = 7) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** `modules`: the product's mirror (server/mirror.ts), patch-changes.ts and patch-doc.ts. */
export function documentFigures({ mirror, patchChanges, patchDoc }, log) {
  const results = {};

  // Queue entries, as the mirror writes them and as format 1 did.
  const entry = (i) => ({ entryId: `e${i}-${'x'.repeat(30)}`, itemId: `item-${i}-${'y'.repeat(24)}`, title: `A film from the archive, part ${i}`, url: `https://archive.org/download/film${i}/film${i}.mp4`, mime: 'video/mp4', duration: 61.5, addedBy: `user-${'z'.repeat(20)}` });
  const applyCost = (start, write) => {
    let doc = start;
    const heads = A.getHeads(doc);
    const queue = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5; i++) queue.push(entry(round * 5 + i));
      doc = A.change(doc, (d) => write(d, doc, queue, round + 1));
    }
    const changes = A.getChanges(A.view(doc, heads), doc);
    // With patches, as automerge-repo applies what arrives.
    return time(() => A.applyChanges(A.clone(start), changes, { patchCallback: () => undefined }));
  };
  const members = { u1: { name: 'Ada', role: 'owner' } };
  const whole = applyCost(A.from(mirror.newRoomState('r1', members)), (d, doc, queue, seq) => mirror.mirrorEdits(doc, 'r1', { queue, nowPlaying: null, activePreset: null, seq })?.(d));
  const text = applyCost(A.from({ roomId: 'r1', queue: [], nowPlaying: null, activePreset: null, members, seq: 0 }), (d, _doc, queue, seq) => {
    d.queue.push(...queue.slice(d.queue.length));
    d.seq = seq;
  });
  results.queue_apply_ms_100_entries = round(whole, 2);
  results.queue_apply_vs_text = round(whole / text, 3);
  log(`documents: a client applies 100 new queue entries in ${round(whole, 2)} ms (as maps of text: ${round(text, 2)} ms)`);

  // A script edited all evening: the studio's writer vs a new text per edit.
  const script = Array.from({ length: 40 }, (_, i) => `osc(${i}, 0.1, 1.2).rotate(${i} / 10).modulate(noise(3)).out(o${i % 4})`).join('\n');
  const patch = (code) => ({ version: 1, nodes: [{ id: 'script1', type: 'hydra-core/script', params: { code }, position: { x: 0, y: 0 } }], edges: [] });
  const edited = (write) => {
    let doc = A.from(patchDoc.patchToDoc(patch(script)));
    let shown = patch(script);
    for (let i = 0; i < 200; i++) {
      const next = patch(script.replace('osc(7,', `osc(${i + 100},`));
      doc = A.change(doc, (d) => write(d, shown, next));
      shown = next;
    }
    const bytes = A.getAllChanges(doc).reduce((sum, change) => sum + change.byteLength, 0);
    const saved = A.save(doc);
    return { kb: bytes / 1024, loadMs: time(() => A.load(saved), 3) };
  };
  const studio = edited((d, before, after) => patchChanges.writeChanges(d, patchChanges.diffPatches(before, after)));
  const replaced = edited((d, _before, after) => void (d.nodes.script1.params.code = after.nodes[0].params.code));
  results.script_doc_kb_200_edits = round(studio.kb);
  results.script_load_ms_200_edits = round(studio.loadMs, 2);
  results.script_load_ms_200_edits_text = round(replaced.loadMs, 1);
  log(`documents: a ${round(script.length / 1024)} KB script edited 200 times: ${round(studio.kb)} KB of changes, loads in ${round(studio.loadMs, 2)} ms (each edit a new text: ${round(replaced.kb)} KB, ${round(replaced.loadMs, 1)} ms)`);
  return results;
}
