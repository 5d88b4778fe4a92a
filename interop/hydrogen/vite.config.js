// Builds the Hydrogen page as a static site in dist/, with Hydrogen's service worker at its root.
import { readFileSync } from "node:fs";
import { defineConfig } from "vite";

const serviceWorker = new URL("node_modules/hydrogen-view-sdk/lib-build/sw.js", import.meta.url);

export default defineConfig({
    base: "./",
    logLevel: "warn",
    build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 10000 },
    plugins: [{
        name: "hydrogen-service-worker",
        generateBundle() {
            this.emitFile({ type: "asset", fileName: "sw.js", source: readFileSync(serviceWorker) });
        },
    }],
});
