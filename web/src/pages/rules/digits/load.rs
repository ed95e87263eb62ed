//! Getting the digits' bytes into the page: the compact file from the server, with
//! progress ([`crate::widgets::fetch`], which the microcircuit's worker uses too), or
//! the IDX files the user chose. Both end in a `Command::LoadDigits`.
//!
//! ```text
//! fetch(DIGITS_FILE) ─progress(received, total)─▶ done(Ok(bytes) | Err(why))
//! <input type=file multiple> ─▶ read_files ─▶ Ok([IdxFile]) | Err(why)
//! ```

use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use crate::pages::rules::worker::IdxFile;

/// Most files the picker reads at once (the four IDX files, with room for a
/// mistaken extra one to be named in the worker's refusal).
pub const MAX_PICKED_FILES: usize = 8;

/// Reads every chosen file whole, in the order chosen.
pub async fn read_files(files: Vec<File>) -> Result<Vec<IdxFile>, String> {
    if files.is_empty() {
        return Err("no file was chosen".into());
    }
    if files.len() > MAX_PICKED_FILES {
        return Err(format!(
            "{} files were chosen; choose the four MNIST IDX files",
            files.len()
        ));
    }
    let mut read = Vec::new();
    for file in files {
        let name = file.name();
        let buffer = JsFuture::from(file.array_buffer())
            .await
            .map_err(|e| format!("{name}: could not be read ({e:?})"))?;
        read.push(IdxFile {
            name,
            bytes: Uint8Array::new(&buffer).to_vec(),
        });
    }
    Ok(read)
}
