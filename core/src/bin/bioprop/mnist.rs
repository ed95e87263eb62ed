//! `bioprop run --task mnist`: a network learning the MNIST digits, with the same
//! options, rules and CSV as the generated tasks, and one more column, `test_error_pct`.
//!
//! ```text
//! bioprop run --task mnist --rule fa --epochs 1 --train-size 10000 --every 500
//! bioprop run --task mnist --data ~/mnist --layers 784-1000-10 --epochs 20 --every 3000
//! ```
//!
//! The digits are read from `--data` (default: where `make mnist-data` puts them);
//! `--train-size` and `--test-size` take the first images of each set (default: all
//! 60,000 and 10,000). The network starts from [`bioprop::task::mnist::defaults`] with
//! logistic output units and squared error (Lillicrap et al. 2016); `--output` picks
//! another output. Each logged row evaluates the whole training and test sets, so on
//! the full data log every epoch or so (`--every 3000` at batch 20), not every 100 steps.

use std::path::{Path, PathBuf};

use bioprop::task::mnist;
use bioprop::{Dataset, ExperimentConfig, OutputLayer, TaskKind};

/// The folder `make mnist-data` fills, in this repository.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(mnist::DEFAULT_DIR)
}

/// The experiment the digits start from: an `arrays` task with the digits' recommended
/// network, logistic output units, and all the images.
pub fn base_config() -> ExperimentConfig {
    let defaults = mnist::defaults();
    let mut config = ExperimentConfig::for_task(TaskKind::Arrays);
    config.layers = defaults.layers;
    config.activation = defaults.activation_name.parse().unwrap_or_default();
    config.lr = defaults.learning_rate;
    config.batch = defaults.batch;
    config.weight_init = Some(defaults.weight_init);
    config.feedback_init = Some(defaults.feedback_init);
    config.output_layer = Some(OutputLayer::Logistic);
    config.task.train_size = mnist::TRAIN_COUNT;
    config.task.test_size = mnist::TEST_COUNT;
    config.task.noise = 0.0;
    config
}

/// The first `config.task.train_size` and `test_size` digits of the folder `dir`.
pub fn load(dir: &Path, config: &ExperimentConfig) -> Result<Dataset, String> {
    let (train, test) = mnist::load_dir(dir).map_err(|error| error.to_string())?;
    mnist::dataset(&train, &test, config.task.train_size, config.task.test_size)
        .map_err(|error| format!("--{}", error.to_string().replacen('_', "-", 1)))
}

/// One line for `bioprop list`.
pub fn list_task() {
    println!(
        "  {:<18} Classify the MNIST handwritten digits (28x28 pixels, 10 classes) from their IDX files.",
        "mnist"
    );
}

/// The rows' last cell: the test error in percent, `100 (1 - accuracy)`.
pub use bioprop::metrics_csv::test_error_pct;
