//! The build's moving parts agree with each other: the wasm-bindgen CLI that
//! `scripts/ensure-tools.sh` installs must equal the `wasm-bindgen` crate the
//! workspace compiles against, or the generated JS glue will not load.

use std::path::PathBuf;

fn workspace_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The version pinned with `=` in the workspace manifest, read the way
/// `scripts/ensure-tools.sh` reads it (`wasm-bindgen = "=X"` on one line).
fn pinned_version() -> String {
    workspace_file("Cargo.toml")
        .lines()
        .find_map(|line| {
            line.strip_prefix("wasm-bindgen = \"=")
                .and_then(|rest| rest.strip_suffix('"'))
        })
        .expect("Cargo.toml pins wasm-bindgen with `wasm-bindgen = \"=X.Y.Z\"`")
        .to_string()
}

/// Every version of `crate_name` in Cargo.lock.
fn locked_versions(crate_name: &str) -> Vec<String> {
    let lock = workspace_file("Cargo.lock");
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{crate_name}\"") {
            let version = lines.next().expect("a version line follows the name");
            versions.push(
                version
                    .trim_start_matches("version = \"")
                    .trim_end_matches('"')
                    .to_string(),
            );
        }
    }
    versions
}

#[test]
fn the_installed_cli_version_is_the_compiled_crate_version() {
    let pinned = pinned_version();
    assert_eq!(
        pinned.split('.').count(),
        3,
        "an exact version, got {pinned}"
    );
    assert_eq!(locked_versions("wasm-bindgen"), vec![pinned.clone()]);
    // The test runner's shared crate moves in step with wasm-bindgen itself.
    assert_eq!(locked_versions("wasm-bindgen-test-shared"), vec![pinned]);
}

#[test]
fn the_install_script_reads_the_pin_from_the_manifest() {
    let script = workspace_file("scripts/ensure-tools.sh");
    assert!(
        script.contains(r#"s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p"#),
        "ensure-tools.sh extracts the pin with the pattern this test mirrors"
    );
    assert!(script.contains("cargo install wasm-bindgen-cli --version \"$want\""));
}
