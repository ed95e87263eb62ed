//! The readers of files a user hands the app — MNIST's IDX files (plain or `.gz`), the
//! packed `digits.bin`, a saved configuration and the simulation pages' saved runs —
//! fed arbitrary and damaged bytes:
//! each refuses what it cannot read with an error, never panics, and never allocates
//! in proportion to a size field it has not checked against the bytes it was given.
//!
//! A counting global allocator measures, per thread, the most memory live at once
//! while a reader runs (tests run in parallel threads), above what was live before.
//! The bounds say where the memory may go: a plain file's reader works in the buffer
//! it was given, copying its contents at most once; a gzip stream may grow to
//! [`idx::MAX_DECOMPRESSED`] and no further. Native only (proptest is a native
//! dev-dependency).
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;

use bioprop::cerebellum::export::{self as cerebellum_export, Retune};
use bioprop::cerebellum::CerebellumConfig;
use bioprop::microcircuit::{self, export::SavedRun};
use bioprop::session::RunsConfig;
use bioprop::task::idx::{self, IMAGES_MAGIC, LABELS_MAGIC, MAX_DECOMPRESSED};
use bioprop::task::mnist::{self, Digits, PIXELS};
use bioprop::task::pack;
use bioprop::{ExperimentConfig, RuleKind, TaskKind};
use proptest::prelude::*;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// Bytes allocated minus bytes freed while counting.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The most `LIVE` reached.
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn add(bytes: isize) {
    // `try_with`: the allocator may be called while a thread's locals are torn down.
    let _ = COUNTING.try_with(|counting| {
        if counting.get() {
            LIVE.with(|live| {
                live.set(live.get() + bytes);
                PEAK.with(|peak| peak.set(peak.get().max(live.get())));
            });
        }
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What `f` returns and the most bytes it had allocated at once on this thread.
fn peak_in<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LIVE.with(|live| live.set(0));
    PEAK.with(|peak| peak.set(0));
    COUNTING.with(|c| c.set(true));
    let out = f();
    COUNTING.with(|c| c.set(false));
    (out, PEAK.with(Cell::get).max(0) as usize)
}

/// Room for error messages and small bookkeeping, whatever the input.
const SLACK: usize = 16 << 10;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

/// `n` 28×28 images, image `i`'s pixel `j` = `(3 i + j) % 256`.
fn image_file(n: u32) -> Vec<u8> {
    let pixels: Vec<u8> = (0..n as usize * PIXELS)
        .map(|k| ((3 * (k / PIXELS) + k % PIXELS) % 256) as u8)
        .collect();
    idx::encode(IMAGES_MAGIC, &[n, 28, 28], &pixels)
}

fn label_file(labels: &[u8]) -> Vec<u8> {
    idx::encode(LABELS_MAGIC, &[labels.len() as u32], labels)
}

fn digits(labels: &[u8]) -> Digits {
    Digits::from_idx(
        "images",
        image_file(labels.len() as u32),
        "labels",
        label_file(labels),
    )
    .expect("a valid pair")
}

/// A valid digits file: 3 training and 2 test digits.
fn pack_file() -> Vec<u8> {
    pack::write(&digits(&[3, 1, 4]), &digits(&[1, 5]))
}

/// A damage done to a valid file.
#[derive(Clone, Debug)]
enum Damage {
    /// The byte at this fraction of the length is xor-ed with the mask.
    Flip(f64, u8),
    /// The file is cut to this fraction of its length.
    Truncate(f64),
    /// The 4-byte word at this index (a size field in both formats' headers) is set.
    Word(usize, u32),
    /// Bytes appended.
    Append(Vec<u8>),
}

fn damage() -> impl Strategy<Value = Damage> {
    let huge = prop_oneof![
        Just(1_u32 << 31),
        Just(u32::MAX),
        Just(60_000),
        Just(0),
        any::<u32>(),
    ];
    prop_oneof![
        (0.0..1.0, 1..=255_u8).prop_map(|(at, mask)| Damage::Flip(at, mask)),
        (0.0..1.0).prop_map(Damage::Truncate),
        (0..6_usize, huge).prop_map(|(i, v)| Damage::Word(i, v)),
        proptest::collection::vec(any::<u8>(), 1..20).prop_map(Damage::Append),
    ]
}

/// `bytes` with `damages` done in turn; `big_endian` says how a header word is written.
fn damaged(mut bytes: Vec<u8>, damages: &[Damage], big_endian: bool) -> Vec<u8> {
    for d in damages {
        match d {
            Damage::Flip(at, mask) if !bytes.is_empty() => {
                let i = ((*at * bytes.len() as f64) as usize).min(bytes.len() - 1);
                bytes[i] ^= mask;
            }
            Damage::Flip(..) => {}
            Damage::Truncate(at) => bytes.truncate((*at * bytes.len() as f64) as usize),
            Damage::Word(i, value) => {
                let word = if big_endian {
                    value.to_be_bytes()
                } else {
                    value.to_le_bytes()
                };
                if let Some(slot) = bytes.get_mut(4 * i..4 * i + 4) {
                    slot.copy_from_slice(&word);
                }
            }
            Damage::Append(extra) => bytes.extend_from_slice(extra),
        }
    }
    bytes
}

/// Reads an IDX image file, checking what it accepts is what it was given: the
/// header's dimensions and exactly their pixels.
fn check_images(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let plain = !bytes.starts_with(&[0x1f, 0x8b]);
    let (given, len) = (bytes.clone(), bytes.len());
    let (read, peak) = peak_in(|| idx::parse_images("images", bytes));
    let bound = if plain {
        SLACK
    } else {
        len + SLACK + 2 * 1024 * 1024
    };
    prop_assert!(peak <= bound, "{peak} bytes for a {len}-byte file");
    if let (Ok(images), true) = (read, plain) {
        let dims = [images.count, images.rows, images.cols].map(|d| d as u32);
        prop_assert_eq!(idx::encode(IMAGES_MAGIC, &dims, &images.pixels), given);
    }
    Ok(())
}

fn check_labels(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let plain = !bytes.starts_with(&[0x1f, 0x8b]);
    let (given, len) = (bytes.clone(), bytes.len());
    let (read, peak) = peak_in(|| idx::parse_labels("labels", bytes, 9));
    let bound = if plain {
        SLACK
    } else {
        len + SLACK + 2 * 1024 * 1024
    };
    prop_assert!(peak <= bound, "{peak} bytes for a {len}-byte file");
    if let (Ok(labels), true) = (read, plain) {
        prop_assert!(labels.iter().all(|&l| l <= 9));
        prop_assert_eq!(label_file(&labels), given);
    }
    Ok(())
}

/// Reads a digits file; what it accepts must be what [`pack::write`] writes for it.
fn check_pack(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let plain = !bytes.starts_with(&[0x1f, 0x8b]);
    let (given, len) = (bytes.clone(), bytes.len());
    let (read, peak) = peak_in(|| pack::read("digits.bin", bytes));
    // The accepted digits are copied out of the file once.
    let bound = if plain {
        len + SLACK
    } else {
        2 * (len + 2 * 1024 * 1024) + SLACK
    };
    prop_assert!(peak <= bound, "{peak} bytes for a {len}-byte file");
    if let (Ok((train, test)), true) = (read, plain) {
        prop_assert_eq!(pack::write(&train, &test), given);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_are_refused_by_every_digits_reader(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        gzipped in any::<bool>(),
    ) {
        let bytes = if gzipped { gzip(&bytes) } else { bytes };
        check_images(bytes.clone())?;
        check_labels(bytes.clone())?;
        check_pack(bytes.clone())?;
        let four = (0..4).map(|i| (format!("file{i}"), bytes.clone())).collect();
        let (read, peak) = peak_in(|| mnist::from_files(four));
        prop_assert!(read.is_err());
        prop_assert!(peak <= 4 * (bytes.len() + 2 * 1024 * 1024) + SLACK, "{}", peak);
    }

    #[test]
    fn damaged_idx_files_are_refused_or_read_as_given(
        damages in proptest::collection::vec(damage(), 1..4),
        labels in any::<bool>(),
        gzipped in any::<bool>(),
    ) {
        let good = if labels { label_file(&[7, 0, 9, 2]) } else { image_file(3) };
        let bad = damaged(good, &damages, true);
        let bad = if gzipped { gzip(&bad) } else { bad };
        check_images(bad.clone())?;
        check_labels(bad)?;
    }

    #[test]
    fn damaged_gzip_streams_are_refused_or_read_as_given(
        damages in proptest::collection::vec(damage(), 1..4),
    ) {
        // Damage to the compressed bytes: the CRC, the sizes, the deflate blocks.
        let bad = damaged(gzip(&image_file(2)), &damages, false);
        check_images(bad.clone())?;
        check_pack(bad)?;
    }

    #[test]
    fn damaged_digits_files_are_refused_or_read_as_given(
        damages in proptest::collection::vec(damage(), 1..4),
        gzipped in any::<bool>(),
    ) {
        let bad = damaged(pack_file(), &damages, false);
        let bad = if gzipped { gzip(&bad) } else { bad };
        check_pack(bad)?;
    }

    #[test]
    fn four_damaged_mnist_files_are_refused_or_read(
        damages in proptest::collection::vec(damage(), 1..3),
        which in 0..4_usize,
    ) {
        let mut files = vec![
            ("train-images-idx3-ubyte".to_owned(), image_file(3)),
            ("train-labels-idx1-ubyte".to_owned(), label_file(&[1, 2, 3])),
            ("t10k-images-idx3-ubyte".to_owned(), image_file(2)),
            ("t10k-labels-idx1-ubyte".to_owned(), label_file(&[4, 5])),
        ];
        files[which].1 = damaged(files[which].1.clone(), &damages, true);
        let len: usize = files.iter().map(|(_, b)| b.len()).sum();
        let (read, peak) = peak_in(|| mnist::from_files(files));
        prop_assert!(peak <= len + SLACK, "{} bytes for {} bytes of files", peak, len);
        if let Ok((train, test)) = read {
            prop_assert!(train.len() + test.len() <= 5);
            prop_assert!(train.labels().iter().chain(test.labels()).all(|&l| l <= 9));
        }
    }

    #[test]
    fn arbitrary_text_is_refused_as_a_configuration(text in ".{0,300}") {
        let len = text.len();
        let (read, peak) = peak_in(|| RunsConfig::from_json(&text).map(|c| c.validate()));
        prop_assert!(peak <= 16 * len + SLACK, "{} bytes for {} bytes of text", peak, len);
        // Only an object with the fields of a configuration could be one.
        if !text.trim_start().starts_with('{') {
            prop_assert!(read.is_err());
        }
    }

    #[test]
    fn damaged_configurations_are_refused_naming_the_problem_or_read(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), value()), 1..4),
    ) {
        let mut json = serde_json::to_value(good_config()).expect("a config is JSON");
        for (at, value) in &edits {
            replace_leaf(&mut json, at, value.clone());
        }
        let text = json.to_string();
        let len = text.len();
        let (read, peak) = peak_in(|| {
            RunsConfig::from_json(&text).and_then(|c| c.validate().map_err(|e| e.to_string()))
        });
        prop_assert!(peak <= 16 * len + SLACK, "{} bytes for {} bytes of text", peak, len);
        if let Err(why) = read {
            prop_assert!(!why.is_empty());
        }
    }

    #[test]
    fn damaged_simulation_runs_are_refused_naming_the_problem_or_read(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), value()), 1..4),
        cerebellum in any::<bool>(),
    ) {
        // A saved run of each simulation page, with a change made while it ran.
        let mut json = if cerebellum {
            let config = CerebellumConfig::default();
            let changes = [Retune { at_step: 10, config: config.clone() }];
            serde_json::from_str(&cerebellum_export::run_json(&config, &changes)).expect("JSON")
        } else {
            let mut saved = SavedRun::new(microcircuit::Config::default());
            saved.record_target(0.0, false);
            saved.record_mode(150.0, microcircuit::Mode::SteadyState);
            serde_json::to_value(saved).expect("a saved run is JSON")
        };
        for (at, value) in &edits {
            replace_leaf(&mut json, at, value.clone());
        }
        let text = json.to_string();
        let len = text.len();
        let (read, peak) = peak_in(|| {
            if cerebellum {
                cerebellum_export::read_run(&text).map(|_| ())
            } else {
                microcircuit::export::read(&text).map(|_| ())
            }
        });
        // The cerebellum's reader builds the model its (checked) settings describe, as
        // large as they allow; the microcircuit's only reads.
        if !cerebellum {
            prop_assert!(peak <= 16 * len + SLACK, "{} bytes for {} bytes of text", peak, len);
        }
        if let Err(why) = read {
            prop_assert!(!why.is_empty());
        }
    }

    #[test]
    fn arbitrary_text_is_refused_as_a_simulation_run(text in ".{0,300}") {
        if !text.trim_start().starts_with('{') {
            prop_assert!(microcircuit::export::read(&text).is_err());
            prop_assert!(cerebellum_export::read_run(&text).is_err());
        }
    }
}

/// The configuration the rules page exports by default, with a per-run rate.
fn good_config() -> RunsConfig {
    let mut config = RunsConfig::new(
        vec![RuleKind::Backprop, RuleKind::FeedbackAlignment],
        ExperimentConfig::for_task(TaskKind::LinearTeacher),
        5,
    );
    config.learning_rates = vec![(RuleKind::FeedbackAlignment.into(), 0.02)];
    config
}

/// Values a damaged or hostile file might hold where a number, a name or a list is
/// expected: sizes far beyond any check, negative and fractional counts, the wrong
/// types, deep nesting.
fn value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    prop_oneof![
        Just(json!(2_147_483_648_u64)),
        Just(json!(u64::MAX)),
        Just(json!(1e300)),
        Just(json!(-1)),
        Just(json!(0.5)),
        Just(json!(0)),
        Just(Value::Null),
        Just(json!("")),
        Just(json!([4_294_967_295_u64, 4_294_967_295_u64])),
        Just(json!({"Uniform": {"scale": 1e39}})),
        Just(serde_json::from_str(&format!("{}1{}", "[".repeat(40), "]".repeat(40))).unwrap()),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,12}".prop_map(Value::String),
    ]
}

/// Replaces one leaf of `json` (a number, string, boolean or null anywhere in it,
/// chosen by `at`) with `value`.
fn replace_leaf(json: &mut serde_json::Value, at: &prop::sample::Index, value: serde_json::Value) {
    fn count(json: &serde_json::Value) -> usize {
        match json {
            serde_json::Value::Array(items) => items.iter().map(count).sum(),
            serde_json::Value::Object(map) => map.values().map(count).sum(),
            _ => 1,
        }
    }
    /// Replaces leaf number `*left` (counting down as leaves pass); true once done.
    fn put(json: &mut serde_json::Value, left: &mut usize, value: &serde_json::Value) -> bool {
        match json {
            serde_json::Value::Array(items) => items.iter_mut().any(|v| put(v, left, value)),
            serde_json::Value::Object(map) => map.values_mut().any(|v| put(v, left, value)),
            leaf if *left == 0 => {
                *leaf = value.clone();
                true
            }
            _ => {
                *left -= 1;
                false
            }
        }
    }
    let leaves = count(json);
    if leaves > 0 {
        put(json, &mut at.index(leaves), &value);
    }
}

#[test]
fn a_header_claiming_two_to_the_31_images_in_100_bytes_allocates_nothing_for_them() {
    let claim = idx::encode(IMAGES_MAGIC, &[1 << 31, 28, 28], &[0; 84]);
    assert_eq!(claim.len(), 100);
    let (read, peak) = peak_in(|| idx::parse_images("train-images", claim));
    let error = read.unwrap_err().to_string();
    assert!(
        error.starts_with("train-images: the header says 2147483648×28×28"),
        "{error}"
    );
    assert!(error.ends_with("but the file has 100 bytes: it is truncated"));
    assert!(peak <= SLACK, "{peak} bytes");

    let labels = idx::encode(LABELS_MAGIC, &[1 << 31], &[0; 92]);
    let (read, peak) = peak_in(|| idx::parse_labels("labels", labels, 9));
    assert!(read.is_err());
    assert!(peak <= SLACK, "{peak} bytes");

    // The digits file's counts are checked against their ranges, then the length.
    let mut packed = pack_file();
    packed[8..12].copy_from_slice(&(1_u32 << 31).to_le_bytes());
    packed.truncate(100);
    let (read, peak) = peak_in(|| pack::read("digits.bin", packed));
    assert_eq!(
        read.unwrap_err().to_string(),
        "digits.bin: the training count is 2147483648, expected 1 to 60000"
    );
    assert!(peak <= SLACK, "{peak} bytes");
    let mut packed = pack_file();
    packed[8..12].copy_from_slice(&60_000_u32.to_le_bytes());
    let (read, peak) = peak_in(|| pack::read("digits.bin", packed));
    assert!(read.unwrap_err().to_string().ends_with("it is truncated"));
    assert!(peak <= SLACK, "{peak} bytes");
}

#[test]
fn a_gzip_bomb_is_refused_within_the_decompression_bound() {
    // Gzip members, each 1 MiB of zeros in a few kilobytes, concatenated (a reader of
    // one member would stop after the first): 65 MiB, just over the bound.
    let member = gzip(&vec![0; 1 << 20]);
    let members = (MAX_DECOMPRESSED >> 20) as usize + 1;
    let bomb: Vec<u8> = member.repeat(members);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let len = bomb.len();
    let (read, peak) = peak_in(|| idx::parse_images("bomb.gz", bomb));
    assert_eq!(
        read.unwrap_err().to_string(),
        format!(
            "bomb.gz: decompresses to more than {MAX_DECOMPRESSED} bytes, more than any MNIST file"
        )
    );
    assert!(
        peak <= MAX_DECOMPRESSED as usize + len + SLACK + (1 << 20),
        "{peak} bytes: more than the bound of {MAX_DECOMPRESSED}"
    );
    // Exactly at the bound is not too large (here it is not an IDX file either).
    let at_bound = member.repeat(members - 1);
    let error = idx::parse_images("zeros.gz", at_bound).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("zeros.gz: magic number 0x00000000"),
        "{error}"
    );
}

#[test]
fn configurations_with_sizes_beyond_their_checks_are_refused_by_field() {
    let mut json = serde_json::to_value(good_config()).unwrap();
    json["experiment"]["layers"] = serde_json::json!([30, 4_294_967_295_u64, 10]);
    let text = json.to_string();
    let (read, peak) = peak_in(|| RunsConfig::from_json(&text).unwrap().validate());
    let error = read.unwrap_err().to_string();
    assert!(
        error.contains("`layers[1]` must be between 1 and 4096 units, got 4294967295"),
        "{error}"
    );
    assert!(peak <= SLACK + 16 * text.len(), "{peak} bytes");

    let mut json = serde_json::to_value(good_config()).unwrap();
    json["experiment"]["task"]["train_size"] = serde_json::json!(1_u64 << 40);
    let text = json.to_string();
    let (read, peak) = peak_in(|| RunsConfig::from_json(&text).unwrap().validate());
    let error = read.unwrap_err().to_string();
    assert!(
        error.contains("task.train_size must be between 1 and"),
        "{error}"
    );
    assert!(peak <= SLACK + 16 * text.len(), "{peak} bytes");

    // Nesting far past any configuration's depth is refused, not a stack overflow.
    let deep = format!(
        "{{\"rules\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(RunsConfig::from_json(&deep).is_err());
    let deep = format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    assert!(RunsConfig::from_json(&deep).is_err());
}
