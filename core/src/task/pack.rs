//! The compact digits file the browser loads (`digits.bin`, built by `make dist`): a
//! training set and a test set of 28×28 MNIST digits in one file, with a header that
//! says what it holds, so a wrong, damaged or truncated file is refused with a message
//! rather than misread (docs/science.md §3, "Digits").
//!
//! ```text
//! offset  bytes            content
//! 0       4                magic "BPDG" (bioprop digits)
//! 4       4                version, u32 little-endian: 1
//! 8       4                n_train, u32 LE (1 ..= 60,000)
//! 12      4                n_test, u32 LE (1 ..= 10,000)
//! 16      4                rows, u32 LE: 28
//! 20      4                cols, u32 LE: 28
//! 24      n_train          training labels, one byte each, 0 ..= 9
//! …       n_train · 784    training images, each row by row, 0 (background) ..= 255 (ink)
//! …       n_test           test labels
//! …       n_test · 784     test images
//! ```
//!
//! The file is exactly that long. It is stored gzipped (the bytes then start with
//! `1f 8b`; [`read`] decompresses them first), because a static host need not compress
//! an `application/octet-stream` on the way: MNIST's mostly-blank images shrink about
//! fivefold. The images and labels are MNIST's own, unchanged: the first `n_train`
//! images of `train-images-idx3-ubyte` and the first `n_test` of `t10k-images-idx3-ubyte`.

use std::io::Write;

use thiserror::Error;

use super::idx::{self, IdxError, Images};
use super::mnist::{Digits, CLASSES, PIXELS, SIDE, TEST_COUNT, TRAIN_COUNT};

/// The first four bytes of a digits file.
pub const MAGIC: [u8; 4] = *b"BPDG";
/// The format version [`read`] understands and [`write`] writes.
pub const VERSION: u32 = 1;
/// Bytes before the labels.
pub const HEADER_LEN: usize = 24;
/// The file name `make dist` gives it, next to the app.
pub const FILE_NAME: &str = "digits.bin";
/// Training images `make dist` packs: enough to reach about 95 % test accuracy with
/// backprop on 784-100-10, at a download of a few megabytes.
pub const PACKED_TRAIN: usize = 12_000;

/// Why a digits file was refused; every message names the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PackError {
    #[error(transparent)]
    Gzip(#[from] IdxError),
    #[error(
        "{file}: {got} bytes is too short for a digits file's header, which needs {HEADER_LEN}"
    )]
    ShortHeader { file: String, got: usize },
    #[error(
        "{file}: not a bioprop digits file (it starts with {got:02x?}, expected \"BPDG\"); \
         to load MNIST's own files, choose the four IDX files"
    )]
    Magic { file: String, got: Vec<u8> },
    #[error("{file}: format version {got}, this app reads version {VERSION}: rebuild it with `make dist`")]
    Version { file: String, got: u32 },
    #[error("{file}: {field} is {got}, expected {expected}")]
    Count {
        file: String,
        field: &'static str,
        got: u32,
        expected: String,
    },
    #[error(
        "{file}: the header says {train} training and {test} test images of 28×28 \
         ({expected} bytes), but the file has {got} bytes{}",
        if got < expected { ": it is truncated" } else { ": it has extra bytes" }
    )]
    Size {
        file: String,
        train: usize,
        test: usize,
        expected: usize,
        got: usize,
    },
    #[error("{file}: {set} label {value} at image {index}, expected a digit 0 to 9")]
    Label {
        file: String,
        set: &'static str,
        index: usize,
        value: u8,
    },
}

/// The bytes of a digits file holding `train` and `test` (not compressed: see
/// [`write_gzip`]).
pub fn write(train: &Digits, test: &Digits) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + (train.len() + test.len()) * (PIXELS + 1));
    out.extend_from_slice(&MAGIC);
    for word in [
        VERSION,
        train.len() as u32,
        test.len() as u32,
        SIDE as u32,
        SIDE as u32,
    ] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    for set in [train, test] {
        out.extend_from_slice(set.labels());
        for index in 0..set.len() {
            out.extend_from_slice(set.image(index));
        }
    }
    out
}

/// [`write`], gzipped at the best compression: what `make dist` ships.
pub fn write_gzip(train: &Digits, test: &Digits) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    encoder
        .write_all(&write(train, test))
        .expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

/// The training and test digits of a digits file's `bytes` (plain or gzipped), named
/// `file` in errors.
///
/// # Errors
///
/// [`PackError`] for a damaged gzip stream, a file that is not a digits file, another
/// version, counts or an image size out of range, a length that does not match the
/// header, or a label that is not a digit. Never panics.
pub fn read(file: &str, bytes: Vec<u8>) -> Result<(Digits, Digits), PackError> {
    let bytes = idx::decompress_if_gzip(file, bytes)?;
    if bytes.len() < HEADER_LEN {
        return Err(PackError::ShortHeader {
            file: file.to_owned(),
            got: bytes.len(),
        });
    }
    if bytes[..4] != MAGIC {
        return Err(PackError::Magic {
            file: file.to_owned(),
            got: bytes[..4].to_vec(),
        });
    }
    let word = |i: usize| {
        let b = &bytes[4 * i..4 * i + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    };
    if word(1) != VERSION {
        return Err(PackError::Version {
            file: file.to_owned(),
            got: word(1),
        });
    }
    let count = |field: &'static str, got: u32, range: std::ops::RangeInclusive<u32>| {
        if range.contains(&got) {
            Ok(got as usize)
        } else {
            Err(PackError::Count {
                file: file.to_owned(),
                field,
                got,
                expected: format!("{} to {}", range.start(), range.end()),
            })
        }
    };
    let n_train = count("the training count", word(2), 1..=TRAIN_COUNT as u32)?;
    let n_test = count("the test count", word(3), 1..=TEST_COUNT as u32)?;
    count("the image height", word(4), SIDE as u32..=SIDE as u32)?;
    count("the image width", word(5), SIDE as u32..=SIDE as u32)?;
    let expected = HEADER_LEN + (n_train + n_test) * (PIXELS + 1);
    if bytes.len() != expected {
        return Err(PackError::Size {
            file: file.to_owned(),
            train: n_train,
            test: n_test,
            expected,
            got: bytes.len(),
        });
    }
    let mut at = HEADER_LEN;
    let mut set = |n: usize, name: &'static str| -> Result<Digits, PackError> {
        let labels = bytes[at..at + n].to_vec();
        let pixels = bytes[at + n..at + n * (PIXELS + 1)].to_vec();
        at += n * (PIXELS + 1);
        if let Some((index, &value)) =
            (labels.iter().enumerate()).find(|(_, &l)| usize::from(l) >= CLASSES)
        {
            return Err(PackError::Label {
                file: file.to_owned(),
                set: name,
                index,
                value,
            });
        }
        let images = Images {
            count: n,
            rows: SIDE,
            cols: SIDE,
            pixels,
        };
        Ok(Digits::from_parts(images, labels))
    };
    let train = set(n_train, "training")?;
    let test = set(n_test, "test")?;
    Ok((train, test))
}

#[cfg(test)]
mod tests {
    use super::*;
    use idx::{encode, IMAGES_MAGIC, LABELS_MAGIC};

    /// `labels.len()` hand-made images: image `i` has pixel `j` = `(7 i + j) % 256`.
    fn digits(labels: &[u8], offset: usize) -> Digits {
        let n = labels.len();
        let pixels: Vec<u8> = (0..n * PIXELS)
            .map(|k| ((7 * (k / PIXELS + offset) + k % PIXELS) % 256) as u8)
            .collect();
        Digits::from_idx(
            "images",
            encode(IMAGES_MAGIC, &[n as u32, 28, 28], &pixels),
            "labels",
            encode(LABELS_MAGIC, &[n as u32], labels),
        )
        .unwrap()
    }

    fn sets() -> (Digits, Digits) {
        (digits(&[3, 1, 4, 1, 5], 0), digits(&[9, 2, 6], 100))
    }

    #[test]
    fn a_written_file_reads_back_plain_or_gzipped() {
        let (train, test) = sets();
        let plain = write(&train, &test);
        assert_eq!(plain.len(), HEADER_LEN + 8 * 785);
        assert_eq!(&plain[..4], b"BPDG");
        // Version 1, 5 and 3 images of 28×28, little-endian; then the training labels.
        assert_eq!(&plain[4..8], &[1, 0, 0, 0]);
        assert_eq!(&plain[8..12], &[5, 0, 0, 0]);
        assert_eq!(&plain[12..16], &[3, 0, 0, 0]);
        assert_eq!(&plain[16..24], &[28, 0, 0, 0, 28, 0, 0, 0]);
        assert_eq!(&plain[24..29], &[3, 1, 4, 1, 5]);
        // Training image 0's pixel 1, by the formula: (7·0 + 1) % 256.
        assert_eq!(plain[29 + 1], 1);
        assert_eq!(
            read("d.bin", plain.clone()),
            Ok((train.clone(), test.clone()))
        );
        let gzipped = write_gzip(&train, &test);
        assert_eq!(&gzipped[..2], &[0x1f, 0x8b]);
        let (train_back, test_back) = read("d.bin", gzipped).unwrap();
        assert_eq!(train_back, train);
        assert_eq!(test_back.labels(), &[9, 2, 6]);
        // Test image 2's pixel 0: (7·102 + 0) % 256.
        assert_eq!(test_back.image(2)[0], (7 * 102 % 256) as u8);
    }

    #[test]
    fn a_wrong_or_damaged_file_is_refused_naming_the_problem() {
        let (train, test) = sets();
        let good = write(&train, &test);
        let error = |bytes: Vec<u8>| read("digits.bin", bytes).unwrap_err().to_string();

        let truncated = error(good[..good.len() - 1].to_vec());
        assert_eq!(
            truncated,
            "digits.bin: the header says 5 training and 3 test images of 28×28 (6304 bytes), \
             but the file has 6303 bytes: it is truncated"
        );
        let mut longer = good.clone();
        longer.push(0);
        assert!(error(longer).ends_with("it has extra bytes"));
        assert_eq!(
            error(good[..10].to_vec()),
            "digits.bin: 10 bytes is too short for a digits file's header, which needs 24"
        );

        // An IDX file, or anything else, is not a digits file.
        let idx_file = encode(LABELS_MAGIC, &[30], &[0; 30]);
        let magic = error(idx_file);
        assert!(
            magic.starts_with("digits.bin: not a bioprop digits file"),
            "{magic}"
        );

        let mut version = good.clone();
        version[4] = 2;
        assert_eq!(
            error(version),
            "digits.bin: format version 2, this app reads version 1: rebuild it with `make dist`"
        );
        let mut counts = good.clone();
        counts[12..16].copy_from_slice(&0_u32.to_le_bytes());
        assert_eq!(
            error(counts),
            "digits.bin: the test count is 0, expected 1 to 10000"
        );
        let mut counts = good.clone();
        counts[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(error(counts).contains("the training count is 4294967295"));
        let mut side = good.clone();
        side[16] = 27;
        assert_eq!(
            error(side),
            "digits.bin: the image height is 27, expected 28 to 28"
        );
        let mut label = good.clone();
        label[HEADER_LEN + 5 + 5 * PIXELS + 1] = 10;
        assert_eq!(
            error(label),
            "digits.bin: test label 10 at image 1, expected a digit 0 to 9"
        );
        let mut gzipped = write_gzip(&train, &test);
        gzipped.truncate(gzipped.len() / 2);
        assert!(error(gzipped).contains("not a valid gzip file"));
    }

    #[test]
    fn arbitrary_bytes_are_refused_without_panicking() {
        // Every prefix of a good file (and of its gzip) is refused or read, never a panic.
        let (train, test) = sets();
        let good = write(&train, &test);
        for n in 0..HEADER_LEN + 40 {
            assert!(read("d", good[..n].to_vec()).is_err());
        }
        let gzipped = write_gzip(&train, &test);
        for n in 0..gzipped.len() {
            let _ = read("d", gzipped[..n].to_vec());
        }
    }
}
