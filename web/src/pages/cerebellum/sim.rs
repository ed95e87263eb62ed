//! The running cerebellum and what the page remembers of it: the windowed gain over
//! the whole run, the metric rows (the CLI's columns) the page exports, and the
//! configuration it was built with and each live change since, at its step, for
//! `bioprop run --config` to replay. Pure: no Yew or web-sys, so it is tested natively; it runs in the
//! worker ([`super::worker`]).

use bioprop::cerebellum::export::Retune;
use bioprop::cerebellum::{export, Cerebellum, CerebellumConfig};

use super::settings::CerebellumSettings;
use crate::widgets::config_import::{check_page, held_to, settings_of};

/// Most points kept in the gain history; when full, every other point goes and the
/// sampling interval doubles, so the whole run stays on the chart.
const GAIN_HISTORY_LEN: usize = 2000;

/// The running simulation and what the page remembers of it.
pub struct Sim {
    pub cerebellum: Cerebellum,
    /// (simulated seconds, windowed gain) from the start of the run.
    pub gain_history: Vec<(f32, f32)>,
    /// (step, CSV row in `bioprop run`'s columns) at step 0 and every gain-history
    /// sample, thinned with it: the whole run in bounded memory.
    pub rows: Vec<(u64, String)>,
    /// The configuration the simulation was built with, and each live change since,
    /// in step order: the run as the command line replays it.
    pub built: CerebellumConfig,
    pub changes: Vec<Retune>,
    /// Steps between gain-history points.
    sample_every: u64,
}

impl Sim {
    /// A naive simulation; `config` comes from validated settings, so a failure falls
    /// back to the task's defaults.
    pub fn new(config: &CerebellumConfig) -> Self {
        let cerebellum = Cerebellum::new(config).unwrap_or_else(|_| {
            Cerebellum::new(&CerebellumConfig::for_task(config.task))
                .expect("the task's defaults are valid")
        });
        let rows = vec![(0, export::csv_row(&cerebellum))];
        Sim {
            built: cerebellum.config().clone(),
            changes: Vec::new(),
            cerebellum,
            gain_history: Vec::with_capacity(GAIN_HISTORY_LEN),
            rows,
            sample_every: 50,
        }
    }

    /// Runs `n` steps, recording the gain as it goes; stops at a divergence.
    pub fn advance(&mut self, n: u64) -> Result<(), String> {
        let mut left = n;
        while left > 0 {
            let to_sample = self.sample_every - self.cerebellum.steps() % self.sample_every;
            let chunk = left.min(to_sample);
            self.cerebellum.step(chunk).map_err(|e| e.to_string())?;
            left -= chunk;
            if self.cerebellum.steps() % self.sample_every == 0 {
                let step = self.cerebellum.steps();
                self.rows.push((step, export::csv_row(&self.cerebellum)));
                if let Some(gain) = self.cerebellum.gain() {
                    self.gain_history
                        .push((self.cerebellum.time() as f32, gain as f32));
                }
                if self.gain_history.len() >= GAIN_HISTORY_LEN {
                    let mut keep = false;
                    self.gain_history.retain(|_| {
                        keep = !keep;
                        keep
                    });
                    self.sample_every *= 2;
                    let every = self.sample_every;
                    self.rows.retain(|(step, _)| step % every == 0);
                }
            }
        }
        Ok(())
    }
}

impl Sim {
    /// Changes the live settings to `config`'s from the next step on, noting the
    /// change for the saved run (a change at the same step replaces the last).
    pub fn retune(&mut self, config: &CerebellumConfig) -> Result<(), String> {
        if config == self.cerebellum.config() {
            return Ok(());
        }
        self.cerebellum
            .retune(config)
            .map_err(|error| format!("settings: {error}; not changed"))?;
        let at_step = self.cerebellum.steps();
        if self
            .changes
            .last()
            .is_some_and(|last| last.at_step == at_step)
        {
            self.changes.pop();
        }
        self.changes.push(Retune {
            at_step,
            config: config.clone(),
        });
        Ok(())
    }

    /// The run as `bioprop run --config` replays it.
    pub fn config_json(&self) -> String {
        export::run_json(&self.built, &self.changes)
    }

    /// The metric rows as `bioprop run` prints them (header first): the CSV export.
    pub fn metrics_csv(&self) -> String {
        let mut csv = export::csv_header(self.cerebellum.weights().len());
        for (_, row) in &self.rows {
            csv.push('\n');
            csv.push_str(row);
        }
        csv.push('\n');
        csv
    }
}

/// Reads an imported configuration file (the page's "Configuration (JSON)", or the
/// command line's): the link that gives its settings on the page. Its task's defaults
/// are left out of the link, so the address bar stays as short as the controls make
/// it.
///
/// # Errors
///
/// Another page's file; what core's reader refuses (not JSON, a field that does not
/// belong, a value out of range); live changes, which only the command line replays;
/// a value the page has no control for (the first field where the page's
/// configuration of these settings differs from the file's).
pub fn import_query(text: &str) -> Result<String, String> {
    check_page(text, "cerebellum")?;
    let (config, changes) = export::read_run(text)?;
    if let Some(change) = changes.first() {
        return Err(format!(
            "changes: the run changes its settings while it runs (from step {}); the page \
             starts a run from one configuration, so replay it with `bioprop run --config`",
            change.at_step
        ));
    }
    let defaults = CerebellumConfig::for_task(config.task);
    let mut keys = vec![
        ("task", config.task.name().to_owned()),
        ("spectacles", config.vor.spectacles.to_string()),
        ("freq", config.signal.freq_hz.to_string()),
        ("edelay", config.filter.error_delay.to_string()),
        ("eldelay", config.filter.eligibility_delay.to_string()),
        ("basis", config.filter.basis.name().to_owned()),
    ];
    if config.filter.beta != defaults.filter.beta {
        keys.push(("beta", config.filter.beta.to_string()));
    }
    let pairs: Vec<String> = keys.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let query = format!("?{}", pairs.join("&"));
    let settings: CerebellumSettings = settings_of(&query)?;
    let compact = |config: &CerebellumConfig| serde_json::to_string(config).unwrap_or_default();
    held_to(&compact(&config), &compact(&settings.config()))?;
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gain_history_keeps_the_whole_run_in_a_bounded_length() {
        let mut sim = Sim::new(&CerebellumConfig::default());
        sim.advance(50 * 10).unwrap();
        let times: Vec<f32> = sim.gain_history.iter().map(|p| p.0).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
        // 1 ms steps: a point every 50 ms once the window has signal.
        assert!(
            times.iter().all(|t| (t * 1000.0).round() as u64 % 50 == 0),
            "{times:?}"
        );
        sim.advance(400_000).unwrap();
        assert!(sim.gain_history.len() < GAIN_HISTORY_LEN);
        assert!(sim.sample_every > 50);
        let last = sim.gain_history.last().unwrap().0;
        assert!((last - 400.5).abs() < 0.5, "{last}");
    }

    #[test]
    fn the_exported_rows_are_the_command_lines_rows_at_the_same_steps() {
        let config = CerebellumConfig::default();
        let mut sim = Sim::new(&config);
        for chunk in [7, 93, 400, 1500] {
            sim.advance(chunk).unwrap();
        }
        // The command line's rows, every 50 steps (core/src/bin/bioprop/cerebellum.rs).
        let mut cli = Cerebellum::new(&config).unwrap();
        let mut expected = vec![export::csv_row(&cli)];
        while cli.steps() < 2000 {
            cli.step(50).unwrap();
            expected.push(export::csv_row(&cli));
        }
        let csv = sim.metrics_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], export::csv_header(cli.weights().len()));
        assert_eq!(
            lines[1..],
            expected.iter().map(String::as_str).collect::<Vec<_>>()[..]
        );
    }
}
