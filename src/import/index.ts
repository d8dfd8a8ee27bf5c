// The import layer's entry points, for the CLI and the library.
export { importHistory, MANIFEST, type ImportOptions, type ImportResult } from './import.js';
export { FORMATS, type ImportFormat } from './model.js';
export type { Manifest, ManifestEntry } from './convert.js';
