//! Fetching a file as bytes with progress, from a page or a worker: the compact digits
//! file ([`DIGITS_FILE`]) that the rules page downloads for its worker and the
//! microcircuit's worker downloads for itself.
//!
//! ```text
//! download(url) ─progress(received, total)─▶ done(Ok(bytes) | Err(why))
//! ```
//!
//! `XMLHttpRequest` rather than `fetch`: it reports progress on its own, in a page and
//! in a dedicated worker alike.

use js_sys::Uint8Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{ProgressEvent, XmlHttpRequest, XmlHttpRequestResponseType};

/// The compact digits file `make dist` builds beside the pages (core's `task::pack`).
pub const DIGITS_FILE: &str = "digits.bin";

/// A download in flight; dropping it aborts the download and its callbacks.
pub struct Download {
    request: XmlHttpRequest,
    _progress: Closure<dyn FnMut(ProgressEvent)>,
    _end: Closure<dyn FnMut(ProgressEvent)>,
}

impl Drop for Download {
    fn drop(&mut self) {
        self.request.set_onprogress(None);
        self.request.set_onloadend(None);
        let _ = self.request.abort();
    }
}

/// Fetches `url` as bytes, calling `progress(received, total)` as they arrive (the
/// total when the server says it) and `done` once at the end.
pub fn download(
    url: &str,
    progress: impl Fn(f64, Option<f64>) + 'static,
    done: impl FnOnce(Result<Vec<u8>, String>) + 'static,
) -> Result<Download, String> {
    let request = XmlHttpRequest::new().map_err(|e| format!("{e:?}"))?;
    request
        .open("GET", url)
        .map_err(|e| format!("cannot request {url}: {e:?}"))?;
    request.set_response_type(XmlHttpRequestResponseType::Arraybuffer);
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        let total = event.length_computable().then(|| event.total());
        progress(event.loaded(), total);
    });
    let mut done = Some(done);
    let finished = request.clone();
    let url_owned = url.to_owned();
    let on_end = Closure::<dyn FnMut(ProgressEvent)>::new(move |_: ProgressEvent| {
        let Some(done) = done.take() else { return };
        let status = finished.status().unwrap_or(0);
        let result = if status == 200 {
            finished
                .response()
                .ok()
                .filter(|r| !r.is_null())
                .map(|r| Uint8Array::new(&r).to_vec())
                .ok_or_else(|| format!("{url_owned}: the download gave no bytes"))
        } else if status == 0 {
            Err(format!(
                "{url_owned} could not be downloaded (no answer from the server)"
            ))
        } else {
            let text = finished.status_text().unwrap_or_default();
            Err(format!(
                "{url_owned} could not be downloaded: HTTP {status} {text}"
            ))
        };
        done(result);
    });
    request.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    request.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    request
        .send()
        .map_err(|e| format!("cannot request {url}: {e:?}"))?;
    Ok(Download {
        request,
        _progress: on_progress,
        _end: on_end,
    })
}

/// `bytes` for people: `16.9 MB`, `512 kB`.
pub fn megabytes(bytes: f64) -> String {
    if bytes >= 1e6 {
        format!("{:.1} MB", bytes / 1e6)
    } else {
        format!("{:.0} kB", bytes / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_megabytes_or_kilobytes() {
        assert_eq!(megabytes(16_934_000.0), "16.9 MB");
        assert_eq!(megabytes(512_000.0), "512 kB");
        assert_eq!(megabytes(0.0), "0 kB");
    }
}
