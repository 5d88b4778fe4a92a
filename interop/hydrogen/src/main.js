// The whole Hydrogen application from hydrogen-view-sdk, mounted the way Hydrogen's own web build
// does it (platform, navigation, URL router, root view model and view). The homeserver the login
// page proposes comes from the page's ?homeserver= parameter, as a deployment's config.json would.
import { Platform, RootViewModel, createNavigation, createRouter, FeatureSet } from "hydrogen-view-sdk";
import downloadSandbox from "hydrogen-view-sdk/download-sandbox.html?url";
import worker from "hydrogen-view-sdk/main.js?url";
import olmWasm from "@matrix-org/olm/olm.wasm?url";
import olmJs from "@matrix-org/olm/olm.js?url";
import olmLegacyJs from "@matrix-org/olm/olm_legacy.js?url";
import "hydrogen-view-sdk/theme-element-light.css";

const assetPaths = {
    downloadSandbox,
    worker,
    olm: { wasm: olmWasm, legacyBundle: olmLegacyJs, wasmBundle: olmJs },
    // Copied into the site by vite.config.js; without it Hydrogen cannot store a new session.
    serviceWorker: "sw.js",
};

async function main() {
    const container = document.getElementById("app");
    const homeserver = new URLSearchParams(window.location.search).get("homeserver") ?? "";
    const platform = new Platform({ container, assetPaths, config: { defaultHomeServer: homeserver } });
    const navigation = createNavigation();
    platform.setNavigation(navigation);
    await platform.init();
    const features = await FeatureSet.load(platform.settingsStorage);
    const urlRouter = createRouter({ navigation, history: platform.history });
    urlRouter.attach();
    const viewModel = new RootViewModel({ platform, navigation, urlRouter, logger: platform.logger, features });
    await viewModel.load();
    platform.createAndMountRootView(viewModel);
}

main().catch((error) => {
    // Shown on the page so that the scenario's failure message and screenshot carry it.
    document.body.textContent = `Hydrogen failed to start: ${error?.stack ?? error}`;
});
