//! Where a run's CSV goes and how its outcome becomes an exit code — the same for the
//! networks, the microcircuit and the cerebellum.
//!
//! Exit codes: 0 success (also when the reader of standard output went away), 1 I/O
//! error, 3 the run diverged (the rows written so far are kept). Code 2, bad
//! arguments, is given before a run starts.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

/// Opens `path` (or standard output), lets `write` run `model` and write the CSV,
/// flushes it and turns the outcome into the exit code. `write` returns the divergence
/// message if the run stopped early; `summary` prints the closing line on standard
/// error after a complete run.
pub fn write_csv<M>(
    path: Option<&Path>,
    model: &mut M,
    write: impl FnOnce(&mut dyn Write, &mut M) -> io::Result<Option<String>>,
    summary: impl FnOnce(&M),
) -> ExitCode {
    let mut out: Box<dyn Write> = match path {
        Some(path) => match File::create(path) {
            Ok(file) => Box::new(BufWriter::new(file)),
            Err(error) => {
                eprintln!("error: cannot write {}: {error}", path.display());
                return ExitCode::from(1);
            }
        },
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let result = write(&mut out, model).and_then(|failure| out.flush().map(|()| failure));
    match result {
        Ok(None) => {
            summary(model);
            ExitCode::SUCCESS
        }
        Ok(Some(divergence)) => {
            eprintln!("error: {divergence}");
            ExitCode::from(3)
        }
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
