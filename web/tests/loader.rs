//! The page loader (`static/loader.js`, which `static/index.html` runs) and the entry points agree: every page
//! `shell::route` knows has a module of its own (`src/bin/<page>.rs`) and is in the
//! loader's list, and every page's worker script has its entry point
//! (`src/bin/<page>-worker.rs`). A page missing from the loader would open the
//! learning rules instead; a missing entry point would be a 404 in the browser.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use bioprop_web::pages::worker::{CEREBELLUM_WORKER, MICROCIRCUIT_WORKER, RULES_WORKER};
use bioprop_web::shell::route::PageKind;

fn crate_file(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The names in the loader's `const PAGES = [...]`.
fn loader_pages() -> Vec<String> {
    let html = crate_file("../static/loader.js");
    let start = html
        .find("const PAGES = [")
        .expect("index.html has `const PAGES = [`")
        + "const PAGES = [".len();
    let end = start + html[start..].find(']').expect("PAGES closes");
    html[start..end]
        .split(',')
        .map(|name| name.trim().trim_matches('"').to_owned())
        .collect()
}

#[test]
fn the_loader_knows_every_page_and_each_has_its_module() {
    let names: Vec<&str> = PageKind::ALL.map(PageKind::name).to_vec();
    assert_eq!(loader_pages(), names, "static/index.html's PAGES");
    for name in names {
        let entry = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/bin/{name}.rs"));
        assert!(entry.exists(), "no entry point {}", entry.display());
    }
    // The default, and what an unknown page falls back to.
    assert_eq!(PageKind::default().name(), "rules");
    let loader = crate_file("../static/loader.js");
    assert!(loader.contains(r#"PAGES.includes(asked) ? asked : "rules""#));
    // index.html runs the loader from its file: no inline script, which a strict
    // Content-Security-Policy (script-src 'self') would refuse.
    let html = crate_file("../static/index.html");
    // Its scripts are files: the style applier (static/data-css.js), then the loader.
    let scripts: Vec<&str> = html
        .match_indices("<script")
        .map(|(i, _)| &html[i..])
        .collect();
    let files = [
        r#"<script defer src="data-css.js"></script>"#,
        r#"<script defer src="loader.js"></script>"#,
    ];
    assert_eq!(scripts.len(), files.len(), "index.html's scripts");
    for (script, file) in scripts.iter().zip(files) {
        assert!(
            script.starts_with(file),
            "{file} in index.html, in that order"
        );
    }
}

/// Every worker starts through `static/worker.js` (`shell::worker_bridge`), which
/// accepts exactly the `<page>-worker.js` names.
#[test]
fn every_worker_starts_through_the_worker_loader() {
    use bioprop_web::shell::worker_bridge::{loader_url, WORKER_LOADER};
    let loader = crate_file(&format!("../static/{WORKER_LOADER}"));
    assert!(
        loader.contains(r"/^[a-z]+-worker\.js$/"),
        "worker.js checks the script's name"
    );
    for script in [RULES_WORKER, MICROCIRCUIT_WORKER, CEREBELLUM_WORKER] {
        assert_eq!(loader_url(script), format!("worker.js?{script}"));
    }
    // The page loader names the pages with a worker, for the service worker to keep.
    let page_loader = crate_file("../static/loader.js");
    let start = page_loader
        .find("const WORKERS = [")
        .expect("loader.js has `const WORKERS = [`")
        + "const WORKERS = [".len();
    let end = start + page_loader[start..].find(']').expect("WORKERS closes");
    let mut listed: Vec<String> = page_loader[start..end]
        .split(',')
        .map(|name| name.trim().trim_matches('"').to_owned() + "-worker.js")
        .collect();
    listed.sort();
    let mut scripts = [RULES_WORKER, MICROCIRCUIT_WORKER, CEREBELLUM_WORKER].map(str::to_owned);
    scripts.sort();
    assert_eq!(listed, scripts, "loader.js's WORKERS");
}

#[test]
fn every_worker_script_has_its_entry_point() {
    for script in [RULES_WORKER, MICROCIRCUIT_WORKER, CEREBELLUM_WORKER] {
        let name = script.strip_suffix(".js").expect("a .js script");
        assert!(
            name.ends_with("-worker"),
            "{name}: scripts/build-web.sh builds *-worker as workers"
        );
        let entry = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/bin/{name}.rs"));
        assert!(entry.exists(), "no entry point {}", entry.display());
        // worker.js finds the wasm by replacing the script's ".js" with "_bg.wasm".
        assert_eq!(script.matches(".js").count(), 1, "{script}");
    }
}
