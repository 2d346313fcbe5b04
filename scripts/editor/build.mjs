// Bundle scripts/editor/entry.js into src/kg/web/static/vendor/editor.js (one minified ES
// module) and write the licence of every package in it to editor.LICENSES.txt beside it.
// Run through scripts/build-editor.sh, which first installs exactly package-lock.json.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "src", "kg", "web", "static", "vendor");
mkdirSync(out, { recursive: true });

const result = await esbuild.build({
  entryPoints: [join(root, "scripts", "editor", "entry.js")],
  bundle: true, format: "esm", minify: true, target: "es2020", legalComments: "none",
  metafile: true, write: false, absWorkingDir: root, charset: "utf8",
});

// The packages whose files went into the bundle, read from the build's own metafile.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (!match || packages.has(match[1])) continue;
  const dir = join(root, "node_modules", match[1]);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licence = readdirSync(dir).find((name) => /^licen[cs]e/i.test(name));
  if (!licence) throw new Error(`${match[1]} ships no licence file`);
  packages.set(match[1], { version: meta.version, license: meta.license,
                           text: readFileSync(join(dir, licence), "utf8").trim() });
}
const names = [...packages.keys()].sort();
const listed = names.map((name) => `${name}@${packages.get(name).version}`).join(", ");
const banner = `/*! editor.js: CodeMirror 6 for the query page, built by scripts/build-editor.sh ` +
  `from package-lock.json. Bundled: ${listed}. Licences: editor.LICENSES.txt */\n`;
writeFileSync(join(out, "editor.js"), banner + result.outputFiles[0].text);

const sections = names.map((name) => {
  const { version, license, text } = packages.get(name);
  return `${name}@${version} (${license})\n${"-".repeat(name.length + version.length + 1)}\n${text}\n`;
});
writeFileSync(join(out, "editor.LICENSES.txt"),
  "Third-party software in editor.js, with the licence each ships.\n" +
  "Rebuilt by scripts/build-editor.sh from package.json and package-lock.json.\n\n" +
  sections.join("\n"));
console.log(`editor.js: ${names.length} packages, ${(banner.length + result.outputFiles[0].contents.length)} bytes`);
