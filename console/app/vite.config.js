// Builds the staff console into dist/ (committed, embedded in the Go
// binary). build-info.json records a hash of the sources so that a Go test
// (console/console_test.go) can tell when the committed build is stale.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { defineConfig } from "vite";

const root = new URL(".", import.meta.url).pathname;

// sourceFiles lists what the build is made from (sorted, relative, "/").
export function sourceFiles() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split("\\").join("/"));
    }
  };
  walk(join(root, "src"));
  walk(join(root, "public"));
  out.push("index.html", "vite.config.js", "package-lock.json");
  return out.sort();
}

// sourceHash: sha256 over "path\nsha256(content)\n" for each source file;
// console_test.go computes the same.
export function sourceHash() {
  const h = createHash("sha256");
  for (const f of sourceFiles()) {
    const c = createHash("sha256").update(readFileSync(join(root, f))).digest("hex");
    h.update(f + "\n" + c + "\n");
  }
  return h.digest("hex");
}

function buildInfo() {
  return {
    name: "uppsok-build-info",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "build-info.json", source: JSON.stringify({ sourceHash: sourceHash() }) + "\n" });
    },
  };
}

export default defineConfig({
  base: "/console/",
  plugins: [buildInfo()],
  build: { outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false },
});
