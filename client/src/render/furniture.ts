/**
 * Every furniture model by object kind, and what a kind we do not know looks like.
 */
import { OBJECT_KINDS } from "../../../shared/world.ts";
import { hex, shade } from "../../../shared/art/pixels.ts";
import { chairModel, deskModel } from "./furnitureWork.ts";
import { screenModel, whiteboardModel } from "./furnitureDisplays.ts";
import { plantModel, sofaModel, tableModel } from "./furnitureLounge.ts";
import { box, U, type Model } from "./objectModel.ts";

/** What an unknown kind looks like: a plain crate, so bad data is visible but harmless. */
function unknownModel(w: number, h: number): Model {
  const c = hex("#9aa0aa");
  return {
    w,
    h,
    seed: 99,
    parts: [box(3, 3, w * U - 6, h * U - 6, 0, 8, c, shade(c, -0.3)), box(w * 16 - 3, h * 16 - 3, 6, 6, 8, 0, shade(c, -0.2), undefined, { layer: 1 })],
  };
}

const MODELS: Readonly<Record<string, () => Model>> = {
  desk: deskModel,
  chair: chairModel,
  plant: plantModel,
  whiteboard: whiteboardModel,
  screen: screenModel,
  sofa: sofaModel,
  table: tableModel,
};

/** Footprint of a kind in tiles at rot 0 (1×1 for a kind we do not know). */
export function kindSize(kind: string): { w: number; h: number } {
  const k = Object.hasOwn(OBJECT_KINDS, kind) ? (OBJECT_KINDS as Record<string, { w: number; h: number }>)[kind] : undefined;
  return k ? { w: k.w, h: k.h } : { w: 1, h: 1 };
}

export function modelOf(kind: string): Model {
  const make = Object.hasOwn(MODELS, kind) ? MODELS[kind] : undefined;
  if (make) return make();
  const { w, h } = kindSize(kind);
  return unknownModel(w, h);
}
