//! Running the `bioprop` binary as a separate process, for the CLI tests (built with
//! the `cli` feature, which this package's tests turn on for themselves).

// Each test file uses the part it needs.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs `bioprop` with `args` and waits for it.
pub fn bioprop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bioprop"))
        .args(args)
        .output()
        .expect("the bioprop binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Asserts that `bioprop args` is refused as bad arguments: exit code 2, `message`
/// on standard error and nothing on standard output.
pub fn assert_refused(args: &[&str], message: &str) {
    let output = bioprop(args);
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert!(
        stderr(&output).contains(message),
        "{args:?}: {}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

/// A CSV's header line and its rows, split into cells.
pub fn csv(text: &str) -> (String, Vec<Vec<String>>) {
    let mut lines = text.lines();
    let header = lines.next().expect("a header").to_owned();
    let rows = lines
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect();
    (header, rows)
}
