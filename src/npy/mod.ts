/**
 * NumPy's `.npy` and `.npz` file formats: load, save, memory-map.
 *
 * @module
 */

export { load, type LoadMmapMode, type LoadOptions } from "./load.ts";
export { save } from "./save.ts";
export { openMemmap, type OpenMemmapOptions } from "./open_memmap.ts";
export { savez, savezCompressed } from "./savez.ts";
export { NpzFile, type NpzFileOptions, type NpzMmapMode } from "./npz_file.ts";
