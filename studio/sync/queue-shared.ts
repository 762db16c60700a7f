/** Drag type of a library item dragged onto the queue. */
export const LIBRARY_ITEM_DRAG = 'application/x-patchroom-item';

/** Titles of items added from this studio, for the pending rows (the command itself only has the id). */
export const pendingTitles = new Map<string, string>();

/** Titles of presets shown in the room from this studio (the room state only has ids). */
export const presetTitles = new Map<string, string>();
