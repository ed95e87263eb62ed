//! Every command of the lab handout (`docs/lab.md`) runs, shortened, so the handout
//! cannot go stale: a renamed flag, task or setting fails here.

#[path = "common/cli.rs"]
mod cli;

use cli::{bioprop, stderr, stdout};

/// The `bioprop …` lines of the handout's `sh` blocks, split into arguments.
fn lab_commands() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/lab.md"))
        .expect("docs/lab.md exists");
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if in_sh {
            let words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
            assert_eq!(
                words.first().map(String::as_str),
                Some("bioprop"),
                "an sh block of docs/lab.md holds a line that is not a bioprop command: {line}"
            );
            commands.push(words[1..].to_vec());
        }
    }
    commands
}

/// `args` at a size CI affords: at most 300 steps (or patterns), 2 runs per sweep,
/// 100 patterns of pre-training, and rows every 100 steps at most.
fn shortened(args: &[String]) -> Vec<String> {
    let limits = [
        ("--steps", 300),
        ("--runs", 2),
        ("--pretrain", 100),
        ("--every", 100),
    ];
    let mut out = args.to_vec();
    for pair in 0..out.len().saturating_sub(1) {
        if let Some((_, limit)) = limits.iter().find(|(flag, _)| *flag == out[pair]) {
            let value: u64 = out[pair + 1].parse().expect("a count");
            out[pair + 1] = value.min(*limit).to_string();
        }
    }
    out
}

#[test]
fn every_command_of_the_lab_runs() {
    let commands = lab_commands();
    // Parts 1–5 each have at least one command.
    assert!(commands.len() >= 8, "{commands:?}");
    for args in &commands {
        let args = shortened(args);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = bioprop(&refs);
        assert!(
            output.status.success(),
            "bioprop {}: {}",
            args.join(" "),
            stderr(&output)
        );
        let printed = stdout(&output);
        match args[0].as_str() {
            // A sweep prints its table: a header and a line per rule and value.
            "sweep" => assert!(
                printed.lines().count() >= 2 && printed.starts_with("rule"),
                "bioprop {}: {printed}",
                args.join(" ")
            ),
            // A run prints CSV rows after the header.
            _ => assert!(
                printed.lines().count() >= 2 && printed.lines().next().unwrap().contains(','),
                "bioprop {}: {printed}",
                args.join(" ")
            ),
        }
    }
}

#[test]
fn shortening_caps_counts_and_keeps_the_rest() {
    let args: Vec<String> = "sweep --runs 10 --steps 50 --every 500 --vary lr=0.1,0.2"
        .split(' ')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        shortened(&args).join(" "),
        "sweep --runs 2 --steps 50 --every 100 --vary lr=0.1,0.2"
    );
}
