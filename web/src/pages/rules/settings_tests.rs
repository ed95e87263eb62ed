//! The rules page's settings tests: every key, bad input, round trips, and the
//! checks against core's validation.

use super::*;
use crate::shell::query::decode;

/// SplitMix64 (Steele, Lea & Flood 2014): a seeded generator for the property
/// tests, so a failure repeats exactly.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }

    /// A value in `(0, max]`, or `[0, max]` when `zero_ok`: often an edge or a
    /// round number, otherwise random bits (long decimals, subnormals).
    fn f32_up_to(&mut self, max: f32, zero_ok: bool) -> f32 {
        match self.below(5) {
            0 => max,
            1 => self.pick(&[0.1, 0.005, 1e-3, 0.3, 1.0, f32::from_bits(1)]),
            2 if zero_ok => 0.0,
            _ => loop {
                let v = f32::from_bits(self.next() as u32 & 0x7fff_ffff);
                if v.is_finite() && v <= max && (v > 0.0 || zero_ok) {
                    break v;
                }
            },
        }
    }
}

fn tasks() -> Vec<TaskKind> {
    url_tasks().collect()
}

/// A settings value with every field in its range: what the round trip must hold for.
fn random_settings(rng: &mut SplitMix) -> Settings {
    let task = rng.pick(&tasks());
    let mut rules = RuleKind::ALL.to_vec();
    rng.shuffle(&mut rules);
    let (rule, compare) = if rng.coin() {
        (rules[0], Vec::new())
    } else {
        let n = 2 + rng.below(3);
        (rules[0], rules[..n].to_vec())
    };
    let layers = rng.coin().then(|| {
        let depth = 2 + rng.below(MAX_DEPTH - 1);
        (0..depth)
            .map(|_| match rng.below(6) {
                0 => 1,
                1 => MAX_WIDTH,
                _ => 1 + rng.below(64),
            })
            .collect()
    });
    let single_delta = compare.is_empty() && rule == RuleKind::Delta;
    // Every run without f′, or some runs without f′ of their own (`custom:….no-fprime`).
    let every_without = rng.coin();
    let compare: Vec<RunRule> = (compare.into_iter())
        .map(|r| RunRule::new(r, !every_without && rng.coin()))
        .collect();
    let mut views = View::ALL.to_vec();
    rng.shuffle(&mut views);
    views.truncate(1 + rng.below(View::ALL.len()));
    if rng.coin() {
        views = View::ALL.to_vec();
    }
    // Some compared runs with a rate of their own, in the order of the runs (a single
    // run's own rate is its `lr`).
    let mut learning_rates = Vec::new();
    for &r in &compare {
        if rng.coin() {
            learning_rates.push((r, rng.f32_up_to(MAX_LEARNING_RATE, false)));
        }
    }
    Settings {
        task,
        rule,
        compare,
        layers,
        activation: rng.coin().then(|| rng.pick(&Activation::ALL)),
        lr: rng.coin().then(|| rng.f32_up_to(MAX_LEARNING_RATE, false)),
        learning_rates,
        batch: rng.coin().then(|| 1 + rng.below(MAX_BATCH)),
        noise: rng.coin().then(|| rng.f32_up_to(MAX_NOISE, true)),
        seed: match rng.below(4) {
            0 => 1,
            1 => rng.pick(&[0, u64::MAX]),
            _ => rng.next(),
        },
        speed: if rng.coin() {
            DEFAULT_SPEED
        } else {
            1 + rng.below(MAX_SPEED as usize) as u32
        },
        no_derivative: every_without,
        draw: match rng.below(3) {
            0 => 0,
            1 => bioprop::session::MAX_FEEDBACK_DRAW,
            _ => rng.below(bioprop::session::MAX_FEEDBACK_DRAW as usize) as u32,
        },
        feedback_scale: if rng.coin() {
            1.0
        } else {
            rng.f32_up_to(MAX_FEEDBACK_SCALE, false)
        },
        kp_decay: match rng.below(3) {
            0 => DEFAULT_KP_DECAY,
            1 => 1.0,
            _ => rng.f32_up_to(1.0, false),
        },
        feedback_view: rng.pick(&FeedbackView::ALL),
        log_loss: rng.coin(),
        autoplay: rng.coin(),
        embed: rng.coin(),
        views,
        present: rng.coin(),
        // Only a single delta run has a chosen synapse (in range or not: the layer's
        // size is checked with the other keys, by the `UrlSettings` reader).
        synapse: (single_delta && rng.coin()).then(|| super::super::delta::Synapse {
            output: 1 + rng.below(40),
            input: 1 + rng.below(40),
        }),
        // In range or not: the network's sizes are checked by the `UrlSettings` reader.
        inspect: rng.coin().then(|| super::super::inspect::Inspect {
            layer: 1 + rng.below(6),
            post: 1 + rng.below(40),
            pre: 1 + rng.below(40),
        }),
    }
}

fn assert_round_trips(s: &Settings) {
    let query = s.to_query();
    assert!(query.is_empty() || query.starts_with('?'), "{query}");
    assert_eq!(
        Settings::from_query_unchecked(&query),
        (s.clone(), Vec::new()),
        "query {query}"
    );
}

/// The one notice `query` gives, checked to name `param`.
fn single_notice(query: &str, param: &str) -> (Settings, Notice) {
    let (s, notices) = Settings::from_query_unchecked(query);
    assert_eq!(notices.len(), 1, "{query}: {notices:?}");
    let notice = notices.into_iter().next().unwrap();
    assert_eq!(notice.param, param, "{query}: {notice}");
    (s, notice)
}

#[test]
fn default_page_compares_bp_and_fa_on_the_linear_teacher_with_a_clean_url() {
    let s = Settings::default();
    assert_eq!(s.to_query(), "");
    for query in ["", "?", "&&", "?&"] {
        assert_eq!(
            Settings::from_query_unchecked(query),
            (s.clone(), Vec::new()),
            "{query}"
        );
    }
    assert_eq!(s.task, TaskKind::LinearTeacher);
    assert!(s.is_compare());
    assert_eq!(s.rules(), [RuleKind::Backprop, RuleKind::FeedbackAlignment]);
    assert_eq!(s.rule, s.compare[0].rule);
    assert!(View::ALL.into_iter().all(|v| s.shows(v)));
    let configs = s.experiment_configs().unwrap();
    assert_eq!(configs.len(), 2);
    assert_eq!(configs[0].layers, [30, 20, 10]);
    assert_eq!(configs[0].rule, RuleKind::Backprop);
    assert_eq!(configs[1].rule, RuleKind::FeedbackAlignment);
}

#[test]
fn every_key_parses_and_is_written_back_in_order() {
    let query =
        "?task=xor&compare=kp,fa,dfa&layers=2-16-8-2&act=relu&lr=0.25&lrs=kp:0.5,dfa:0.05&batch=32\
                 &noise=0.2&seed=42&speed=100&noderiv=1&fbscale=2.5&kpdecay=0.99&draw=3&fb=diff\
                 &logloss=0&autoplay=1&embed=1&views=curves,alignment";
    let expected = Settings {
        task: TaskKind::Xor,
        rule: RuleKind::KolenPollack,
        compare: vec![
            RuleKind::KolenPollack.into(),
            RuleKind::FeedbackAlignment.into(),
            RuleKind::DirectFeedbackAlignment.into(),
        ],
        layers: Some(vec![2, 16, 8, 2]),
        activation: Some(Activation::Relu),
        lr: Some(0.25),
        learning_rates: vec![
            (RuleKind::KolenPollack.into(), 0.5),
            (RuleKind::DirectFeedbackAlignment.into(), 0.05),
        ],
        batch: Some(32),
        noise: Some(0.2),
        seed: 42,
        speed: 100,
        no_derivative: true,
        feedback_scale: 2.5,
        kp_decay: 0.99,
        draw: 3,
        feedback_view: FeedbackView::Difference,
        log_loss: false,
        autoplay: true,
        embed: true,
        views: vec![View::Curves, View::Alignment],
        present: false,
        synapse: None,
        inspect: None,
    };
    assert_eq!(
        Settings::from_query_unchecked(query),
        (expected.clone(), Vec::new())
    );
    assert_eq!(expected.to_query(), query);
    assert!(expected.shows(View::Curves) && !expected.shows(View::Network));

    // The other values of the enumerated keys.
    let (s, notices) =
        Settings::from_query_unchecked("rule=shallow&fb=wt&act=softplus&task=spirals");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.rules(), [RuleKind::Shallow]);
    assert!(!s.is_compare());
    assert_eq!(s.feedback_view, FeedbackView::Transpose);
    assert_eq!(s.activation, Some(Activation::Softplus));
    assert_eq!(s.task, TaskKind::Spirals);
    for task in tasks() {
        let (s, notices) = Settings::from_query_unchecked(&format!("task={task}"));
        assert_eq!((s.task, notices), (task, Vec::new()));
    }
}

#[test]
fn flags_take_common_spellings_and_a_bare_key_means_on() {
    for (value, on) in [
        ("1", true),
        ("true", true),
        ("YES", true),
        ("on", true),
        ("0", false),
        ("False", false),
        ("no", false),
        ("off", false),
    ] {
        let (s, notices) =
            Settings::from_query_unchecked(&format!("embed={value}&logloss={value}"));
        assert!(notices.is_empty(), "{value}: {notices:?}");
        assert_eq!((s.embed, s.log_loss), (on, on), "{value}");
    }
    let (s, notices) = Settings::from_query_unchecked("?embed&autoplay&noderiv");
    assert!(notices.is_empty());
    assert!(s.embed && s.autoplay && s.no_derivative);
}

#[test]
fn each_bad_value_names_its_key_the_allowed_values_and_the_default() {
    // (query, key, words the message must contain: the allowed values and the
    // default used)
    #[rustfmt::skip]
    let cases: &[(&str, &str, &[&str])] = &[
        ("task=foo", "task", &["'foo'", "xor", "sine", "using linear-teacher"]),
        ("task=arrays", "task", &["uploaded data", "using linear-teacher"]),
        ("rule=foo", "rule", &["'foo'", "delta, bp, fa", "shallow", "using the default comparison bp,fa"]),
        ("compare=bp", "compare", &["1 rule", "2 to 4", "using bp,fa"]),
        ("compare=bp,fa,dfa,usf,kp", "compare", &["5 rule", "2 to 4"]),
        ("compare=bp,fa,bp", "compare", &["bp twice", "using bp,fa"]),
        ("compare=bp,foo", "compare", &["'foo'", "kp"]),
        ("compare=", "compare", &["no value", "2 to 4"]),
        ("layers=30", "layers", &["1 widths", "2 to 8", "using the task's default 30-20-10"]),
        ("layers=30-0-10", "layers", &["0 units", "1 to 1024"]),
        ("layers=30-2000-10", "layers", &["2000 units"]),
        ("layers=1-1-1-1-1-1-1-1-1", "layers", &["9 widths"]),
        ("layers=30-a-10", "layers", &["not a list of whole numbers"]),
        ("layers=30--10", "layers", &["not a list of whole numbers"]),
        ("act=swish", "act", &["'swish'", "tanh", "softplus", "using the task's default linear"]),
        ("lr=0", "lr", &["'0' is out of range", "(0, 1000]", "using the task's default 0.005"]),
        ("lr=-1", "lr", &["out of range", "(0, 1000]"]),
        ("lr=NaN", "lr", &["out of range"]),
        ("lr=inf", "lr", &["out of range"]),
        ("lr=1e9", "lr", &["out of range"]),
        ("lr=abc", "lr", &["not a number"]),
        ("lr=", "lr", &["no value given", "(0, 1000]", "0.005"]),
        ("lr", "lr", &["no value given"]),
        ("lrs=bp", "lrs", &["'bp' is not rule:rate", "bp:0.08,fa:0.3", "using lr for every run"]),
        ("lrs=foo:0.1", "lrs", &["unknown rule 'foo'", "kp", "(0, 1000]"]),
        ("lrs=fa:0", "lrs", &["fa's rate: '0' is out of range", "using lr for every run"]),
        ("lrs=fa:x", "lrs", &["fa's rate: 'x' is not a number"]),
        ("lrs=fa:0.1,fa:0.2", "lrs", &["gives fa two rates"]),
        ("lrs=dfa:0.1", "lrs", &["dfa is not run", "the runs, bp,fa", "0.1 is ignored"]),
        ("batch=0", "batch", &["out of range", "1 to 4096", "using the task's default 1"]),
        ("batch=5000", "batch", &["out of range"]),
        ("batch=1.5", "batch", &["not a whole number"]),
        ("batch=99999999999999999999999", "batch", &["not a whole number"]),
        ("noise=-0.1", "noise", &["out of range", "[0, 10]", "using the task's default 0"]),
        ("noise=11", "noise", &["out of range"]),
        ("seed=-1", "seed", &["not a whole number", "18446744073709551615", "using 1"]),
        ("seed=18446744073709551616", "seed", &["not a whole number"]),
        ("speed=0", "speed", &["out of range", "1 to 2000", "using 5"]),
        ("speed=2001", "speed", &["out of range"]),
        ("noderiv=maybe", "noderiv", &["'maybe'", "1 or 0", "using 0"]),
        ("logloss=2", "logloss", &["1 or 0", "using 1"]),
        ("autoplay=yes+please", "autoplay", &["'yes please'", "using 0"]),
        ("embed=x", "embed", &["1 or 0", "using 0"]),
        ("fbscale=0", "fbscale", &["out of range", "(0, 100]", "using 1"]),
        ("fbscale=101", "fbscale", &["out of range"]),
        ("kpdecay=0", "kpdecay", &["out of range", "(0, 1]", "using 0.9995"]),
        ("kpdecay=1.5", "kpdecay", &["out of range", "using 0.9995"]),
        ("kpdecay=slow", "kpdecay", &["'slow'", "(0, 1]"]),
        ("fb=bt", "fb", &["'bt'", "b, wt, diff", "using b"]),
        ("views=", "views", &["no value", "network, feedback"]),
        ("views=graph", "views", &["'graph'", "alignment", "using all views"]),
        ("views=task,task", "views", &["task twice"]),
    ];
    for &(query, key, words) in cases {
        let (s, notice) = single_notice(query, key);
        assert_eq!(
            s,
            Settings::default(),
            "{query} must fall back to the default"
        );
        for word in words {
            assert!(
                notice.message.contains(word),
                "{query}: {notice} lacks {word:?}"
            );
        }
        assert!(notice.message.contains("allowed: "), "{query}: {notice}");
    }
    // The default quoted is the task's.
    let (_, notice) = single_notice("task=spirals&lr=x", "lr");
    assert!(
        notice.message.ends_with("using the task's default 0.3"),
        "{notice}"
    );
    let (_, notice) = single_notice("rule=delta&layers=3", "layers");
    assert!(
        notice.message.ends_with("using the task's default 30-10"),
        "{notice}"
    );
    // A long value is cut in the message.
    let (_, notice) = single_notice(&format!("task={}", "x".repeat(500)), "task");
    assert!(notice.message.len() < 300, "{notice}");
}

#[test]
fn unknown_and_nameless_parameters_are_ignored_with_a_notice() {
    let (s, notice) = single_notice("foo=1", "foo");
    assert_eq!(s, Settings::default());
    assert!(
        notice.message.contains("unknown parameter 'foo'"),
        "{notice}"
    );
    assert!(
        notice.message.contains("task, rule, compare, layers"),
        "{notice}"
    );
    assert_eq!(notice.to_string(), format!("foo: {}", notice.message));
    let (s, notice) = single_notice("=x&lr=0.5", "(no name)");
    assert_eq!(s.lr, Some(0.5));
    assert!(notice.message.contains("'=x'"), "{notice}");
    // Unknown keys share one notice, at the place of the first.
    let (_, notices) = Settings::from_query_unchecked("a=1&b&lr=oops");
    let params: Vec<&str> = notices.iter().map(|n| n.param.as_str()).collect();
    assert_eq!(params, ["a, b", "lr"]);
    let (_, notices) = Settings::from_query_unchecked("lr=oops&a=1");
    let params: Vec<&str> = notices.iter().map(|n| n.param.as_str()).collect();
    assert_eq!(params, ["lr", "a"]);
}

#[test]
fn query_syntax_percent_encoding_plus_case_and_duplicates() {
    let (s, notices) = Settings::from_query_unchecked("compare=bp%2Cfa%2Cdfa");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.compare.len(), 3);
    let (s, notices) = Settings::from_query_unchecked("compare=kp,+fa&TASK=XOR&Act=%20Tanh");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        s.rules(),
        [RuleKind::KolenPollack, RuleKind::FeedbackAlignment]
    );
    assert_eq!(s.task, TaskKind::Xor);
    assert_eq!(s.activation, Some(Activation::Tanh));
    // The last value wins, even over an earlier bad one.
    let (s, notices) = Settings::from_query_unchecked("lr=0.1&lr=0.2&seed=x&seed=7");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!((s.lr, s.seed), (Some(0.2), 7));
    let (s, _) = Settings::from_query_unchecked("lr=0.2&lr=x");
    assert_eq!(s.lr, None);
    // Layers may also be comma-separated (as %2C from a form).
    let (s, notices) = Settings::from_query_unchecked("layers=30%2C5%2C10");
    assert!(notices.is_empty());
    assert_eq!(s.layers, Some(vec![30, 5, 10]));
    // Broken escapes and bytes do not panic.
    for query in [
        "%",
        "lr=%",
        "lr=%zz",
        "task=%E2%82",
        "%FF=%FE",
        "seed=%31%32",
        "=",
        "===",
    ] {
        let _ = Settings::from_query_unchecked(query);
    }
    assert_eq!(Settings::from_query_unchecked("seed=%31%32").0.seed, 12);
    assert_eq!(decode("a%2bb+c%"), "a+b c%");
}

#[test]
fn rule_alone_is_a_single_run_and_compare_wins_over_rule() {
    let (s, notices) = Settings::from_query_unchecked("rule=fa");
    assert!(notices.is_empty());
    assert_eq!(
        (s.rules(), s.is_compare()),
        (vec![RuleKind::FeedbackAlignment.into()], false)
    );
    // A single run of bp differs from the default page, so its link says so.
    let single_bp = Settings {
        compare: Vec::new(),
        ..Settings::default()
    };
    assert_eq!(single_bp.to_query(), "?rule=bp");
    assert_round_trips(&single_bp);

    let (s, notices) = Settings::from_query_unchecked("compare=usf,bp&rule=usf");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.rule, RuleKind::SignSymmetry);
    let (s, notice) = single_notice("compare=usf,bp&rule=fa", "rule");
    assert_eq!(s.rules(), [RuleKind::SignSymmetry, RuleKind::Backprop]);
    assert!(
        notice.message.contains("ignored in compare mode"),
        "{notice}"
    );
    // A bad compare next to a good rule leaves the single run asked for.
    let (s, notice) = single_notice("compare=fa&rule=fa", "compare");
    assert_eq!(s.rules(), [RuleKind::FeedbackAlignment]);
    assert!(
        notice.message.ends_with("using a single run of fa"),
        "{notice}"
    );
}

#[test]
fn round_trip_holds_for_generated_settings() {
    let mut rng = SplitMix(0x5eed);
    for _ in 0..20_000 {
        assert_round_trips(&random_settings(&mut rng));
    }
}

#[test]
fn round_trip_holds_exhaustively_for_rules_tasks_and_views() {
    for task in tasks() {
        for rule in RuleKind::ALL {
            assert_round_trips(&Settings {
                task,
                rule,
                compare: Vec::new(),
                ..Settings::default()
            });
            for second in RuleKind::ALL.into_iter().filter(|&r| r != rule) {
                assert_round_trips(&Settings {
                    task,
                    rule,
                    compare: vec![rule.into(), second.into()],
                    ..Settings::default()
                });
            }
        }
    }
    // Every non-empty set of views, in page order and reversed.
    for mask in 1..(1u32 << View::ALL.len()) {
        let mut views: Vec<View> = View::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, v)| v)
            .collect();
        assert_round_trips(&Settings {
            views: views.clone(),
            ..Settings::default()
        });
        views.reverse();
        assert_round_trips(&Settings {
            views,
            ..Settings::default()
        });
    }
    for feedback_view in FeedbackView::ALL {
        assert_round_trips(&Settings {
            feedback_view,
            ..Settings::default()
        });
    }
    // Values equal to the task's defaults are still written: `Some` is a choice.
    assert_round_trips(&Settings {
        lr: Some(0.005),
        layers: Some(vec![30, 20, 10]),
        ..Settings::default()
    });
}

/// Random queries from plausible and hostile pieces: the parser never panics, what
/// it returns is valid (so it round-trips), and the checked version always runs.
#[test]
fn any_query_gives_valid_settings_and_checked_ones_run() {
    let keys: Vec<&str> = Key::ALL
        .into_iter()
        .map(Key::name)
        .chain(["foo", "", "LR", "compare%3D"])
        .collect();
    let values = [
        "",
        "1",
        "0",
        "-1",
        "0.1",
        "1e9",
        "1e-40",
        "NaN",
        "inf",
        "-0",
        "bp",
        "fa",
        "delta",
        "bp,fa",
        "bp%2Cfa",
        "delta,bp",
        "bp,bp",
        "30-20-10",
        "2-8-2",
        "5-3-2",
        "1-1",
        "30-4096-10",
        "xor",
        "sine",
        "arrays",
        "tanh",
        "b",
        "diff",
        "curves,task",
        "%",
        "%zz",
        "+",
        "18446744073709551616",
        "1000",
        "500",
        "100",
        "10",
        "4096",
        "2000",
    ];
    let mut rng = SplitMix(2024);
    for _ in 0..5_000 {
        let pairs: Vec<String> = (0..rng.below(9))
            .map(|_| {
                let key = rng.pick(&keys);
                match rng.below(8) {
                    0 => key.to_owned(),
                    _ => format!("{key}={}", rng.pick(&values)),
                }
            })
            .collect();
        let query = format!("?{}", pairs.join("&"));
        let (s, notices) = Settings::from_query_unchecked(&query);
        assert_round_trips(&s);
        for notice in &notices {
            assert!(!notice.param.is_empty(), "{query}: {notice}");
            assert!(
                notice.message.contains("using") || notice.message.contains("ignored"),
                "{query}: {notice}"
            );
        }
        let (checked, more) = Settings::from_query(&query);
        assert!(more.len() >= notices.len());
        assert!(
            checked.experiment_configs().is_ok(),
            "{query}: {:?}",
            checked.experiment_configs()
        );
        assert_round_trips(&checked);
    }
}

#[test]
fn checked_query_resets_what_does_not_fit_the_task() {
    let (s, notices) = Settings::from_query("layers=5-3-2&lr=0.01");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].param, "layers");
    assert!(
        notices[0]
            .message
            .contains("input size of task `linear-teacher`, 30, got 5"),
        "{}",
        notices[0]
    );
    assert!(notices[0]
        .message
        .ends_with("using the task's default 30-20-10"));
    assert_eq!((s.layers, s.lr), (None, Some(0.01)), "the rest is kept");

    let (s, notices) = Settings::from_query("task=xor&batch=1000");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].param, "batch");
    assert!(notices[0].message.contains("500 samples"), "{}", notices[0]);
    assert_eq!((s.task, s.batch), (TaskKind::Xor, None));

    // Several at once: each gets its own notice.
    let (s, notices) = Settings::from_query("task=sine&layers=30-20-10&batch=4096&lr=1e9");
    let params: Vec<&str> = notices.iter().map(|n| n.param.as_str()).collect();
    assert_eq!(params, ["lr", "layers", "batch"]);
    assert_eq!(
        s,
        Settings {
            task: TaskKind::Sine,
            ..Settings::default()
        }
    );

    // The delta rule trains one layer: explicit hidden layers are reset, and by
    // default it gets the task's input and output only.
    let (s, notices) = Settings::from_query("rule=delta&layers=30-20-10");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].param, "layers");
    assert!(notices[0].message.contains("delta"), "{}", notices[0]);
    assert!(notices[0]
        .message
        .ends_with("using the task's default 30-10"));
    assert_eq!(s.experiment_configs().unwrap()[0].layers, [30, 10]);
    let (s, notices) = Settings::from_query("compare=delta,bp");
    assert!(notices.is_empty(), "{notices:?}");
    for config in s.experiment_configs().unwrap() {
        assert_eq!(config.layers, [30, 10]);
    }

    // Within the page's own limits but beyond core's parameter budget.
    let wide = format!("layers=30-{MAX_WIDTH}-{MAX_WIDTH}-{MAX_WIDTH}-{MAX_WIDTH}-{MAX_WIDTH}-10");
    let (s, notices) = Settings::from_query(&wide);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!((notices[0].param.as_str(), s.layers), ("layers", None));
}

#[test]
fn every_task_and_rule_opens_without_a_notice() {
    for task in tasks() {
        let inputs = task.defaults().layers[0];
        for rule in RuleKind::ALL {
            let query = format!("?task={task}&rule={rule}");
            let (s, notices) = Settings::from_query(&query);
            assert!(notices.is_empty(), "{query}: {notices:?}");
            let configs = s.experiment_configs().unwrap();
            assert_eq!(configs.len(), 1);
            assert_eq!((configs[0].rule, configs[0].layers[0]), (rule, inputs));
        }
        let query = format!("?task={task}&compare=bp,fa,dfa,kp&act=relu&batch=1");
        let (s, notices) = Settings::from_query(&query);
        assert!(notices.is_empty(), "{query}: {notices:?}");
        assert_eq!(s.experiment_configs().unwrap().len(), 4);
    }
}

#[test]
fn compare_configs_differ_only_in_rule_and_carry_the_overrides() {
    let (s, notices) = Settings::from_query(
        "task=moons&compare=usf,bp,frsf,kp&layers=2-6-5-2&act=sigmoid&lr=0.4&batch=7\
         &noise=0.3&seed=99&noderiv=1&fbscale=3",
    );
    assert!(notices.is_empty(), "{notices:?}");
    let configs = s.experiment_configs().unwrap();
    assert_eq!(
        configs.iter().map(|c| c.rule).collect::<Vec<_>>(),
        s.rules()
    );
    for config in &configs {
        assert_eq!(
            ExperimentConfig {
                rule: configs[0].rule,
                ..config.clone()
            },
            configs[0]
        );
    }
    let config = &configs[0];
    let expected = ExperimentConfig {
        rule: RuleKind::SignSymmetry,
        layers: vec![2, 6, 5, 2],
        activation: Activation::Sigmoid,
        lr: 0.4,
        batch: 7,
        seed: 99,
        no_derivative: true,
        feedback_scale: 3.0,
        ..ExperimentConfig::for_task(TaskKind::Moons)
    };
    assert_eq!(config.task.noise, 0.3);
    assert_eq!(
        ExperimentConfig {
            task: expected.task,
            ..config.clone()
        },
        expected,
        "everything else is the task's default"
    );
}

#[test]
fn arrays_cannot_be_opened_from_a_link() {
    let s = Settings {
        task: TaskKind::Arrays,
        ..Settings::default()
    };
    assert_eq!(
        s.experiment_configs(),
        Err(ConfigError::Task(TaskError::NeedsArrays))
    );
}

#[test]
fn ranges_follow_core() {
    const { assert!(MAX_DEPTH <= MAX_LAYERS && MAX_WIDTH <= MAX_UNITS) };
    // lr accepts exactly core's range: its largest value, not the next f32 up.
    let (s, notices) = Settings::from_query_unchecked(&format!("lr={MAX_LEARNING_RATE}"));
    assert!(notices.is_empty());
    assert!(s.experiment_configs().is_ok());
    let above = f32::from_bits(MAX_LEARNING_RATE.to_bits() + 1);
    single_notice(&format!("lr={above}"), "lr");
    // So does batch, up to core's cap and the training set (checked).
    let (s, notices) = Settings::from_query("task=xor&batch=500");
    assert!(notices.is_empty());
    assert_eq!(s.batch, Some(500));
    // And noise, from exactly 0 to core's largest.
    let (s, notices) = Settings::from_query("noise=0&task=moons");
    assert!(notices.is_empty());
    assert_eq!(s.experiment_configs().unwrap()[0].task.noise, 0.0);
    let (_, notices) = Settings::from_query(&format!("noise={MAX_NOISE}"));
    assert!(notices.is_empty());
}

#[test]
fn a_refused_edit_names_the_value_kept() {
    // The page keeps 2-1024-2 when 2-8-8 (8 outputs for xor's 2) is typed; the
    // notice must not promise the task's default, which a link would get.
    let (current, notices) = Settings::from_query("task=xor&layers=2-1024-2");
    assert_eq!(notices, []);
    let next = Settings {
        layers: Some(vec![2, 8, 8]),
        ..current.clone()
    };
    let refused = current.edited(&next).unwrap_err();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].param, "layers");
    assert!(
        refused[0].message.ends_with("; keeping 2-1024-2"),
        "{}",
        refused[0]
    );
    assert!(!refused[0].message.contains("2-8-8-2"), "{}", refused[0]);

    // A task default is named as the value in use.
    let (current, _) = Settings::from_query("task=xor");
    let next = Settings {
        batch: Some(100_000),
        ..current.clone()
    };
    let batch = current.edited(&next).unwrap_err();
    let default_batch = ExperimentConfig::for_task(TaskKind::Xor).batch;
    assert!(
        batch[0]
            .message
            .ends_with(&format!("; keeping {default_batch}")),
        "{}",
        batch[0]
    );

    // A usable edit comes back checked.
    let next = Settings {
        lr: Some(0.7),
        ..current.clone()
    };
    assert_eq!(current.edited(&next).unwrap().lr, Some(0.7));
}

#[test]
fn the_feedback_draw_is_read_and_a_link_without_it_is_the_seed_s_own() {
    assert_eq!(Settings::from_query_unchecked("").0.draw, 0);
    let (s, notices) = Settings::from_query_unchecked("task=xor&draw=2");
    assert_eq!((s.draw, notices.len()), (2, 0));
    assert_eq!(s.to_query(), "?task=xor&draw=2");
    let (_, notice) = single_notice("draw=1001", "draw");
    assert!(notice.message.contains("0 to 1000"), "{notice}");
    assert!(notice.message.ends_with("using 0"), "{notice}");
}

#[test]
fn a_run_may_have_its_own_learning_rate_and_the_others_keep_lr() {
    // Backprop learns spirals at 0.08; feedback alignment is given 0.3.
    let (s, notices) = Settings::from_query("?task=spirals&lr=0.08&lrs=fa:0.3");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        s.learning_rates,
        [(RuleKind::FeedbackAlignment.into(), 0.3)]
    );
    assert_eq!(s.run_learning_rates(), [0.08, 0.3]);
    let lrs: Vec<f32> = s
        .experiment_configs()
        .unwrap()
        .iter()
        .map(|c| c.lr)
        .collect();
    assert_eq!(lrs, [0.08, 0.3]);
    assert_eq!(s.to_query(), "?task=spirals&lr=0.08&lrs=fa:0.3");

    // Without `lr`, the others train at the task's rate; the list is kept in the
    // order of the runs whatever the link's order, and a rule can be in it alone.
    let (s, _) = Settings::from_query("?compare=kp,fa,bp&lrs=bp:0.01,kp:0.02");
    assert_eq!(
        s.learning_rates,
        [
            (RuleKind::KolenPollack.into(), 0.02),
            (RuleKind::Backprop.into(), 0.01)
        ]
    );
    let shared = ExperimentConfig::for_task(TaskKind::LinearTeacher).lr;
    assert_eq!(s.shared_learning_rate(), shared);
    assert_eq!(s.run_learning_rates(), [0.02, shared, 0.01]);
    assert_eq!(s.to_query(), "?compare=kp,fa,bp&lrs=kp:0.02,bp:0.01");
    // A single run has one η field: its own rate is its `lr`.
    let (single, notices) = Settings::from_query("?rule=fa&lrs=fa:0.2");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(single.run_learning_rates(), [0.2]);
    assert_eq!(
        (single.lr, single.learning_rates.clone()),
        (Some(0.2), vec![])
    );
    assert_eq!(single.to_query(), "?rule=fa&lr=0.2");
    // Turning compare mode off keeps the remaining run's own rate, as its `lr`.
    let (mut s, _) = Settings::from_query("?compare=bp,fa&lr=0.1&lrs=bp:0.05");
    s.compare.clear();
    s.fold_single_run_rate();
    assert_eq!((s.lr, s.learning_rates.clone()), (Some(0.05), vec![]));
    // Another task drops the runs' own rates with the rest of the old task's values.
    let (s, _) = Settings::from_query("?task=spirals&lr=0.08&lrs=fa:0.3");
    let moved = s.with_task(TaskKind::LinearTeacher);
    assert!(moved.learning_rates.is_empty());
    assert_eq!(
        moved.run_learning_rates(),
        [ExperimentConfig::for_task(TaskKind::LinearTeacher).lr; 2]
    );

    // A rate for a rule that is not run is ignored with a notice; the rest is kept.
    let (s, notices) = Settings::from_query("?lrs=dfa:0.5,fa:0.1");
    assert_eq!(
        s.learning_rates,
        [(RuleKind::FeedbackAlignment.into(), 0.1)]
    );
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].param, "lrs");

    // The controls: setting, changing and taking away a run's own rate; a rule
    // unticked in compare mode takes its rate out of the link.
    let mut s = Settings::default();
    s.set_learning_rate(RuleKind::FeedbackAlignment, Some(0.3));
    s.set_learning_rate(RuleKind::Backprop, Some(0.05));
    assert_eq!(
        s.learning_rates,
        [
            (RuleKind::Backprop.into(), 0.05),
            (RuleKind::FeedbackAlignment.into(), 0.3)
        ]
    );
    s.set_learning_rate(RuleKind::Backprop, None);
    assert_eq!(
        s.learning_rates,
        [(RuleKind::FeedbackAlignment.into(), 0.3)]
    );
    s.compare = vec![
        RuleKind::Backprop.into(),
        RuleKind::DirectFeedbackAlignment.into(),
    ];
    let edited = Settings::default().edited(&s).expect("a valid edit");
    assert!(
        edited.learning_rates.is_empty(),
        "{:?}",
        edited.learning_rates
    );
}

#[test]
fn composed_rules_read_as_the_rules_they_equal_and_round_trip() {
    let (s, notices) = Settings::from_query(
        "?compare=bp,custom:wt.no-fprime,custom:b&lrs=custom:wt.no-fprime:0.02",
    );
    assert!(notices.is_empty(), "{notices:?}");
    let bp_without = RunRule::new(RuleKind::Backprop, true);
    assert_eq!(
        s.rules(),
        [
            RuleKind::Backprop.into(),
            bp_without,
            RuleKind::FeedbackAlignment.into()
        ]
    );
    assert!(!s.no_derivative, "only the one run drops f′");
    assert_eq!(s.learning_rate(bp_without), 0.02);
    assert_eq!(
        s.learning_rate(RuleKind::Backprop),
        s.shared_learning_rate()
    );
    // Written back in one spelling: `custom:b` is `fa`.
    let query = s.to_query();
    assert_eq!(
        query,
        "?compare=bp,custom:wt.no-fprime,fa&lrs=custom:wt.no-fprime:0.02"
    );
    let (back, notices) = Settings::from_query(&query);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(back, s);
    // Each run's config: the second is backprop without f′, the others with it.
    let configs = s.experiment_configs().unwrap();
    assert_eq!(
        configs
            .iter()
            .map(|c| (c.rule, c.no_derivative, c.lr))
            .collect::<Vec<_>>(),
        [
            (RuleKind::Backprop, false, s.shared_learning_rate()),
            (RuleKind::Backprop, true, 0.02),
            (RuleKind::FeedbackAlignment, false, s.shared_learning_rate()),
        ]
    );
}

#[test]
fn a_single_composed_run_is_its_rule_and_the_f_prime_flag() {
    let (s, notices) = Settings::from_query("?rule=custom:b.learn.no-fprime");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        (s.rule, s.is_compare(), s.no_derivative),
        (RuleKind::KolenPollack, false, true)
    );
    assert_eq!(s.to_query(), "?rule=kp&noderiv=1");
}

#[test]
fn an_impossible_composition_in_a_link_is_explained_and_the_default_kept() {
    let (s, notices) = Settings::from_query("?compare=bp,custom:d.learn");
    assert_eq!(s.rules(), Settings::default().rules());
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].param, "compare");
    assert!(
        notices[0].message.contains("no forward weight mirrors it"),
        "{}",
        notices[0].message
    );
}

#[test]
fn with_noderiv_every_run_drops_f_prime_and_twins_are_left_out() {
    let (s, notices) = Settings::from_query("?compare=bp,custom:wt.no-fprime,fa&noderiv=1");
    assert_eq!(
        s.rules(),
        [
            RuleKind::Backprop.into(),
            RunRule::from(RuleKind::FeedbackAlignment)
        ]
    );
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0].message.contains("custom:wt.no-fprime"),
        "{notices:?}"
    );
}

#[test]
fn old_links_read_as_before_runs_had_their_own_f_prime() {
    // Written by builds whose runs shared one "without f′": the same runs now.
    let (s, notices) = Settings::from_query("?task=xor&compare=bp,fa&noderiv=1&lrs=fa:0.3");
    assert!(notices.is_empty(), "{notices:?}");
    assert!(s.no_derivative);
    assert_eq!(s.rules(), [RuleKind::Backprop, RuleKind::FeedbackAlignment]);
    assert_eq!(s.learning_rate(RuleKind::FeedbackAlignment), 0.3);
    assert!(s
        .experiment_configs()
        .unwrap()
        .iter()
        .all(|c| c.no_derivative));
    assert_eq!(s.to_query(), "?task=xor&lrs=fa:0.3&noderiv=1");
}
