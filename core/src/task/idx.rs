//! The IDX file format of the MNIST digits (LeCun, Cortes & Burges), read with every
//! size checked, from plain bytes or from their gzip compression.
//!
//! ```text
//! offset  bytes  content
//! 0       2      0x00 0x00
//! 2       1      element type: 0x08 = unsigned byte (the only type MNIST uses)
//! 3       1      d, the number of dimensions
//! 4       4·d    each dimension as a big-endian u32 (first one: the number of items)
//! 4+4d    Π dims the elements, row-major
//! ```
//!
//! So an image file starts with the magic number `0x00000803` (bytes, 3-D: count ×
//! rows × columns) and a label file with `0x00000801` (bytes, 1-D: count). A file is
//! accepted only if its length is exactly the header plus the product of its
//! dimensions: a truncated download, a file with bytes appended, or one whose header
//! was damaged is refused with an [`IdxError`] naming the file and what was expected.
//! Nothing here panics on any input (a property test feeds arbitrary bytes).
//!
//! A file whose first two bytes are the gzip magic `1f 8b` is decompressed first
//! (`flate2` with its pure-Rust backend), up to [`MAX_DECOMPRESSED`] bytes.

use std::io::Read;

use thiserror::Error;

/// The magic number of an IDX file of unsigned bytes with 3 dimensions (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// The magic number of an IDX file of unsigned bytes with 1 dimension (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Most bytes a gzip file may decompress to: room for the 60,000 training images
/// (47,040,016 bytes) with a margin, and a bound on what a damaged or hostile file can
/// make us allocate.
pub const MAX_DECOMPRESSED: u64 = 64 << 20;

/// The first two bytes of every gzip stream (RFC 1952, §2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Images as stored: `count` images of `rows × cols` pixels, 0 (white) to 255 (black),
/// image after image, each row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Images {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    /// `count · rows · cols` bytes.
    pub pixels: Vec<u8>,
}

impl Images {
    /// The pixels of image `index`, `rows · cols` bytes.
    pub fn image(&self, index: usize) -> &[u8] {
        let size = self.rows * self.cols;
        &self.pixels[index * size..(index + 1) * size]
    }
}

/// Why an IDX file was refused; every message names the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdxError {
    #[error("{file}: cannot read it: {message}")]
    Read { file: String, message: String },
    #[error("{file}: not a valid gzip file: {message}")]
    Gzip { file: String, message: String },
    #[error(
        "{file}: decompresses to more than {MAX_DECOMPRESSED} bytes, more than any MNIST file"
    )]
    TooLarge { file: String },
    #[error("{file}: {got} bytes is too short for an IDX header, which needs {expected}")]
    ShortHeader {
        file: String,
        expected: usize,
        got: usize,
    },
    #[error("{file}: magic number 0x{got:08x}, expected 0x{expected:08x} (an IDX file of {what})")]
    Magic {
        file: String,
        expected: u32,
        got: u32,
        what: &'static str,
    },
    #[error(
        "{file}: the header says {dims} ({expected} bytes with the header), but the file has \
         {got} bytes{}",
        if got < expected { ": it is truncated" } else { ": it has extra bytes" }
    )]
    Size {
        file: String,
        dims: String,
        expected: u64,
        got: u64,
    },
    #[error("{file}: the header's dimensions {dims} are too large to be a real file")]
    Overflow { file: String, dims: String },
    #[error("{file}: images of {got}, expected {expected}")]
    ImageSize {
        file: String,
        expected: String,
        got: String,
    },
    #[error("{file}: label {value} at item {index}, expected a digit 0 to {max}")]
    Label {
        file: String,
        index: usize,
        value: u8,
        max: u8,
    },
    #[error("{images} has {image_count} images but {labels} has {label_count} labels: they must be the same set")]
    Mismatch {
        images: String,
        image_count: usize,
        labels: String,
        label_count: usize,
    },
}

/// `bytes`, decompressed if they start with the gzip magic; `file` names them in errors.
///
/// # Errors
///
/// [`IdxError::Gzip`] for a damaged gzip stream, [`IdxError::TooLarge`] above
/// [`MAX_DECOMPRESSED`].
pub fn decompress_if_gzip(file: &str, bytes: Vec<u8>) -> Result<Vec<u8>, IdxError> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(bytes);
    }
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes.as_slice());
    let mut out = Vec::new();
    // By chunks, refusing before the bound is passed: `read_to_end` would double the
    // buffer to twice the bound for a stream just over it.
    let mut chunk = vec![0; 64 << 10];
    loop {
        let n = decoder.read(&mut chunk).map_err(|error| IdxError::Gzip {
            file: file.to_owned(),
            message: error.to_string(),
        })?;
        if n == 0 {
            break;
        }
        if (out.len() + n) as u64 > MAX_DECOMPRESSED {
            return Err(IdxError::TooLarge {
                file: file.to_owned(),
            });
        }
        out.extend_from_slice(&chunk[..n]);
    }
    Ok(out)
}

/// Checks the header of `bytes` against `magic` (which fixes the number of dimensions)
/// and the file length against the dimensions; returns the dimensions.
fn header(
    file: &str,
    bytes: &[u8],
    magic: u32,
    what: &'static str,
) -> Result<Vec<usize>, IdxError> {
    let word = |i: usize| -> Option<u32> {
        let b = bytes.get(4 * i..4 * i + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let Some(got) = word(0) else {
        return Err(IdxError::ShortHeader {
            file: file.to_owned(),
            expected: 4,
            got: bytes.len(),
        });
    };
    if got != magic {
        return Err(IdxError::Magic {
            file: file.to_owned(),
            expected: magic,
            got,
            what,
        });
    }
    let rank = (magic & 0xff) as usize;
    let header_len = 4 + 4 * rank;
    let dims: Vec<usize> = match (1..=rank).map(word).collect::<Option<Vec<u32>>>() {
        Some(dims) => dims.into_iter().map(|d| d as usize).collect(),
        None => {
            return Err(IdxError::ShortHeader {
                file: file.to_owned(),
                expected: header_len,
                got: bytes.len(),
            })
        }
    };
    let dims_text = dims
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("×");
    let body = dims
        .iter()
        .try_fold(1_u64, |product, &d| product.checked_mul(d as u64))
        .and_then(|n| n.checked_add(header_len as u64));
    let Some(expected) = body else {
        return Err(IdxError::Overflow {
            file: file.to_owned(),
            dims: dims_text,
        });
    };
    if expected != bytes.len() as u64 {
        return Err(IdxError::Size {
            file: file.to_owned(),
            dims: dims_text,
            expected,
            got: bytes.len() as u64,
        });
    }
    Ok(dims)
}

/// Parses an IDX image file (`0x00000803`, plain or gzip). `file` names it in errors.
///
/// # Errors
///
/// [`IdxError`] for a damaged gzip stream, a wrong magic number, a header cut short, or
/// a length that differs from what the header's dimensions need.
pub fn parse_images(file: &str, bytes: Vec<u8>) -> Result<Images, IdxError> {
    let bytes = decompress_if_gzip(file, bytes)?;
    let dims = header(
        file,
        &bytes,
        IMAGES_MAGIC,
        "unsigned bytes in 3 dimensions (images)",
    )?;
    let (count, rows, cols) = (dims[0], dims[1], dims[2]);
    let mut pixels = bytes;
    pixels.drain(..16);
    Ok(Images {
        count,
        rows,
        cols,
        pixels,
    })
}

/// Parses an IDX label file (`0x00000801`, plain or gzip) whose labels are `0..=max`.
/// `file` names it in errors.
///
/// # Errors
///
/// As [`parse_images`], and [`IdxError::Label`] for the first label above `max`.
pub fn parse_labels(file: &str, bytes: Vec<u8>, max: u8) -> Result<Vec<u8>, IdxError> {
    let bytes = decompress_if_gzip(file, bytes)?;
    header(
        file,
        &bytes,
        LABELS_MAGIC,
        "unsigned bytes in 1 dimension (labels)",
    )?;
    let mut labels = bytes;
    labels.drain(..8);
    if let Some((index, &value)) = labels.iter().enumerate().find(|(_, &v)| v > max) {
        return Err(IdxError::Label {
            file: file.to_owned(),
            index,
            value,
            max,
        });
    }
    Ok(labels)
}

/// Writes `labels` or images as an IDX file: the inverse of the parsers, for tests and
/// tools that cut a subset.
pub fn encode(magic: u32, dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut bytes = magic.to_be_bytes().to_vec();
    for d in dims {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    bytes.extend_from_slice(data);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Two 2×3 images with pixels 0..12, by hand.
    fn two_images() -> Vec<u8> {
        let pixels: Vec<u8> = (0..12).collect();
        encode(IMAGES_MAGIC, &[2, 2, 3], &pixels)
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn a_good_image_file_reads_back_its_header_and_pixels() {
        let bytes = two_images();
        // The header by hand: 00 00 08 03, then 2, 2, 3 as big-endian u32s.
        assert_eq!(
            &bytes[..16],
            &[0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]
        );
        let images = parse_images("a", bytes).unwrap();
        assert_eq!((images.count, images.rows, images.cols), (2, 2, 3));
        assert_eq!(images.image(0), &[0, 1, 2, 3, 4, 5]);
        assert_eq!(images.image(1), &[6, 7, 8, 9, 10, 11]);
    }

    #[test]
    fn a_good_label_file_reads_back_its_labels() {
        let bytes = vec![0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9];
        assert_eq!(parse_labels("l", bytes, 9), Ok(vec![7, 0, 9]));
        // An empty set is a valid file.
        assert_eq!(
            parse_labels("l", encode(LABELS_MAGIC, &[0], &[]), 9),
            Ok(vec![])
        );
    }

    #[test]
    fn gzip_files_read_as_their_contents() {
        let plain = parse_images("a", two_images()).unwrap();
        let compressed = gzip(&two_images());
        assert_eq!(&compressed[..2], &GZIP_MAGIC);
        assert_eq!(parse_images("a.gz", compressed).unwrap(), plain);
        let labels = gzip(&encode(LABELS_MAGIC, &[2], &[4, 5]));
        assert_eq!(parse_labels("l.gz", labels, 9), Ok(vec![4, 5]));
    }

    #[test]
    fn a_damaged_gzip_stream_is_refused_by_name() {
        let mut compressed = gzip(&two_images());
        let cut = compressed.len() - 12;
        compressed.truncate(cut);
        let error = parse_images("train.gz", compressed).unwrap_err();
        assert!(matches!(error, IdxError::Gzip { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with("train.gz: not a valid gzip file"),
            "{error}"
        );
    }

    #[test]
    fn a_truncated_file_is_refused_with_the_size_it_needs() {
        let mut bytes = two_images();
        bytes.pop();
        let error = parse_images("t10k-images", bytes).unwrap_err();
        assert_eq!(
            error.to_string(),
            "t10k-images: the header says 2×2×3 (28 bytes with the header), but the file has \
             27 bytes: it is truncated"
        );
        // Cut inside the header.
        let error = parse_images("x", two_images()[..10].to_vec()).unwrap_err();
        assert_eq!(
            error,
            IdxError::ShortHeader {
                file: "x".into(),
                expected: 16,
                got: 10
            }
        );
        let error = parse_labels("y", vec![0, 0], 9).unwrap_err();
        assert_eq!(
            error.to_string(),
            "y: 2 bytes is too short for an IDX header, which needs 4"
        );
    }

    #[test]
    fn extra_bytes_are_refused_too() {
        let mut bytes = two_images();
        bytes.push(0);
        let error = parse_images("a", bytes).unwrap_err();
        assert!(
            error.to_string().ends_with("29 bytes: it has extra bytes"),
            "{error}"
        );
    }

    #[test]
    fn a_wrong_magic_number_is_refused_and_says_what_was_expected() {
        // A label file where images are expected, and the other way round.
        let labels = encode(LABELS_MAGIC, &[2], &[1, 2]);
        let error = parse_images("train-images", labels).unwrap_err();
        assert_eq!(
            error.to_string(),
            "train-images: magic number 0x00000801, expected 0x00000803 \
             (an IDX file of unsigned bytes in 3 dimensions (images))"
        );
        let error = parse_labels("train-labels", two_images(), 9).unwrap_err();
        assert!(matches!(
            error,
            IdxError::Magic {
                got: IMAGES_MAGIC,
                ..
            }
        ));
        // Floats (type 0x0d) are another IDX type, not MNIST's.
        let floats = encode(0x0000_0d03, &[1, 1, 1], &[0, 0, 0, 0]);
        assert!(matches!(
            parse_images("f", floats),
            Err(IdxError::Magic { got: 0x0d03, .. })
        ));
    }

    #[test]
    fn a_header_claiming_more_than_the_file_holds_is_refused_without_allocating_it() {
        let huge = encode(IMAGES_MAGIC, &[u32::MAX, u32::MAX, u32::MAX], &[1, 2, 3]);
        let error = parse_images("a", huge).unwrap_err();
        assert!(matches!(error, IdxError::Overflow { .. }), "{error:?}");
        let big = encode(IMAGES_MAGIC, &[60_000, 28, 28], &[0; 100]);
        assert!(matches!(
            parse_images("a", big),
            Err(IdxError::Size {
                expected: 47_040_016,
                got: 116,
                ..
            })
        ));
    }

    #[test]
    fn a_label_out_of_range_is_refused_with_its_position() {
        let error = parse_labels("l", encode(LABELS_MAGIC, &[3], &[1, 10, 2]), 9).unwrap_err();
        assert_eq!(
            error.to_string(),
            "l: label 10 at item 1, expected a digit 0 to 9"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = parse_images("p", bytes.clone());
            let _ = parse_labels("p", bytes.clone(), 9);
        }

        #[test]
        fn arbitrary_bytes_after_a_valid_magic_never_panic(
            magic in proptest::sample::select(vec![IMAGES_MAGIC, LABELS_MAGIC]),
            rest in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let mut bytes = magic.to_be_bytes().to_vec();
            bytes.extend(rest);
            let _ = parse_images("p", bytes.clone());
            let _ = parse_labels("p", bytes.clone(), 9);
            let _ = parse_images("p.gz", gzip(&bytes));
        }

        #[test]
        fn arbitrary_bytes_after_the_gzip_magic_never_panic(
            rest in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let mut bytes = GZIP_MAGIC.to_vec();
            bytes.extend(rest);
            let _ = parse_images("p.gz", bytes);
        }
    }
}
