// A local ESLint rule that keeps the layers of docs/ARCHITECTURE.md apart, on resolved paths rather than on how an
// import happens to be spelled (after the layering rule of microsoft/vscode): who may import whom, and which
// packages each runtime may load.
import { builtinModules } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** The layer a file belongs to, from its path inside the project. */
export function layerOf(file) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'electron' && rel[1]) return `electron/${rel[1]}`;
  return rel[0] ?? '';
}

const ALLOWED = {
  shared: ['shared'],
  renderer: ['renderer', 'shared'],
  'electron/main': ['electron/main', 'electron/studio', 'shared'],
  // The command line: one entry that loads the studio's, the companion's or the sandbox's command, never two at once.
  'electron/cli': ['electron/cli', 'electron/studio', 'electron/companion', 'electron/sandbox', 'shared'],
  'electron/preload': ['electron/preload', 'shared'],
  'electron/studio': ['electron/studio', 'shared'],
  'electron/companion': ['electron/companion', 'shared'],
  'electron/sandbox': ['electron/sandbox', 'shared'],
};

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const ELECTRON_ONLY = new Set(['electron', 'electron-store']);

/** Which bare packages a layer may not load, and why. */
function forbiddenPackage(layer, name) {
  const pkg = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0];
  if (layer === 'shared' && pkg !== 'zod') return 'shared/ runs everywhere: it may load only zod, no Node, DOM, electron or React package.';
  if (layer === 'renderer' && (builtins.has(name) || ELECTRON_ONLY.has(pkg) || pkg === 'better-sqlite3' || pkg === 'conf')) {
    return 'renderer/ runs in a sandboxed page: no Node built-ins, electron or host packages; call the host through the typed client.';
  }
  if (layer === 'electron/main' || layer === 'electron/preload') return null;
  if (ELECTRON_ONLY.has(pkg)) return 'Only electron/main and electron/preload may load electron: elsewhere it starts a binary download and throws.';
  return null;
}

export const layeringPlugin = {
  rules: {
    layers: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        const layer = layerOf(file);
        function check(node, source) {
          if (typeof source !== 'string') return;
          if (source.startsWith('.')) {
            const target = layerOf(path.resolve(path.dirname(file), source));
            const allowed = ALLOWED[layer];
            // The host layers may read their own version from package.json.
            if (target === 'package.json' && layer.startsWith('electron/')) return;
            // Data files in resources/ (rule data, tables) may be imported by every layer: data, not code.
            if (target === 'resources' && source.endsWith('.json')) return;
            if (allowed && !allowed.includes(target)) {
              context.report({ node, message: `${layer} may not import ${target} (allowed: ${allowed.join(', ')}). See docs/ARCHITECTURE.md.` });
            }
            return;
          }
          const why = forbiddenPackage(layer, source);
          if (why) context.report({ node, message: `"${source}": ${why}` });
        }
        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
        };
      },
    },
  },
};
