//! The rules page's URL values, one parser per key: each takes the text of a value and
//! returns the setting or a [`Problem`] naming what is allowed. `settings.rs` reads
//! the query with them.

use super::*;

pub(super) fn rule_list(rules: &[RunRule]) -> String {
    rules
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// What a run may be, for notices: a rule's name or a composition.
fn run_names() -> String {
    format!(
        "{}, or custom:CARRIER[.learn][.no-fprime] (CARRIER wt, b, sign, sign-random, d, none)",
        names(RuleKind::ALL, RuleKind::name)
    )
}

/// A run's text: a rule's name or a composition that can train a layer.
fn parse_run(name: &str, allowed: impl FnOnce() -> String) -> Result<RunRule, Problem> {
    let name = name.trim();
    name.parse::<RunRule>().map_err(|error| {
        if name
            .to_ascii_lowercase()
            .starts_with(bioprop::rule::COMPOSED_PREFIX)
        {
            // The composition's own reason (what cannot train, or the syntax).
            Problem::new(format!("'{}': {error}", shown(name)), allowed())
        } else {
            Problem::new(format!("unknown rule '{}'", shown(name)), allowed())
        }
    })
}

/// The tasks a link can name: all but `arrays`, whose data must be uploaded.
pub(super) fn url_tasks() -> impl Iterator<Item = TaskKind> {
    TaskKind::generated()
}

pub(super) fn parse_draw(value: &str) -> Result<u32, Problem> {
    whole(value, 0, MAX_FEEDBACK_DRAW)
}

pub(super) fn parse_task(value: &str) -> Result<TaskKind, Problem> {
    let allowed = names(url_tasks(), |t| t.name());
    match value.to_ascii_lowercase().parse::<TaskKind>() {
        Ok(TaskKind::Arrays) => Err(Problem::new(
            "task arrays needs uploaded data, which a link cannot carry",
            allowed,
        )),
        Ok(task) => Ok(task),
        Err(_) => Err(Problem::new(
            format!("unknown task '{}'", shown(value)),
            allowed,
        )),
    }
}

pub(super) fn parse_rule(value: &str) -> Result<RunRule, Problem> {
    parse_run(value, run_names)
}

pub(super) fn parse_compare(value: &str) -> Result<Vec<RunRule>, Problem> {
    let allowed = || {
        format!(
            "{} to {} different runs separated by commas, each {}",
            COMPARE_RULES.start(),
            COMPARE_RULES.end(),
            run_names()
        )
    };
    let mut rules = Vec::new();
    for name in value.split(',') {
        let rule = parse_run(name, allowed)?;
        if rules.contains(&rule) {
            return Err(Problem::new(
                format!("'{}' lists {rule} twice", shown(value)),
                allowed(),
            ));
        }
        rules.push(rule);
    }
    if !COMPARE_RULES.contains(&rules.len()) {
        return Err(Problem::new(
            format!(
                "'{}' names {} rule{}",
                shown(value),
                rules.len(),
                if rules.len() == 1 { "" } else { "s" }
            ),
            allowed(),
        ));
    }
    Ok(rules)
}

/// Parses layer widths as the `layers` parameter and the layers field take
/// them (`30-20-10`); the error says what is wrong and what is allowed.
pub fn parse_layers_text(value: &str) -> Result<Vec<usize>, String> {
    parse_layers(value).map_err(|p| format!("{}: {}", p.what, p.allowed))
}

pub(super) fn parse_layers(value: &str) -> Result<Vec<usize>, Problem> {
    let allowed = format!(
        "2 to {MAX_DEPTH} widths of 1 to {MAX_WIDTH} joined by '-', input and output \
         included, e.g. 30-20-10"
    );
    let widths: Result<Vec<usize>, _> = value
        .split(['-', ','])
        .map(|width| width.trim().parse::<usize>())
        .collect();
    let Ok(widths) = widths else {
        return Err(Problem::new(
            format!("'{}' is not a list of whole numbers", shown(value)),
            allowed,
        ));
    };
    if !(2..=MAX_DEPTH).contains(&widths.len()) {
        return Err(Problem::new(
            format!("'{}' lists {} widths", shown(value), widths.len()),
            allowed,
        ));
    }
    if let Some(&width) = widths.iter().find(|&&w| !(1..=MAX_WIDTH).contains(&w)) {
        return Err(Problem::new(
            format!("'{}' has a layer of {width} units", shown(value)),
            allowed,
        ));
    }
    Ok(widths)
}

pub(super) fn parse_activation(value: &str) -> Result<Activation, Problem> {
    value.parse().map_err(|_| {
        Problem::new(
            format!("unknown activation '{}'", shown(value)),
            names(Activation::ALL, Activation::name),
        )
    })
}

pub(super) fn parse_lr(value: &str) -> Result<f32, Problem> {
    number(
        value,
        format!("a number in (0, {MAX_LEARNING_RATE}]"),
        |lr| lr > 0.0 && lr <= MAX_LEARNING_RATE,
    )
}

/// `bp:0.08,fa:0.3`: runs, each once, with their learning rates. The rate follows the
/// last `:`, so a composed run keeps its own (`custom:b.no-fprime:0.3`).
pub(super) fn parse_rule_rates(value: &str) -> Result<Vec<(RunRule, f32)>, Problem> {
    let allowed = || {
        format!(
            "run:rate pairs separated by commas, e.g. bp:0.08,fa:0.3; runs each {}, \
             rates in (0, {MAX_LEARNING_RATE}]",
            run_names()
        )
    };
    let mut rates: Vec<(RunRule, f32)> = Vec::new();
    for pair in value.split(',') {
        let Some((name, rate)) = pair.rsplit_once(':') else {
            return Err(Problem::new(
                format!("'{}' is not rule:rate", shown(pair.trim())),
                allowed(),
            ));
        };
        let rule = parse_run(name, allowed)?;
        if rates.iter().any(|(r, _)| *r == rule) {
            return Err(Problem::new(
                format!("'{}' gives {rule} two rates", shown(value)),
                allowed(),
            ));
        }
        let lr = parse_lr(rate.trim()).map_err(|problem| {
            Problem::new(format!("{rule}'s rate: {}", problem.what), allowed())
        })?;
        rates.push((rule, lr));
    }
    Ok(rates)
}

/// The `lrs` value of `rates`: `bp:0.08,fa:0.3`.
pub(super) fn rule_rates(rates: &[(RunRule, f32)]) -> String {
    rates
        .iter()
        .map(|(rule, lr)| format!("{rule}:{lr}"))
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) fn parse_noise(value: &str) -> Result<f32, Problem> {
    number(value, format!("a number in [0, {MAX_NOISE}]"), |noise| {
        (0.0..=MAX_NOISE).contains(&noise)
    })
}

pub(super) fn parse_feedback_scale(value: &str) -> Result<f32, Problem> {
    number(
        value,
        format!("a number in (0, {MAX_FEEDBACK_SCALE}]"),
        |scale| scale > 0.0 && scale <= MAX_FEEDBACK_SCALE,
    )
}

pub(super) fn parse_kp_decay(value: &str) -> Result<f32, Problem> {
    number(value, "a number in (0, 1]".to_owned(), |decay| {
        decay > 0.0 && decay <= 1.0
    })
}

pub(super) fn parse_batch(value: &str) -> Result<usize, Problem> {
    whole(value, 1, MAX_BATCH)
}

pub(super) fn parse_seed(value: &str) -> Result<u64, Problem> {
    whole(value, 0, u64::MAX)
}

pub(super) fn parse_speed(value: &str) -> Result<u32, Problem> {
    if value == "max" {
        return Ok(SPEED_MAX);
    }
    whole(value, 1, MAX_SPEED)
}

pub(super) fn parse_feedback_view(value: &str) -> Result<FeedbackView, Problem> {
    FeedbackView::from_name(value).ok_or_else(|| {
        Problem::new(
            format!("unknown feedback view '{}'", shown(value)),
            names(FeedbackView::ALL, FeedbackView::name),
        )
    })
}

pub(super) fn parse_views(value: &str) -> Result<Vec<View>, Problem> {
    let allowed = || {
        format!(
            "one or more different views separated by commas, from {}",
            names(View::ALL, View::name)
        )
    };
    let mut views = Vec::new();
    for name in value.split(',') {
        let view = View::from_name(name).ok_or_else(|| {
            Problem::new(format!("unknown view '{}'", shown(name.trim())), allowed())
        })?;
        if views.contains(&view) {
            return Err(Problem::new(
                format!("'{}' lists {} twice", shown(value), view.name()),
                allowed(),
            ));
        }
        views.push(view);
    }
    Ok(views)
}
